import MBRLCore

/// The two-link arm's reward as a batched, differentiable function of the next observation
/// `[q1, q2, w1, w2, ex, ey]`: `-((q1 - t1)^2 + (q2 - t2)^2)`. Matches `TwoLinkArm.step` exactly.
///
/// ```swift
/// let reward = TwoLinkArmRewardFunction(target: (0, 0))
/// let next = Matrix(row: [0.3, 0.4, 0, 0, 1, 1])
/// reward.rewards(observations: next, actions: Matrix(rows: 1, columns: 2), nextObservations: next)  // [-0.25]
/// ```
public struct TwoLinkArmRewardFunction: DifferentiableRewardFunction {
    /// The target joint angles.
    public var target: (Float, Float)

    public init(target: (Float, Float) = (0, 0)) { self.target = target }

    static func reward(angles: (Float, Float), target: (Float, Float)) -> Float {
        let e1 = angles.0 - target.0, e2 = angles.1 - target.1
        return -(e1 * e1 + e2 * e2)
    }

    /// `[B, 6]`, `[B, 2]`, `[B, 6] -> [B]`.
    public func rewards(observations: Matrix, actions: Matrix, nextObservations: Matrix) -> [Float] {
        (0..<nextObservations.rows).map { Self.reward(angles: (nextObservations[$0, 0], nextObservations[$0, 1]), target: target) }
    }

    /// Only the next observation's angle columns have a gradient: `-2 (q - t)`.
    public func rewardGradients(observations: Matrix, actions: Matrix, nextObservations: Matrix) -> RewardGradients {
        var next = Matrix(rows: nextObservations.rows, columns: nextObservations.columns)
        for row in 0..<nextObservations.rows {
            next[row, 0] = -2 * (nextObservations[row, 0] - target.0)
            next[row, 1] = -2 * (nextObservations[row, 1] - target.1)
        }
        return RewardGradients(observations: Matrix(rows: observations.rows, columns: observations.columns),
                               actions: Matrix(rows: actions.rows, columns: actions.columns), nextObservations: next)
    }
}
