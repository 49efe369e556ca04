import MBRLCore

/// Registers every built-in environment (by its catalog id, for example `"Pendulum-v1"`, with
/// `CatalogEnvironmentConfig`'s fixed and randomized physical parameters) and
/// `"gymnasium"` (any installed Gymnasium environment through the Python bridge) in `registry`.
public func registerEnvironments(in registry: ComponentRegistry) {
    for entry in EnvironmentCatalog.entries {
        let limit = entry.maxEpisodeSteps.map { ", \($0)-step episodes" } ?? ""
        let parameters = ((try? EnvironmentCatalog.make(entry.id)) as? any ParameterizedEnvironment)
            .map { "; parameters: \($0.parameterListing)" } ?? ""
        registry.environments.register(entry.id, summary: entry.summary + limit + parameters, config: CatalogEnvironmentConfig.self) { config, context in
            try config.apply(to: EnvironmentCatalog.make(entry.id, seed: context.seed), seed: context.seed)
        }
    }
    registry.environments.register("gymnasium", summary: "any installed Gymnasium environment, run in a Python child process",
                                   config: GymnasiumRecipeConfig.self) { config, _ in
        guard !config.id.isEmpty else {
            throw RecipeError(path: "environment.id", message: "name the Gymnasium id, for example \"HalfCheetah-v5\"")
        }
        return try GymnasiumEnvironment(id: config.id, python: config.python)
    }
}

/// Recipe settings of the `"gymnasium"` environment.
public struct GymnasiumRecipeConfig: DocumentedConfig, Equatable {
    /// The Gymnasium id, for example `"HalfCheetah-v5"`.
    public var id = ""
    /// The Python interpreter with gymnasium installed.
    public var python = "python3"

    public init() {}
    public static var defaults: Self { Self() }

    public static let keyDescriptions = [
        "id": "the Gymnasium environment id, for example HalfCheetah-v5 (required)",
        "python": "the Python interpreter that has gymnasium installed (scripts/install_gymnasium.sh)",
    ]

    enum CodingKeys: String, CodingKey, CaseIterable { case id, python }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id, default: "")
        python = try container.decode(String.self, forKey: .python, default: "python3")
    }
}
