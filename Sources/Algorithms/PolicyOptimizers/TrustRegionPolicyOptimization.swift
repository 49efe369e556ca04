import MBRLCore

/// Model-free trust region policy optimization (Schulman et al. 2015, with GAE) as a policy
/// optimizer, the way sb3-contrib's `TRPO` runs it: on-policy, it collects `stepsPerUpdate`
/// real steps with its current policy, computes GAE(`discount`, `gaeLambda`) advantages and
/// returns with its value network, and runs one `TrustRegionPolicyUpdate` on them; then the
/// steps are discarded. A diagonal Gaussian policy acts on `Box` actions, a categorical one on
/// `Discrete` actions.
///
/// It keeps its own steps (the loop's replay buffer mixes policies): each stored step the loop
/// shows it, with the policy's own sample (the Gaussian value before clipping, recorded by its
/// `SampleRecordingPolicy` as it acted; the action itself when another agent acted). Steps of
/// the loop's exploration phase are skipped. An episode that ends by `terminated` does not
/// bootstrap; one cut by a time limit or by the loop's `maxEpisodeSteps`, and the rollout's
/// last step, bootstrap from the value of the next observation.
///
/// ```json
/// "policyOptimizer": {"type": "trpo", "stepsPerUpdate": 2048, "discount": 0.9, "valueEpochs": 15},
/// "loop": {"explorationEpisodes": 0, "episodes": 1000}
/// ```
public struct TrustRegionPolicyOptimization<LearnedPolicy: FisherVectorProductPolicy>: Sendable {
    /// The settings.
    public let config: Config
    /// The policy and value update.
    public internal(set) var learner: TrustRegionPolicyUpdate<LearnedPolicy>
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
        learner = try TrustRegionPolicyUpdate(policy: policy, config: config.learner, generator: &generator)
        steps = OnPolicySteps(observationSize: policy.observationSize, sampleSize: policy.sampleSize)
    }

    /// The number of steps waiting for the next update.
    public var pendingSteps: Int { steps.count }

    /// GAE over the stored steps, one TRPO update, and an empty rollout.
    mutating func update(generator: inout RandomGenerator) throws -> [String: Double] {
        let batch = try steps.batch(discount: config.discount, gaeLambda: config.gaeLambda,
                                    values: { try learner.values(for: $0) },
                                    logDensities: { try learner.policy.logDensities(of: $0, for: $1) })
        let metrics = try learner.update(on: batch, generator: &generator)
        steps.removeAll()
        return metrics.dictionary
    }
}
