import MBRLCore

/// The result of `DifferentiableModelRollout.returnAndGradient`: the mean discounted return over
/// the start states and its gradient with respect to the policy's parameters.
public struct PolicyReturnGradient: Sendable, Equatable {
    /// The mean over start states of the discounted `H`-step return.
    public var meanReturn: Float
    /// The discounted return of each start state, `[N]`.
    public var returns: [Float]
    /// `d meanReturn / d parameters`, one matrix per policy parameter (in the order of
    /// `parameters`).
    public var parameterGradients: [Matrix]
    /// `[H]`: the norm of the parameter gradient contributed through the actions of each step
    /// `t` (all parameters flattened), showing how much each horizon step adds (vanishing or
    /// exploding gradients over long horizons).
    public var stepGradientNorms: [Float]
    /// The states, rewards and alive masks of the rollout (filled by
    /// `DifferentiableModelRollout`).
    public var trajectory: DifferentiableRolloutTrajectory?

    /// A result as given.
    public init(meanReturn: Float, returns: [Float], parameterGradients: [Matrix], stepGradientNorms: [Float]) {
        self.meanReturn = meanReturn
        self.returns = returns
        self.parameterGradients = parameterGradients
        self.stepGradientNorms = stepGradientNorms
    }
}
