import MBRLCore

/// Settings of `TrustRegionPolicyUpdate` (also `TrustRegionPolicyUpdate.Config`); every key is
/// optional in a recipe. The defaults are sb3-contrib's `TRPO`: `target_kl` 0.01,
/// `cg_max_steps` 15, `cg_damping` 0.1, `line_search_shrinking_factor` 0.8,
/// `line_search_max_iter` 10, `normalize_advantage` true, `n_critic_updates` 10 epochs of Adam
/// (`learning_rate` 1e-3, SB3's on-policy `eps` 1e-5) over minibatches of `batch_size` 128, and
/// SB3's on-policy value network (`net_arch` [64, 64], tanh).
///
/// ```json
/// {"targetKullbackLeibler": 0.01, "conjugateGradientIterations": 15, "valueEpochs": 15,
///  "valueFunction": {"hiddenSizes": [64, 64], "activation": "tanh"}}
/// ```
public struct TrustRegionPolicyUpdateConfig: DocumentedConfig, Equatable {
    /// The trust region's radius: the most mean KL divergence a step may take (sb3 `target_kl`, default 0.01).
    public var targetKullbackLeibler: Float
    /// Conjugate-gradient iterations (Fisher-vector products) per step (sb3 `cg_max_steps`, default 15).
    public var conjugateGradientIterations: Int
    /// Added to the Fisher matrix's diagonal, `(F + damping I) x = g` (sb3 `cg_damping`, default 0.1).
    public var conjugateGradientDamping: Float
    /// The factor the step shrinks by after a rejected line-search try (sb3 `line_search_shrinking_factor`, default 0.8).
    public var lineSearchShrinkFactor: Float
    /// The most line-search tries (sb3 `line_search_max_iter`, default 10).
    public var lineSearchSteps: Int
    /// Normalise the advantages to mean 0 and standard deviation 1 per batch (sb3 `normalize_advantage`, default true).
    public var normalizeAdvantages: Bool
    /// Passes over the batch fitting the value network after each policy step (sb3 `n_critic_updates`, default 10).
    public var valueEpochs: Int
    /// Rows per value-network minibatch (sb3 `batch_size`, default 128).
    public var valueBatchSize: Int
    /// The value network's Adam step size (sb3 `learning_rate`, default 1e-3).
    public var valueLearningRate: Float
    /// The value network (default 2 x 64 tanh, SB3's on-policy `net_arch`).
    public var valueFunction: StateValueNetwork.Config

    /// SB3's on-policy value network: [64, 64] with tanh.
    public static let defaultValueFunction = StateValueNetwork.Config(hiddenSizes: [64, 64], activation: .tanh)

    /// Settings with the documented defaults unless given.
    public init(targetKullbackLeibler: Float = 0.01, conjugateGradientIterations: Int = 15, conjugateGradientDamping: Float = 0.1,
                lineSearchShrinkFactor: Float = 0.8, lineSearchSteps: Int = 10, normalizeAdvantages: Bool = true,
                valueEpochs: Int = 10, valueBatchSize: Int = 128, valueLearningRate: Float = 1e-3,
                valueFunction: StateValueNetwork.Config = Self.defaultValueFunction) {
        self.targetKullbackLeibler = targetKullbackLeibler
        self.conjugateGradientIterations = conjugateGradientIterations
        self.conjugateGradientDamping = conjugateGradientDamping
        self.lineSearchShrinkFactor = lineSearchShrinkFactor
        self.lineSearchSteps = lineSearchSteps
        self.normalizeAdvantages = normalizeAdvantages
        self.valueEpochs = valueEpochs
        self.valueBatchSize = valueBatchSize
        self.valueLearningRate = valueLearningRate
        self.valueFunction = valueFunction
    }

    /// The documented defaults.
    public static var defaults: TrustRegionPolicyUpdateConfig { TrustRegionPolicyUpdateConfig() }

