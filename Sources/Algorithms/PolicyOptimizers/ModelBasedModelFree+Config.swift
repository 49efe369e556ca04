import MBRLCore

/// `"mb-mf"`'s recipe keys: how long the planner acts, DAgger's iterations, the regression, the
/// hand-over's initial standard deviation and the model-free fine-tuner with its own keys.
///
/// ```json
/// "policyOptimizer": {"type": "mb-mf", "plannerEpisodes": 5, "daggerIterations": 3, "epochs": 50,
///                     "initialStandardDeviation": 0.3,
///                     "fineTuner": {"type": "sac", "learningRate": 0.001, "actor": {"hiddenSizes": [64, 64]}}}
/// ```
public struct ModelBasedModelFreeConfig: DocumentedConfig, Equatable {
    /// The model-free learner the imitated policy is handed to, with its settings.
    public enum FineTuner: Equatable, Sendable {
        /// Soft actor-critic (`"sac"`'s keys).
        case sac(SoftActorCritic.Config)
        /// Trust region policy optimization with a Gaussian policy (`"trpo"`'s keys).
        case trpo(TrustRegionPolicyOptimizationConfig)

        /// The fine-tuner's registered name.
        public var name: String {
            switch self {
            case .sac: return "sac"
            case .trpo: return "trpo"
            }
        }
    }

    /// Training episodes the planner acts in before imitation starts (default 5).
    public var plannerEpisodes = 5
    /// DAgger iterations after the first fit: the policy acts, the planner labels, refit
    /// (default 3, as the MB-MF; 0 is plain behaviour cloning).
    public var daggerIterations = 3
    /// Episodes the policy acts in per DAgger iteration (default 1).
    public var episodesPerIteration = 1
    /// Passes over the labelled rows per fit (default 50).
    public var epochs = 50
    /// Rows per regression minibatch (default 64).
    public var batchSize = 64
    /// Adam's learning rate for the regression (default 1e-3).
    public var learningRate: Float = 1e-3
    /// The fine-tuner's initial standard deviation after the hand-over (default 0.3): in action
    /// units for TRPO, in SAC's pre-tanh space.
    public var initialStandardDeviation: Float = 0.3
    /// Real steps after the hand-over in which the fine-tuner's policy stays fixed while its
    /// critics learn (SAC; default 0).
    public var criticWarmupSteps = 0
    /// The fine-tuner (default SAC with its defaults).
    public var fineTuner = FineTuner.sac(SoftActorCritic.Config())

    public init() {}
    public static var defaults: Self { Self() }

    public static let keyDescriptions: [String: String] = [
        "plannerEpisodes": "training episodes the planner (MPC) acts in before imitation",
        "daggerIterations": "DAgger iterations after the first fit (the policy acts, the planner labels, refit); 0: behaviour cloning only",
        "episodesPerIteration": "episodes the policy acts in per DAgger iteration",
        "epochs": "passes over the labelled rows per regression fit",
        "batchSize": "rows per regression minibatch",
        "learningRate": "Adam learning rate of the regression",
        "initialStandardDeviation": "the fine-tuner's standard deviation after the hand-over (TRPO: action units; SAC: pre-tanh)",
        "criticWarmupSteps": "real steps after the hand-over in which SAC's actor stays fixed while its critics learn",
        "fineTuner": "the model-free learner after imitation: {\"type\": \"sac\" or \"trpo\", ...its keys}",
    ]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case plannerEpisodes, daggerIterations, episodesPerIteration, epochs, batchSize, learningRate, initialStandardDeviation, criticWarmupSteps, fineTuner
    }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = Self()
        plannerEpisodes = try container.decode(Int.self, forKey: .plannerEpisodes, default: defaults.plannerEpisodes, in: 1...1_000_000)
        daggerIterations = try container.decode(Int.self, forKey: .daggerIterations, default: defaults.daggerIterations, in: 0...10_000)
        episodesPerIteration = try container.decode(Int.self, forKey: .episodesPerIteration, default: defaults.episodesPerIteration, in: 1...1_000_000)
        epochs = try container.decode(Int.self, forKey: .epochs, default: defaults.epochs, in: 1...1_000_000)
        batchSize = try container.decode(Int.self, forKey: .batchSize, default: defaults.batchSize, in: 1...1_000_000)
        learningRate = try container.decode(Float.self, forKey: .learningRate, default: defaults.learningRate, in: 1e-9...10)
        initialStandardDeviation = try container.decode(Float.self, forKey: .initialStandardDeviation,
                                                        default: defaults.initialStandardDeviation, in: 1e-6...100)
        criticWarmupSteps = try container.decode(Int.self, forKey: .criticWarmupSteps, default: defaults.criticWarmupSteps, in: 0...Int.max)
        let tuner = try container.decodeIfPresent(JSONValue.self, forKey: .fineTuner) ?? .string("sac")
        fineTuner = try Self.fineTuner(from: tuner, container: container)
    }

    /// The fine-tuner from `"sac"`, `"trpo"` or `{"type": ..., keys}`; its keys are checked by
    /// its own config (unknown keys refused with their path).
    static func fineTuner(from json: JSONValue, container: KeyedDecodingContainer<CodingKeys>) throws -> FineTuner {
        let names = ["sac", "trpo"]
        var members: [String: JSONValue]
        switch json {
        case .string(let name): members = ["type": .string(name)]
        case .object(let object): members = object
        default:
            throw DecodingError.dataCorruptedError(forKey: .fineTuner, in: container,
                                                   debugDescription: "fineTuner is \"sac\", \"trpo\" or an object with a \"type\", got a \(json.kindName)")
        }
        guard case .string(let type)? = members.removeValue(forKey: "type") else {
            throw DecodingError.dataCorruptedError(forKey: .fineTuner, in: container,
                                                   debugDescription: "fineTuner needs a \"type\": \"sac\" or \"trpo\"")
        }
        do {
            switch type {
            case "sac": return .sac(try JSONValue.object(members).decode(SoftActorCritic.Config.self))
            case "trpo": return .trpo(try JSONValue.object(members).decode(TrustRegionPolicyOptimizationConfig.self))
            default:
                throw DecodingError.dataCorruptedError(forKey: .fineTuner, in: container,
                                                       debugDescription: "unknown fineTuner \"\(type)\"\(NameSuggestions.hint(for: type, in: names)); use \"sac\" or \"trpo\"")
            }
        } catch let error as DecodingError {
            if case .dataCorrupted(let context) = error, context.codingPath.last?.stringValue == CodingKeys.fineTuner.rawValue { throw error }
            throw DecodingError.dataCorruptedError(forKey: .fineTuner, in: container,
                                                   debugDescription: "fineTuner (\(type)): \(JSONValue.describe(error))")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(plannerEpisodes, forKey: .plannerEpisodes)
        try container.encode(daggerIterations, forKey: .daggerIterations)
        try container.encode(episodesPerIteration, forKey: .episodesPerIteration)
        try container.encode(epochs, forKey: .epochs)
        try container.encode(batchSize, forKey: .batchSize)
        try container.encode(learningRate, forKey: .learningRate)
        try container.encode(initialStandardDeviation, forKey: .initialStandardDeviation)
        try container.encode(criticWarmupSteps, forKey: .criticWarmupSteps)
        var tuner: JSONValue
        switch fineTuner {
        case .sac(let config): tuner = try JSONValue(encoding: config)
        case .trpo(let config): tuner = try JSONValue(encoding: config)
        }
        var members = tuner.objectMembers
        members["type"] = .string(fineTuner.name)
        try container.encode(JSONValue.object(members), forKey: .fineTuner)
    }
}
