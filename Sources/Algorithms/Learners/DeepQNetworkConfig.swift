import MBRLCore

/// Settings of `DeepQNetworkUpdate` (also `DeepQNetworkUpdate.Config`); every key is optional
/// in a recipe. The defaults are Stable-Baselines3's `DQN` (learning rate 1e-4, gamma 0.99,
/// `tau` 1: a hard copy into the target network, `max_grad_norm` 10, Huber loss with delta 1,
/// a [64, 64] ReLU Q-network), with one refinement SB3 does not make: double-DQN targets
/// (van Hasselt et al. 2016), which `doubleQ: false` turns off.
///
/// ```json
/// {"learningRate": 2.3e-3, "discount": 0.99, "doubleQ": true, "qNetwork": {"hiddenSizes": [256, 256]}}
/// ```
public struct DeepQNetworkConfig: DocumentedConfig, Equatable {
    /// The Adam step size (default 1e-4).
    public var learningRate: Float
    /// The discount gamma (default 0.99).
    public var discount: Float
    /// The Polyak rate of a target-network update (default 1: a copy).
    public var tau: Float
    /// Clip the gradients' global norm to this (default 10).
    public var maxGradientNorm: Float
    /// Double-DQN targets: the online network picks the next action, the target network values it
    /// (default true; false takes the target network's maximum, as SB3 and Mnih et al. 2015).
    public var doubleQ: Bool
    /// The Huber loss's delta (default 1: PyTorch's `smooth_l1_loss`).
    public var huberDelta: Float
    /// The Q-network's architecture.
    public var qNetwork: EpsilonGreedyQPolicy.Config

    /// Settings with the documented defaults unless given.
    public init(learningRate: Float = 1e-4, discount: Float = 0.99, tau: Float = 1, maxGradientNorm: Float = 10,
                doubleQ: Bool = true, huberDelta: Float = 1, qNetwork: EpsilonGreedyQPolicy.Config = .defaults) {
        self.learningRate = learningRate
        self.discount = discount
        self.tau = tau
        self.maxGradientNorm = maxGradientNorm
        self.doubleQ = doubleQ
        self.huberDelta = huberDelta
        self.qNetwork = qNetwork
    }

    /// The documented defaults.
    public static var defaults: DeepQNetworkConfig { DeepQNetworkConfig() }

    /// A one-line description of each key, for `mbrl-run describe`.
    public static let keyDescriptions: [String: String] = [
        "learningRate": "Adam step size of the Q-network",
        "discount": "discount gamma of the TD targets",
        "tau": "Polyak rate of a target-network update (1: copy)",
        "maxGradientNorm": "clip the gradients' global norm to this",
        "doubleQ": "double-DQN targets (the online network picks the next action, the target network values it)",
        "huberDelta": "the Huber loss's delta (quadratic below, linear above)",
        "qNetwork": "the Q-network: hiddenSizes, activation, initializer",
    ]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case learningRate, discount, tau, maxGradientNorm, doubleQ, huberDelta, qNetwork
    }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        try self.init(fromKeysOf: decoder)
    }

    /// Reads this config's keys from `decoder`, ignoring others (for the `"dqn"` and `"dyna"`
    /// optimizers, which read these keys among their own).
    init(fromKeysOf decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = DeepQNetworkConfig()
        learningRate = try container.decode(Float.self, forKey: .learningRate, default: defaults.learningRate, in: 0...1)
        discount = try container.decode(Float.self, forKey: .discount, default: defaults.discount, in: 0...1)
        tau = try container.decode(Float.self, forKey: .tau, default: defaults.tau, in: 0...1)
        maxGradientNorm = try container.decode(Float.self, forKey: .maxGradientNorm, default: defaults.maxGradientNorm,
                                               in: Float.leastNormalMagnitude...Float.greatestFiniteMagnitude)
        doubleQ = try container.decode(Bool.self, forKey: .doubleQ, default: defaults.doubleQ)
        huberDelta = try container.decode(Float.self, forKey: .huberDelta, default: defaults.huberDelta,
                                          in: Float.leastNormalMagnitude...Float.greatestFiniteMagnitude)
        qNetwork = try container.decode(EpsilonGreedyQPolicy.Config.self, forKey: .qNetwork, default: defaults.qNetwork)
    }

    /// Throws `invalidArgument` naming the first setting out of range.
    public func validate() throws {
        func require(_ condition: Bool, _ message: String) throws {
            if !condition { throw MBRLError.invalidArgument(message) }
        }
        try require(learningRate >= 0 && learningRate.isFinite, "learningRate must be finite and at least 0, got \(learningRate)")
        try require(discount >= 0 && discount <= 1, "discount must be in [0, 1], got \(discount)")
        try require(tau >= 0 && tau <= 1, "tau must be in [0, 1], got \(tau)")
        try require(maxGradientNorm > 0 && maxGradientNorm.isFinite, "maxGradientNorm must be positive and finite, got \(maxGradientNorm)")
        try require(huberDelta > 0 && huberDelta.isFinite, "huberDelta must be positive and finite, got \(huberDelta)")
    }
}
