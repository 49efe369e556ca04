import MBRLCore

/// An ensemble whose per-member predictions can be differentiated with respect to the inputs:
/// row `r` predicted by member `members[r]`, with one pullback for the whole batch (per-member
/// backpropagation through time, as the differentiable model rollout does for
/// `randomEachStep` and `fixedPerTrajectory` member selection).
///
/// ```swift
/// let (next, rewards, pullback) = try model.predictWithPullback(observations: states, actions: actions,
///                                                               members: [0, 2, 1])
/// let gradients = try pullback(upstream, rewards.map { _ in 1 })   // .observations, .actions
/// ```
public protocol MemberDifferentiableDynamicsModel: EnsembleDynamicsModel, DifferentiableDynamicsModel {
    /// Each row's member's mean next observation `[B, obs]`, its reward `[B]` (`nil` without a
    /// reward head) and the pullback `(dL/d s' [B, obs], dL/d r [B] or nil) -> InputGradients`.
    func predictWithPullback(observations: Matrix, actions: Matrix, members: [Int]) throws
        -> (nextObservations: Matrix, rewards: [Float]?,
            pullback: @Sendable (_ nextObservationGradient: Matrix, _ rewardGradient: [Float]?) throws -> InputGradients)
}
