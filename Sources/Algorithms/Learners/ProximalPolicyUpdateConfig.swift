import MBRLCore

/// Settings of `ProximalPolicyUpdate` (also `ProximalPolicyUpdate.Config`); every key is optional
/// in a recipe. The defaults are rl-baselines3-zoo's PPO settings for `CartPole-v1`
/// (`hyperparams/ppo.yml`: `batch_size` 256, `n_epochs` 20, `ent_coef` 0.0, `learning_rate`
/// `lin_0.001`, `clip_range` `lin_0.2` over `n_timesteps` 1e5) with Stable-Baselines3's `PPO`
/// defaults for the keys the zoo leaves out (`vf_coef` 0.5, `max_grad_norm` 0.5,
/// `normalize_advantage` true, `target_kl` None, Adam `eps` 1e-5, the on-policy value network
/// [64, 64] tanh).
///
/// The zoo's `lin_` schedules decay linearly to 0 over the run's budget: here the step size and
/// clip range are multiplied by `max(0, 1 - steps / annealSteps)` (SB3's `progress_remaining`,
/// with `steps` the real steps collected when the update starts); `annealSteps` 0 keeps them
/// constant.
///
/// ```json
/// {"clipRange": 0.2, "epochs": 20, "batchSize": 256, "learningRate": 0.001, "annealSteps": 100000}
/// ```
public struct ProximalPolicyUpdateConfig: DocumentedConfig, Equatable {
    /// The clip range epsilon of the ratio `pi / pi_old` (zoo `clip_range` lin_0.2, default 0.2).
    public var clipRange: Float
    /// Adam's step size for the policy and value networks (zoo `learning_rate` lin_0.001, default 1e-3).
    public var learningRate: Float
    /// Real steps over which `learningRate` and `clipRange` decay linearly to 0; 0 keeps them
    /// constant (the zoo's `lin_` schedules over `n_timesteps` 1e5, default 100,000).
    public var annealSteps: Int
    /// Passes over the batch per update (zoo `n_epochs`, default 20).
    public var epochs: Int
    /// Rows per minibatch (zoo `batch_size`, default 256).
    public var batchSize: Int
    /// Weight of the entropy bonus (zoo `ent_coef`, default 0).
    public var entropyCoefficient: Float
    /// Weight of the value loss (SB3 `vf_coef`, default 0.5).
    public var valueCoefficient: Float
    /// The global gradient norm (policy and value together) is clipped to this (SB3 `max_grad_norm`, default 0.5); 0 turns clipping off.
    public var maxGradientNorm: Float
    /// Normalise the advantages per minibatch (SB3 `normalize_advantage`, default true).
    public var normalizeAdvantages: Bool
    /// Stop the update's epochs early when the approximate KL exceeds 1.5 times this (SB3 `target_kl`); 0 turns it off (default 0, SB3's None).
    public var targetKullbackLeibler: Float
    /// The value network (default 2 x 64 tanh, SB3's on-policy `net_arch`).
    public var valueFunction: StateValueNetwork.Config

    /// Settings with the documented defaults unless given.
    public init(clipRange: Float = 0.2, learningRate: Float = 1e-3, annealSteps: Int = 100_000, epochs: Int = 20,
                batchSize: Int = 256, entropyCoefficient: Float = 0, valueCoefficient: Float = 0.5, maxGradientNorm: Float = 0.5,
                normalizeAdvantages: Bool = true, targetKullbackLeibler: Float = 0,
                valueFunction: StateValueNetwork.Config = TrustRegionPolicyUpdateConfig.defaultValueFunction) {
        self.clipRange = clipRange
        self.learningRate = learningRate
        self.annealSteps = annealSteps
        self.epochs = epochs
        self.batchSize = batchSize
        self.entropyCoefficient = entropyCoefficient
        self.valueCoefficient = valueCoefficient
        self.maxGradientNorm = maxGradientNorm
        self.normalizeAdvantages = normalizeAdvantages
        self.targetKullbackLeibler = targetKullbackLeibler
        self.valueFunction = valueFunction
    }

    /// The documented defaults.
    public static var defaults: ProximalPolicyUpdateConfig { ProximalPolicyUpdateConfig() }

