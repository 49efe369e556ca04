import MBRLCore

/// The point-mass termination rule as a batched function: an episode ends (success) where the
/// next observation's position `(x, y)` lies within `goalRadius` of its goal `(gx, gy)`.
/// Matches `PointMass.step` exactly.
///
/// ```swift
/// let termination = PointMassTerminationFunction(goalRadius: 0.1)
/// let next = Matrix(row: [0.5, 0.45, 0, 0, 0.5, 0.5])
/// termination.terminations(observations: next, actions: Matrix(rows: 1, columns: 2), nextObservations: next)  // [true]
/// ```
public struct PointMassTerminationFunction: TerminationFunction {
    /// The success distance.
    public var goalRadius: Float

    /// The rule with success distance `goalRadius`.
    public init(goalRadius: Float = 0.1) {
        self.goalRadius = goalRadius
    }

    /// `[B, 6]`, `[B, 2]`, `[B, 6] -> [B]`.
    public func terminations(observations: Matrix, actions: Matrix, nextObservations: Matrix) -> [Bool] {
        (0..<nextObservations.rows).map { row in
            PointMass.goalDistance(x: nextObservations[row, 0], y: nextObservations[row, 1],
                                   goalX: nextObservations[row, 4], goalY: nextObservations[row, 5]) <= goalRadius
        }
    }
}
