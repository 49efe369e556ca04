import MBRLCore

/// Model-free proximal policy optimization (Schulman et al. 2017, clipped surrogate with GAE)
/// as a policy optimizer, the way Stable-Baselines3's `PPO` runs it: on-policy, it collects
/// `stepsPerUpdate` real steps with its current policy, computes GAE(`discount`, `gaeLambda`)
/// advantages and returns with its value network, and runs one `ProximalPolicyUpdate`
/// (`epochs` passes of minibatches); then the steps are discarded. A diagonal Gaussian policy
/// acts on `Box` actions, a categorical one on `Discrete` actions. With pixel observations the
/// policy is the same MLP over the flattened frames.
///
/// Like `"trpo"` it keeps its own steps with the policy's own samples; steps of the loop's
/// exploration phase are skipped. An episode that ends by `terminated` does not bootstrap; one
/// cut by a time limit or by the loop's `maxEpisodeSteps`, and the rollout's last step,
/// bootstrap from the value of the next observation (SB3's timeout handling).
///
/// ```json
/// "policyOptimizer": {"type": "ppo"},
/// "loop": {"explorationEpisodes": 0, "episodes": 100000, "maxSteps": 100000}
/// ```
public struct ProximalPolicyOptimization<LearnedPolicy: StochasticPolicy>: Sendable {
    /// The settings.
    public let config: Config
    /// The policy and value update.
    public internal(set) var learner: ProximalPolicyUpdate<LearnedPolicy>
    /// Real steps stored (exploration-phase steps excluded).
    public internal(set) var stepsSeen = 0
    /// The steps collected since the last update.
    var steps: OnPolicySteps
    /// The samples the acting policy drew.
    let recorder = PolicySampleRecorder()

    /// An optimizer around `policy`, its value network drawn from `generator`.
    ///
    /// - Throws: `MBRLError.invalidArgument` for a bad config.
    public init(config: Config, policy: LearnedPolicy, generator: inout RandomGenerator) throws {
        self.config = config
        learner = try ProximalPolicyUpdate(policy: policy, config: config.learner, generator: &generator)
        steps = OnPolicySteps(observationSize: policy.observationSize, sampleSize: policy.sampleSize)
    }

    /// The number of steps waiting for the next update.
    public var pendingSteps: Int { steps.count }

    /// GAE over the stored steps, one PPO update, and an empty rollout.
    mutating func update(generator: inout RandomGenerator) throws -> [String: Double] {
        let batch = try Self.batch(of: steps, learner: learner, discount: config.discount, gaeLambda: config.gaeLambda)
        let metrics = try learner.update(on: batch, stepsSoFar: stepsSeen, generator: &generator)
        steps.removeAll()
        return metrics.dictionary
    }

    /// The steps as one batch with values, log-densities and GAE advantages and returns (NaN
    /// advantages when a value or log-density is not finite, which the learner refuses and counts).
    static func batch(of steps: OnPolicySteps, learner: ProximalPolicyUpdate<LearnedPolicy>, discount: Float,
                      gaeLambda: Float) throws -> TrajectoryBatch {
        try steps.batch(discount: discount, gaeLambda: gaeLambda, values: { try learner.values(for: $0) },
                        logDensities: { try learner.policy.logDensities(of: $0, for: $1) })
    }
}
