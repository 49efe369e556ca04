/// A component's recipe settings: `Codable`, every key optional with a default (`defaults`
/// holds them all), and a one-line description per key for `mbrl-run describe`.
///
/// ```swift
/// public struct Config: DocumentedConfig {
///     public var particleCount = 20
///     public init() {}
///     public static var defaults: Config { Config() }
///     public static let keyDescriptions = ["particleCount": "particles per action sequence"]
/// }
/// ```
public protocol DocumentedConfig: Codable, Sendable {
    /// The configuration with every default.
    static var defaults: Self { get }
    /// A one-line description of each key, by key.
    static var keyDescriptions: [String: String] { get }
}

extension DocumentedConfig {
    /// Each key with its JSON type, default and description, sorted by key.
    ///
    /// The type is the default's JSON kind, except that a whole-number default of a `Float` or
    /// `Double` property (found by the key's name) is a `"number"`, not an `"integer"`.
    public static func keyDocumentation() -> [ComponentRegistry.KeyDocumentation] {
        let defaults = ((try? JSONValue(encoding: Self.defaults)) ?? .object([:])).objectMembers
        let keys = Set(defaults.keys).union(keyDescriptions.keys).sorted()
        let properties = Mirror(reflecting: Self.defaults).children
        return keys.map { key in
            let value = defaults[key] ?? .null
            var type = value.kindName
            if case .number = value, let property = Self.property(named: key, in: properties) {
                switch property {
                case is Float, is Double, is Float?, is Double?: type = "number"
                default: break
                }
            }
            return .init(name: key, type: type, defaultValue: value, summary: keyDescriptions[key] ?? "")
        }
    }

    /// The value of the stored property `name`, looked for among `children` and then inside
    /// them (configs that read a nested config's keys from their own object, as `"sac"` and
    /// `"dqn"` read their learner's).
    private static func property(named name: String, in children: Mirror.Children, depth: Int = 0) -> Any? {
        if let match = children.first(where: { $0.label == name }) { return match.value }
        guard depth < 3 else { return nil }
        for child in children {
            let nested = Mirror(reflecting: child.value)
            guard nested.displayStyle == .struct, let found = property(named: name, in: nested.children, depth: depth + 1) else { continue }
            return found
        }
        return nil
    }
}