    /// A one-line description of each key, for `mbrl-run describe`.
    public static let keyDescriptions: [String: String] = [
        "targetKullbackLeibler": "trust region radius: the most mean KL divergence per policy step (sb3 target_kl)",
        "conjugateGradientIterations": "conjugate-gradient iterations per policy step (sb3 cg_max_steps)",
        "conjugateGradientDamping": "damping added to the Fisher matrix's diagonal (sb3 cg_damping)",
        "lineSearchShrinkFactor": "factor the step shrinks by after a rejected line-search try (sb3 line_search_shrinking_factor)",
        "lineSearchSteps": "most line-search tries per policy step (sb3 line_search_max_iter)",
        "normalizeAdvantages": "normalise advantages to mean 0, standard deviation 1 per batch (sb3 normalize_advantage)",
        "valueEpochs": "passes over the batch fitting the value network per update (sb3 n_critic_updates)",
        "valueBatchSize": "rows per value-network minibatch (sb3 batch_size)",
        "valueLearningRate": "Adam step size of the value network (sb3 learning_rate)",
        "valueFunction": "the value network: hiddenSizes, activation, initializer (default [64, 64] tanh)",
    ]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case targetKullbackLeibler, conjugateGradientIterations, conjugateGradientDamping, lineSearchShrinkFactor, lineSearchSteps
        case normalizeAdvantages, valueEpochs, valueBatchSize, valueLearningRate, valueFunction
    }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        try self.init(fromKeysOf: decoder)
    }

    /// Reads this config's keys from `decoder`, ignoring others (for configs that embed these
    /// keys among their own, such as the `"trpo"` policy optimizer's).
    init(fromKeysOf decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = TrustRegionPolicyUpdateConfig()
        targetKullbackLeibler = try container.decode(Float.self, forKey: .targetKullbackLeibler,
                                                     default: defaults.targetKullbackLeibler, in: 1e-8...10)
        conjugateGradientIterations = try container.decode(Int.self, forKey: .conjugateGradientIterations,
                                                           default: defaults.conjugateGradientIterations, in: 1...10_000)
        conjugateGradientDamping = try container.decode(Float.self, forKey: .conjugateGradientDamping,
                                                        default: defaults.conjugateGradientDamping, in: 0...1e6)
        lineSearchShrinkFactor = try container.decode(Float.self, forKey: .lineSearchShrinkFactor,
                                                      default: defaults.lineSearchShrinkFactor, in: 0.01...0.99)
        lineSearchSteps = try container.decode(Int.self, forKey: .lineSearchSteps, default: defaults.lineSearchSteps, in: 1...1000)
        normalizeAdvantages = try container.decode(Bool.self, forKey: .normalizeAdvantages, default: defaults.normalizeAdvantages)
        valueEpochs = try container.decode(Int.self, forKey: .valueEpochs, default: defaults.valueEpochs, in: 0...100_000)
        valueBatchSize = try container.decode(Int.self, forKey: .valueBatchSize, default: defaults.valueBatchSize, in: 1...10_000_000)
        valueLearningRate = try container.decode(Float.self, forKey: .valueLearningRate, default: defaults.valueLearningRate, in: 0...1)
        if container.contains(.valueFunction) {
            valueFunction = try Self.decodeValueFunction(from: container.superDecoder(forKey: .valueFunction))
        } else {
            valueFunction = defaults.valueFunction
        }
    }

    /// The value network's keys with TRPO's defaults ([64, 64] tanh) for the keys not given
    /// (`StateValueNetwork.Config`'s own defaults are the off-policy [256, 256] ReLU).
    static func decodeValueFunction(from decoder: Decoder) throws -> StateValueNetwork.Config {
        typealias Keys = StateValueNetwork.Config.CodingKeys
        try decoder.rejectUnknownKeys(Keys.self)
        let container = try decoder.container(keyedBy: Keys.self)
        let defaults = defaultValueFunction
        let config = StateValueNetwork.Config(
            hiddenSizes: try container.decode([Int].self, forKey: .hiddenSizes, default: defaults.hiddenSizes),
            activation: try container.decode(Activation.self, forKey: .activation, default: defaults.activation),
            initializer: try container.decode(WeightInitializer.self, forKey: .initializer, default: defaults.initializer))
        try config.validate()
        return config
    }

    /// Throws `invalidArgument` naming the first setting out of range.
    public func validate() throws {
        func require(_ condition: Bool, _ message: String) throws {
            if !condition { throw MBRLError.invalidArgument(message) }
        }
        try require(targetKullbackLeibler > 0 && targetKullbackLeibler.isFinite,
                    "targetKullbackLeibler must be positive and finite, got \(targetKullbackLeibler)")
        try require(conjugateGradientIterations >= 1, "conjugateGradientIterations must be at least 1, got \(conjugateGradientIterations)")
        try require(conjugateGradientDamping >= 0 && conjugateGradientDamping.isFinite,
                    "conjugateGradientDamping must be finite and at least 0, got \(conjugateGradientDamping)")
        try require(lineSearchShrinkFactor > 0 && lineSearchShrinkFactor < 1,
                    "lineSearchShrinkFactor must be in (0, 1), got \(lineSearchShrinkFactor)")
        try require(lineSearchSteps >= 1, "lineSearchSteps must be at least 1, got \(lineSearchSteps)")
        try require(valueEpochs >= 0, "valueEpochs must be at least 0, got \(valueEpochs)")
        try require(valueBatchSize >= 1, "valueBatchSize must be at least 1, got \(valueBatchSize)")
        try require(valueLearningRate >= 0 && valueLearningRate.isFinite,
                    "valueLearningRate must be finite and at least 0, got \(valueLearningRate)")
        try valueFunction.validate()
    }
}
