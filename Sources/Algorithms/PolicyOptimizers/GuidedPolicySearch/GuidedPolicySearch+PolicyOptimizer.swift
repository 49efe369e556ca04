import MBRLCore

extension GuidedPolicySearch: PolicyOptimizer {
    /// `"gps"`.
    public var name: String { "gps" }

    /// The environment's reward gradients (the cost expansion) and `Box` actions; no model (GPS
    /// fits its own local linear models), except with `"dynamicsPrior": "model"`, which needs a
    /// differentiable one.
    public var requirements: PolicyOptimizerRequirements {
        config.dynamicsPrior == .model ? [.rewardGradients, .continuousActions, .model, .differentiableModel]
            : [.rewardGradients, .continuousActions]
    }

    /// Records the step in the episode's sample; after the last sample of an iteration, runs the
    /// iteration and returns its metrics (see the type's summary).
    public mutating func improve(after transition: Transition, context: PolicyOptimizerContext,
                                 generator: inout RandomGenerator) throws -> [String: Double] {
        try record(transition, context: context, generator: &generator)
    }

    /// Drops an unfinished sample.
    public mutating func endEpisode() {
        state.inProgress = nil
    }
}
