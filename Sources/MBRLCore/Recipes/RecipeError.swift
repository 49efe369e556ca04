/// A mistake in a recipe: where it is (the JSON path) and what to do about it.
public struct RecipeError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The JSON path of the offending value, for example `"planner.population"`.
    public var path: String
    /// What is wrong and how to fix it.
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String {
        path.isEmpty ? "recipe error: \(message)" : "recipe error at \(path): \(message)"
    }
}
