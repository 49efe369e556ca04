import MBRLCore

/// Recipe settings of every built-in environment: fixed values for its physical parameters and
/// ranges to draw them from per episode (domain randomization). Both are empty by default, which
/// gives the environment exactly as Gymnasium defines it.
///
/// Values are in the parameter's own units (absolute, not multiples of the nominal value); for
/// the pendulum, whose nominal mass and length are 1, a range `[0.7, 1.3]` is +-30%.
/// `mbrl-run describe Pendulum-v1` lists the parameters with their nominal values.
///
/// ```json
/// "environment": {"id": "Pendulum-v1", "randomize": {"mass": [0.7, 1.3], "length": [0.7, 1.3]}}
/// "environment": {"id": "Pendulum-v1", "parameters": {"mass": 1.4}}
/// ```
public struct CatalogEnvironmentConfig: DocumentedConfig, Equatable {
    /// Values held for every episode, by parameter name.
    public var parameters: [String: Double] = [:]
    /// `[min, max]` ranges drawn from uniformly at every reset, by parameter name.
    public var randomize: [String: [Double]] = [:]

    public init() {}
    public static var defaults: Self { Self() }

    public static let keyDescriptions = [
        "parameters": "fixed physical parameters by name, in their own units, e.g. {\"mass\": 1.4}; the names are in the summary",
        "randomize": "per-episode ranges [min, max] by parameter name, drawn uniformly at every reset, e.g. {\"mass\": [0.7, 1.3]}; drawn values are logged as env.<name>",
    ]

    enum CodingKeys: String, CodingKey, CaseIterable { case parameters, randomize }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        parameters = try container.decode([String: Double].self, forKey: .parameters, default: [:])
        randomize = try container.decode([String: [Double]].self, forKey: .randomize, default: [:])
    }

    /// Whether the recipe sets nothing (the environment as registered).
    public var isNominal: Bool { parameters.isEmpty && randomize.isEmpty }

    /// `environment` with these settings: itself when nominal, otherwise wrapped in
    /// `DomainRandomization` (seeded with `seed`). Errors are `RecipeError`s at
    /// `environment.parameters.<name>` or `environment.randomize.<name>` that name the
    /// environment's parameters.
    public func apply(to environment: any Environment, seed: UInt64) throws -> any Environment {
        guard !isNominal else { return environment }
        guard let parameterized = environment as? any ParameterizedEnvironment else {
            let key = parameters.isEmpty ? "randomize" : "parameters"
            throw RecipeError(path: "environment.\(key)",
                              message: "\(environment.id) has no physical parameters to set; environments with parameters: \(Self.parameterizedIDs.joined(separator: ", "))")
        }
        return try Self.randomized(parameterized, config: self, seed: seed)
    }

    /// The catalog's environments that have physical parameters.
    static var parameterizedIDs: [String] {
        EnvironmentCatalog.ids.filter { ((try? EnvironmentCatalog.make($0)) as? any ParameterizedEnvironment) != nil }
    }

    static func randomized<Wrapped: ParameterizedEnvironment>(_ environment: Wrapped, config: Self, seed: UInt64) throws -> any Environment {
        let listing = "Parameters of \(environment.id): \(environment.parameterListing)"
        for (name, value) in config.parameters.sorted(by: { $0.key < $1.key }) {
            if let problem = environment.parameterProblem([name: value]) {
                throw RecipeError(path: "environment.parameters.\(name)", message: Self.withListing(problem, listing))
            }
        }
        var ranges: [String: ClosedRange<Double>] = [:]
        for (name, bounds) in config.randomize.sorted(by: { $0.key < $1.key }) {
            let path = "environment.randomize.\(name)"
            guard bounds.count == 2 else {
                throw RecipeError(path: path, message: "a range is two numbers [min, max], got \(bounds.count); for example [0.7, 1.3]")
            }
            guard bounds[0] <= bounds[1] else {
                throw RecipeError(path: path, message: "the range's minimum \(bounds[0]) is above its maximum \(bounds[1]); write [min, max]")
            }
            for bound in bounds {
                if let problem = environment.parameterProblem([name: bound]) {
                    throw RecipeError(path: path, message: Self.withListing(problem, listing))
                }
            }
            if config.parameters[name] != nil {
                throw RecipeError(path: path, message: "\(name) is also fixed in environment.parameters; give it a value or a range, not both")
            }
            ranges[name] = bounds[0]...bounds[1]
        }
        return try DomainRandomization(environment, ranges: ranges, fixed: config.parameters, seed: seed)
    }

    /// `problem`, followed by the listing unless it already lists the parameters.
    static func withListing(_ problem: String, _ listing: String) -> String {
        problem.contains("Valid parameters") ? problem : "\(problem). \(listing)"
    }
}
