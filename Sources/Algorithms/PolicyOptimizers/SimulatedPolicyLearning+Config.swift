import MBRLCore

extension SimulatedPolicyLearning {
    /// The settings' type (shared by every policy kind).
    public typealias Config = SimulatedPolicyLearningConfig
}

/// `"simple"`'s recipe keys: the imagined rollouts (SimPLe's 50-step rollouts from frame
/// stacks of the real buffer), the termination classifier, the on-policy learner's schedule
/// and the PPO update's settings (`ProximalPolicyUpdateConfig`'s keys, whose defaults are
/// rl-baselines3-zoo's CartPole-v1 PPO settings, as `"ppo"`'s).
///
/// ```json
/// "policyOptimizer": {"type": "simple", "horizon": 50, "imaginedRollouts": 16, "updatesPerFit": 20}
/// ```
public struct SimulatedPolicyLearningConfig: DocumentedConfig, Equatable {
    /// Imagined steps per trajectory (SimPLe's rollout length, default 50).
    public var horizon = 50
    /// Imagined trajectories stepped together per PPO update (SimPLe's 16 parallel agents, default 16).
    public var imaginedRollouts = 16
    /// PPO updates on fresh imagined trajectories after every model fit (default 20).
    public var updatesPerFit = 20
    /// Real observations per start stack sampled from the buffer; 0 takes the model's
    /// `historyLength`. A value below the model's history is refused when the recipe is built
    /// (default 0).
    public var frameStack = 0
    /// Also run one PPO update on the real steps collected since the last fit, before the
    /// imagined ones (default true).
    public var learnFromRealSteps = true
    /// The discount gamma of the returns and advantages (default 0.98, as `"ppo"`).
    public var discount: Float = 0.98
    /// GAE's lambda (default 0.8, as `"ppo"`).
    public var gaeLambda: Float = 0.8
    /// Hidden widths of the termination classifier on latent states (default [64]).
    public var terminationHiddenSizes = [64]
    /// Passes over the real data fitting the termination classifier after each model fit (default 20).
    public var terminationEpochs = 20
    /// Probability at or above which an imagined step terminates (default 0.5).
    public var terminationThreshold: Float = 0.5
    /// The most recent real transitions the classifier is fitted to (default 20,000).
    public var terminationSamples = 20_000
    /// The policy network (for `Discrete` actions a categorical policy with the same
    /// `hiddenSizes`, `activation` and `initializer`).
    public var policy = DiagonalGaussianMLPPolicy.Config()
    /// The PPO update's settings.
    public var learner = ProximalPolicyUpdateConfig()

    public init() {}
    public static var defaults: Self { Self() }

    /// The categorical policy's settings taken from `policy`.
    public var categoricalPolicy: CategoricalMLPPolicy.Config {
        CategoricalMLPPolicy.Config(hiddenSizes: policy.hiddenSizes, activation: policy.activation, initializer: policy.initializer)
    }

    public static let keyDescriptions: [String: String] = [
        "horizon": "imagined steps per trajectory (SimPLe's 50)",
        "imaginedRollouts": "imagined trajectories stepped together per PPO update",
        "updatesPerFit": "PPO updates on fresh imagined trajectories after every model fit",
        "frameStack": "real observations per start stack from the buffer (0: the model's historyLength; fewer is refused)",
        "learnFromRealSteps": "also one PPO update on the real steps collected since the last fit",
        "discount": "discount gamma of the returns and GAE advantages",
        "gaeLambda": "lambda of generalised advantage estimation",
        "terminationHiddenSizes": "hidden widths of the termination classifier on latent states",
        "terminationEpochs": "passes over the real data fitting the termination classifier per model fit",
        "terminationThreshold": "probability at or above which an imagined step terminates",
        "terminationSamples": "most recent real transitions the termination classifier is fitted to",
        "policy": "the policy network: hiddenSizes, activation, logStandardDeviationInit (Box actions), initializer",
    ].merging(ProximalPolicyUpdateConfig.keyDescriptions) { first, _ in first }

    enum OwnKeys: String, CodingKey, CaseIterable {
        case horizon, imaginedRollouts, updatesPerFit, frameStack, learnFromRealSteps, discount, gaeLambda
        case terminationHiddenSizes, terminationEpochs, terminationThreshold, terminationSamples, policy
    }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(allowing: OwnKeys.allCases.map(\.rawValue) + ProximalPolicyUpdateConfig.CodingKeys.allCases.map(\.rawValue))
        let container = try decoder.container(keyedBy: OwnKeys.self)
        let defaults = Self()
        horizon = try container.decode(Int.self, forKey: .horizon, default: defaults.horizon, in: 1...100_000)
        imaginedRollouts = try container.decode(Int.self, forKey: .imaginedRollouts, default: defaults.imaginedRollouts, in: 1...1_000_000)
        updatesPerFit = try container.decode(Int.self, forKey: .updatesPerFit, default: defaults.updatesPerFit, in: 0...1_000_000)
        frameStack = try container.decode(Int.self, forKey: .frameStack, default: defaults.frameStack, in: 0...64)
        learnFromRealSteps = try container.decode(Bool.self, forKey: .learnFromRealSteps, default: defaults.learnFromRealSteps)
        discount = try container.decode(Float.self, forKey: .discount, default: defaults.discount, in: 0...1)
        gaeLambda = try container.decode(Float.self, forKey: .gaeLambda, default: defaults.gaeLambda, in: 0...1)
        terminationHiddenSizes = try container.decode([Int].self, forKey: .terminationHiddenSizes, default: defaults.terminationHiddenSizes)
        guard terminationHiddenSizes.allSatisfy({ $0 >= 1 }) else {
            throw RecipeError(path: "terminationHiddenSizes", message: "every hidden width must be at least 1, got \(terminationHiddenSizes)")
        }
        terminationEpochs = try container.decode(Int.self, forKey: .terminationEpochs, default: defaults.terminationEpochs, in: 0...100_000)
        terminationThreshold = try container.decode(Float.self, forKey: .terminationThreshold, default: defaults.terminationThreshold, in: 0...1)
        terminationSamples = try container.decode(Int.self, forKey: .terminationSamples, default: defaults.terminationSamples, in: 1...100_000_000)
        policy = try container.decode(DiagonalGaussianMLPPolicy.Config.self, forKey: .policy, default: defaults.policy)
        learner = try ProximalPolicyUpdateConfig(fromKeysOf: decoder)
        try learner.validate()
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: OwnKeys.self)
        try container.encode(horizon, forKey: .horizon)
        try container.encode(imaginedRollouts, forKey: .imaginedRollouts)
        try container.encode(updatesPerFit, forKey: .updatesPerFit)
        try container.encode(frameStack, forKey: .frameStack)
        try container.encode(learnFromRealSteps, forKey: .learnFromRealSteps)
        try container.encode(discount, forKey: .discount)
        try container.encode(gaeLambda, forKey: .gaeLambda)
        try container.encode(terminationHiddenSizes, forKey: .terminationHiddenSizes)
        try container.encode(terminationEpochs, forKey: .terminationEpochs)
        try container.encode(terminationThreshold, forKey: .terminationThreshold)
        try container.encode(terminationSamples, forKey: .terminationSamples)
        try container.encode(policy, forKey: .policy)
        try learner.encode(to: encoder)
    }
}
