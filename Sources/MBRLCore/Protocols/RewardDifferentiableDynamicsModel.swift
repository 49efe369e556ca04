/// A differentiable model with a learned reward head whose predicted reward can be
/// differentiated too, for backpropagation through time on the model's own rewards (Dreamer-style
/// policy learning, the differentiable model rollout without a known reward).
///
/// `predictWithRewardPullback` returns the mean next observations, the mean predicted rewards and
/// one pullback taking the upstream gradients of both, `dL/d s'` `[B, obs]` and `dL/d r` `[B]`,
/// to the gradients with respect to the observations and actions. A conforming type whose
/// instance has no reward head (`predictsRewards` is false) throws `MBRLError.incompatible`.
///
/// ```swift
/// let (next, rewards, pullback) = try model.predictWithRewardPullback(observations: states, actions: actions)
/// // d(sum of rewards) / d inputs:
/// let gradients = try pullback(Matrix(rows: next.rows, columns: next.columns),
///                              [Float](repeating: 1, count: rewards.count))
/// ```
public protocol RewardDifferentiableDynamicsModel: DifferentiableDynamicsModel {
    /// The mean next observations `[B, obs]`, the mean predicted rewards `[B]` and their joint
    /// pullback `(dL/d s' [B, obs], dL/d r [B]) -> InputGradients`.
    ///
    /// - Throws: `MBRLError.incompatible` when the model has no reward head,
    ///   `MBRLError.shapeMismatch` when the inputs do not fit the model.
    func predictWithRewardPullback(observations: Matrix, actions: Matrix) throws
        -> (nextObservations: Matrix, rewards: [Float],
            pullback: @Sendable (_ nextObservationGradient: Matrix, _ rewardGradient: [Float]) throws -> InputGradients)
}
