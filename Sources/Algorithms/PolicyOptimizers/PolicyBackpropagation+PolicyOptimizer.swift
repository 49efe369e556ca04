import MBRLCore

extension PolicyBackpropagation: PolicyOptimizer {
    /// `"policy-backprop"`.
    public var name: String { "policy-backprop" }

    /// A differentiable model, reward gradients (a differentiable known reward, or a model whose
    /// reward head is differentiable with `"planning": {"reward": "learned"}`) and `Box` actions.
    public var requirements: PolicyOptimizerRequirements {
        [.model, .differentiableModel, .rewardGradients, .continuousActions]
    }

    /// Counts the step: real data only feed the model.
    public mutating func improve(after transition: Transition, context: PolicyOptimizerContext,
                                 generator: inout RandomGenerator) throws -> [String: Double] {
        stepsSeen += 1
        return [:]
    }

    /// `updatesPerFit` gradient steps through the new model; returns `policyUpdates`,
    /// `skippedUpdates`, `nonFiniteUpdates` (over the run), `imaginedReturn`, `gradientNorm`,
    /// `gradientNormMax`, `gradientNormStepT` per horizon step and `valueLoss` (with a value).
    public mutating func modelDidFit(context: PolicyOptimizerContext, generator: inout RandomGenerator) throws -> [String: Double] {
        try optimizeAfterFit(context: context, generator: &generator)
    }
}