    /// A one-line description of each key, for `mbrl-run describe`.
    public static let keyDescriptions: [String: String] = [
        "clipRange": "clip range epsilon of the probability ratio (zoo clip_range)",
        "learningRate": "Adam step size of the policy and value networks (zoo learning_rate)",
        "annealSteps": "real steps over which learningRate and clipRange decay linearly to 0 (0: constant; zoo lin_ schedules)",
        "epochs": "passes over the collected batch per update (zoo n_epochs)",
        "batchSize": "rows per minibatch (zoo batch_size)",
        "entropyCoefficient": "weight of the entropy bonus (zoo ent_coef)",
        "valueCoefficient": "weight of the value loss (SB3 vf_coef)",
        "maxGradientNorm": "global gradient norm clip over policy and value (SB3 max_grad_norm; 0: off)",
        "normalizeAdvantages": "normalise advantages per minibatch (SB3 normalize_advantage)",
        "targetKullbackLeibler": "stop an update's epochs when the approximate KL exceeds 1.5 times this (SB3 target_kl; 0: off)",
        "valueFunction": "the value network: hiddenSizes, activation, initializer (default [64, 64] tanh)",
    ]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case clipRange, learningRate, annealSteps, epochs, batchSize, entropyCoefficient, valueCoefficient, maxGradientNorm
        case normalizeAdvantages, targetKullbackLeibler, valueFunction
    }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        try self.init(fromKeysOf: decoder)
    }

    /// Reads this config's keys from `decoder`, ignoring others (for configs that embed these
    /// keys among their own, such as the `"ppo"` policy optimizer's).
    init(fromKeysOf decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = ProximalPolicyUpdateConfig()
        clipRange = try container.decode(Float.self, forKey: .clipRange, default: defaults.clipRange, in: 0...10)
        learningRate = try container.decode(Float.self, forKey: .learningRate, default: defaults.learningRate, in: 0...1)
        annealSteps = try container.decode(Int.self, forKey: .annealSteps, default: defaults.annealSteps, in: 0...1_000_000_000)
        epochs = try container.decode(Int.self, forKey: .epochs, default: defaults.epochs, in: 1...100_000)
        batchSize = try container.decode(Int.self, forKey: .batchSize, default: defaults.batchSize, in: 1...10_000_000)
        entropyCoefficient = try container.decode(Float.self, forKey: .entropyCoefficient, default: defaults.entropyCoefficient, in: 0...100)
        valueCoefficient = try container.decode(Float.self, forKey: .valueCoefficient, default: defaults.valueCoefficient, in: 0...100)
        maxGradientNorm = try container.decode(Float.self, forKey: .maxGradientNorm, default: defaults.maxGradientNorm, in: 0...1e9)
        normalizeAdvantages = try container.decode(Bool.self, forKey: .normalizeAdvantages, default: defaults.normalizeAdvantages)
        targetKullbackLeibler = try container.decode(Float.self, forKey: .targetKullbackLeibler,
                                                     default: defaults.targetKullbackLeibler, in: 0...100)
        if container.contains(.valueFunction) {
            valueFunction = try TrustRegionPolicyUpdateConfig.decodeValueFunction(from: container.superDecoder(forKey: .valueFunction))
        } else {
            valueFunction = defaults.valueFunction
        }
    }

    /// The step size and clip range after `steps` real steps (the linear schedules).
    public func scheduled(afterSteps steps: Int) -> (learningRate: Float, clipRange: Float) {
        guard annealSteps > 0 else { return (learningRate, clipRange) }
        let remaining = max(0, 1 - Float(steps) / Float(annealSteps))
        return (learningRate * remaining, clipRange * remaining)
    }

    /// Throws `invalidArgument` naming the first setting out of range.
    public func validate() throws {
        func require(_ condition: Bool, _ message: String) throws {
            if !condition { throw MBRLError.invalidArgument(message) }
        }
        try require(clipRange > 0 && clipRange.isFinite, "clipRange must be positive and finite, got \(clipRange)")
        try require(learningRate >= 0 && learningRate.isFinite, "learningRate must be finite and at least 0, got \(learningRate)")
        try require(annealSteps >= 0, "annealSteps must be at least 0, got \(annealSteps)")
        try require(epochs >= 1, "epochs must be at least 1, got \(epochs)")
        try require(batchSize >= 1, "batchSize must be at least 1, got \(batchSize)")
        try require(entropyCoefficient >= 0 && entropyCoefficient.isFinite, "entropyCoefficient must be finite and at least 0, got \(entropyCoefficient)")
        try require(valueCoefficient >= 0 && valueCoefficient.isFinite, "valueCoefficient must be finite and at least 0, got \(valueCoefficient)")
        try require(maxGradientNorm >= 0 && maxGradientNorm.isFinite, "maxGradientNorm must be finite and at least 0, got \(maxGradientNorm)")
        try require(targetKullbackLeibler >= 0 && targetKullbackLeibler.isFinite,
                    "targetKullbackLeibler must be finite and at least 0, got \(targetKullbackLeibler)")
        try valueFunction.validate()
    }
}
