import MBRLCore

extension TrustRegionPolicyOptimization {
    /// The settings' type (shared by every policy kind).
    public typealias Config = TrustRegionPolicyOptimizationConfig
}

/// `"trpo"`'s recipe keys: the rollout length, GAE, the policy network, and the TRPO update's
/// settings (sb3-contrib's `TRPO` defaults: `n_steps` 2048, `gamma` 0.99, `gae_lambda` 0.95,
/// SB3's on-policy `MlpPolicy` with [64, 64] tanh networks for policy and value and
/// `log_std_init` 0, plus `TrustRegionPolicyUpdateConfig`'s keys).
///
/// ```json
/// "policyOptimizer": {"type": "trpo", "stepsPerUpdate": 2048, "discount": 0.9, "valueEpochs": 15}
/// ```
public struct TrustRegionPolicyOptimizationConfig: DocumentedConfig, Equatable {
    /// Real steps collected per update (sb3 `n_steps * n_envs`, default 2048).
    public var stepsPerUpdate = 2048
    /// The discount gamma of the returns and advantages (default 0.99).
    public var discount: Float = 0.99
    /// GAE's lambda (default 0.95).
    public var gaeLambda: Float = 0.95
    /// The policy network (for `Discrete` actions a categorical policy with the same
    /// `hiddenSizes`, `activation` and `initializer`; `logStandardDeviationInit` is then unused).
    public var policy = DiagonalGaussianMLPPolicy.Config()
    /// The TRPO update's settings (trust region, conjugate gradient, line search, value network).
    public var learner = TrustRegionPolicyUpdateConfig()

    public init() {}
    public static var defaults: Self { Self() }

    /// The categorical policy's settings taken from `policy`.
    public var categoricalPolicy: CategoricalMLPPolicy.Config {
        CategoricalMLPPolicy.Config(hiddenSizes: policy.hiddenSizes, activation: policy.activation, initializer: policy.initializer)
    }

    public static let keyDescriptions: [String: String] = [
        "stepsPerUpdate": "real steps collected per update (sb3 n_steps times n_envs)",
        "discount": "discount gamma of the returns and GAE advantages",
        "gaeLambda": "lambda of generalised advantage estimation",
        "policy": "the policy network: hiddenSizes, activation, logStandardDeviationInit (Box actions), initializer",
    ].merging(TrustRegionPolicyUpdateConfig.keyDescriptions) { first, _ in first }

    enum ScheduleKeys: String, CodingKey, CaseIterable { case stepsPerUpdate, discount, gaeLambda, policy }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(allowing: ScheduleKeys.allCases.map(\.rawValue) + TrustRegionPolicyUpdateConfig.CodingKeys.allCases.map(\.rawValue))
        let container = try decoder.container(keyedBy: ScheduleKeys.self)
        let defaults = Self()
        stepsPerUpdate = try container.decode(Int.self, forKey: .stepsPerUpdate, default: defaults.stepsPerUpdate, in: 2...10_000_000)
        discount = try container.decode(Float.self, forKey: .discount, default: defaults.discount, in: 0...1)
        gaeLambda = try container.decode(Float.self, forKey: .gaeLambda, default: defaults.gaeLambda, in: 0...1)
        policy = try container.decode(DiagonalGaussianMLPPolicy.Config.self, forKey: .policy, default: defaults.policy)
        learner = try TrustRegionPolicyUpdateConfig(fromKeysOf: decoder)
        try learner.validate()
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: ScheduleKeys.self)
        try container.encode(stepsPerUpdate, forKey: .stepsPerUpdate)
        try container.encode(discount, forKey: .discount)
        try container.encode(gaeLambda, forKey: .gaeLambda)
        try container.encode(policy, forKey: .policy)
        try learner.encode(to: encoder)
    }
}
