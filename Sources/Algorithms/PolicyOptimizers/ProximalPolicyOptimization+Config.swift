import MBRLCore

extension ProximalPolicyOptimization {
    /// The settings' type (shared by every policy kind).
    public typealias Config = ProximalPolicyOptimizationConfig
}

/// `"ppo"`'s recipe keys: the rollout length, GAE, the policy network, and the PPO update's
/// settings. Defaults are rl-baselines3-zoo's `CartPole-v1` PPO settings
/// (`hyperparams/ppo.yml`): `n_envs` 8 x `n_steps` 32 = 256 steps per update (one environment
/// here, so 256 consecutive steps), `gamma` 0.98, `gae_lambda` 0.8, SB3's on-policy
/// `MlpPolicy` ([64, 64] tanh), plus `ProximalPolicyUpdateConfig`'s keys.
///
/// ```json
/// "policyOptimizer": {"type": "ppo", "stepsPerUpdate": 256, "discount": 0.98, "gaeLambda": 0.8, "epochs": 20}
/// ```
public struct ProximalPolicyOptimizationConfig: DocumentedConfig, Equatable {
    /// Real steps collected per update (zoo `n_steps * n_envs`, default 256).
    public var stepsPerUpdate = 256
    /// The discount gamma of the returns and advantages (zoo `gamma`, default 0.98).
    public var discount: Float = 0.98
    /// GAE's lambda (zoo `gae_lambda`, default 0.8).
    public var gaeLambda: Float = 0.8
    /// The policy network (for `Discrete` actions a categorical policy with the same
    /// `hiddenSizes`, `activation` and `initializer`; `logStandardDeviationInit` is then unused).
    public var policy = DiagonalGaussianMLPPolicy.Config()
    /// The PPO update's settings (clip range, epochs, minibatches, coefficients, value network).
    public var learner = ProximalPolicyUpdateConfig()

    public init() {}
    public static var defaults: Self { Self() }

    /// The categorical policy's settings taken from `policy`.
    public var categoricalPolicy: CategoricalMLPPolicy.Config {
        CategoricalMLPPolicy.Config(hiddenSizes: policy.hiddenSizes, activation: policy.activation, initializer: policy.initializer)
    }

    public static let keyDescriptions: [String: String] = [
        "stepsPerUpdate": "real steps collected per update (zoo n_steps times n_envs)",
        "discount": "discount gamma of the returns and GAE advantages",
        "gaeLambda": "lambda of generalised advantage estimation",
        "policy": "the policy network: hiddenSizes, activation, logStandardDeviationInit (Box actions), initializer",
    ].merging(ProximalPolicyUpdateConfig.keyDescriptions) { first, _ in first }

    enum ScheduleKeys: String, CodingKey, CaseIterable { case stepsPerUpdate, discount, gaeLambda, policy }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(allowing: ScheduleKeys.allCases.map(\.rawValue) + ProximalPolicyUpdateConfig.CodingKeys.allCases.map(\.rawValue))
        let container = try decoder.container(keyedBy: ScheduleKeys.self)
        let defaults = Self()
        stepsPerUpdate = try container.decode(Int.self, forKey: .stepsPerUpdate, default: defaults.stepsPerUpdate, in: 2...10_000_000)
        discount = try container.decode(Float.self, forKey: .discount, default: defaults.discount, in: 0...1)
        gaeLambda = try container.decode(Float.self, forKey: .gaeLambda, default: defaults.gaeLambda, in: 0...1)
        policy = try container.decode(DiagonalGaussianMLPPolicy.Config.self, forKey: .policy, default: defaults.policy)
        learner = try ProximalPolicyUpdateConfig(fromKeysOf: decoder)
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
