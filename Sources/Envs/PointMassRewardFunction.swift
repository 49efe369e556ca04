import MBRLCore

/// The point-mass reward as a batched, differentiable function of the next observation
/// `[x, y, vx, vy, gx, gy]`: `-|| (x, y) - (gx, gy) ||`, plus `successBonus` where that distance
/// is at most `goalRadius`. Matches `PointMass.step` exactly.
///
/// The gradient is that of `-distance` (the bonus is a step, with zero gradient almost
/// everywhere): `d r / d (x, y) = -(p - g) / |p - g|`, `d r / d (gx, gy) = (p - g) / |p - g|`,
/// zero at `p = g` and for velocities, observations and actions.
///
/// ```swift
/// let reward = PointMassRewardFunction(goalRadius: 0.1, successBonus: 0)
/// let next = Matrix(row: [0.3, 0.4, 0, 0, 0, 0])
/// reward.rewards(observations: next, actions: Matrix(rows: 1, columns: 2), nextObservations: next)  // [-0.5]
/// ```
public struct PointMassRewardFunction: DifferentiableRewardFunction {
    /// The success distance.
    public var goalRadius: Float
    /// The reward added on reaching the goal.
    public var successBonus: Float

    /// The reward with `goalRadius` and `successBonus` (as in `PointMassConfiguration`).
    public init(goalRadius: Float = 0.1, successBonus: Float = 0) {
        self.goalRadius = goalRadius
        self.successBonus = successBonus
    }

    /// `[B, 6]`, `[B, 2]`, `[B, 6] -> [B]`.
    public func rewards(observations: Matrix, actions: Matrix, nextObservations: Matrix) -> [Float] {
        (0..<nextObservations.rows).map { row in
            let distance = PointMass.goalDistance(x: nextObservations[row, 0], y: nextObservations[row, 1],
                                                  goalX: nextObservations[row, 4], goalY: nextObservations[row, 5])
            return -distance + (distance <= goalRadius ? successBonus : 0)
        }
    }

    /// Gradients with the shapes of the inputs; only the next observation's position and goal
    /// columns are non-zero.
    public func rewardGradients(observations: Matrix, actions: Matrix, nextObservations: Matrix) -> RewardGradients {
        var nextGradients = Matrix(rows: nextObservations.rows, columns: nextObservations.columns)
        for row in 0..<nextObservations.rows {
            let dx = nextObservations[row, 0] - nextObservations[row, 4]
            let dy = nextObservations[row, 1] - nextObservations[row, 5]
            let distance = (dx * dx + dy * dy).squareRoot()
            guard distance > 0 else { continue }
            nextGradients[row, 0] = -dx / distance
            nextGradients[row, 1] = -dy / distance
            nextGradients[row, 4] = dx / distance
            nextGradients[row, 5] = dy / distance
        }
        return RewardGradients(observations: Matrix(rows: observations.rows, columns: observations.columns),
                               actions: Matrix(rows: actions.rows, columns: actions.columns),
                               nextObservations: nextGradients)
    }
}
