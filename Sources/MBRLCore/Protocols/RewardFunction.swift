/// A reward as a batched function of `(observation, action, next observation)` rows, as planners
/// need to score imagined transitions (mbrl-lib's `reward_fns`).
///
/// ```swift
/// struct StayUpright: RewardFunction {
///     func rewards(observations: Matrix, actions: Matrix, nextObservations: Matrix) -> [Float] {
///         (0..<nextObservations.rows).map { row in nextObservations[row, 2].magnitude < 0.2 ? 1 : 0 }
///     }
/// }
/// ```
public protocol RewardFunction: Sendable {
    /// The reward of each row: `[B, obs]`, `[B, act]`, `[B, obs] -> [B]`.
    func rewards(observations: Matrix, actions: Matrix, nextObservations: Matrix) -> [Float]
}

/// A reward function that also gives its gradient, for gradient shooting, BPTT and iLQR.
public protocol DifferentiableRewardFunction: RewardFunction {
    /// The gradient of each row's reward with respect to that row's inputs.
    func rewardGradients(observations: Matrix, actions: Matrix, nextObservations: Matrix) -> RewardGradients
}

/// Per-row gradients of a reward: each matrix has the shape of the input it differentiates.
public struct RewardGradients: Sendable, Equatable {
    /// `d r / d observation`, `[B, obs]`.
    public var observations: Matrix
    /// `d r / d action`, `[B, act]`.
    public var actions: Matrix
    /// `d r / d next observation`, `[B, obs]`.
    public var nextObservations: Matrix

    public init(observations: Matrix, actions: Matrix, nextObservations: Matrix) {
        self.observations = observations
        self.actions = actions
        self.nextObservations = nextObservations
    }
}

extension RewardFunction {
    /// Whether this reward function also gives gradients.
    public var isDifferentiable: Bool { self is any DifferentiableRewardFunction }
}
