import MBRLCore

extension ModelEnsembleTrustRegion: PolicyOptimizer {
    /// `"me-trpo"`.
    public var name: String { "me-trpo" }

    /// The current policy acting with thanard/me-trpo's action noise in exploration mode (the
    /// policy's own draws with `actionNoise` null or for discrete actions), its mean or most
    /// probable action in evaluation mode.
    public var policy: ActionNoisePolicy<LearnedPolicy> {
        ActionNoisePolicy(policy: learner.policy, noise: config.actionNoise)
    }

    /// A model that is an ensemble of at least 2 members, rewards and terminations (known
    /// functions or learned heads), and the action kind of the policy.
    public var requirements: PolicyOptimizerRequirements {
        let actions: PolicyOptimizerRequirements = learner.policy.actionSpace.discrete == nil ? .continuousActions : .discreteActions
        return [.model, .ensembleModel, .rewards, .terminations, actions]
    }

    /// Counts the step: real data only feed the model.
    public mutating func improve(after transition: Transition, context: PolicyOptimizerContext,
                                 generator: inout RandomGenerator) throws -> [String: Double] {
        stepsSeen += 1
        return [:]
    }

    /// TRPO on imagined trajectories until the members stop agreeing on improvement; returns
    /// `trpoUpdates`, `validationChecks`, `improvingMemberFraction` (mean over the fit's checks),
    /// `improvingMemberFractionLast`, `improvingMemberFractionMin`, `imaginedReturn`,
    /// `validationReturn` and the last TRPO update's metrics.
    public mutating func modelDidFit(context: PolicyOptimizerContext, generator: inout RandomGenerator) throws -> [String: Double] {
        try optimizeAfterFit(context: context, generator: &generator)
    }
}
