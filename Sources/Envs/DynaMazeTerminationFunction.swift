import MBRLCore

/// The Dyna maze's termination rule as a batched function: an episode ends where the next
/// observation is the goal's state index (matches `DynaMaze.step`).
///
/// ```swift
/// let termination = DynaMazeTerminationFunction(goalStateIndex: 8)
/// let next = Matrix(rows: 2, columns: 1, values: [8, 17])
/// termination.terminations(observations: next, actions: Matrix(rows: 2, columns: 1), nextObservations: next)  // [true, false]
/// ```
public struct DynaMazeTerminationFunction: TerminationFunction {
    /// The goal's state index (`row * columns + column`).
    public var goalStateIndex: Int

    /// The termination rule of a maze whose goal has state index `goalStateIndex`.
    public init(goalStateIndex: Int) {
        self.goalStateIndex = goalStateIndex
    }

    /// `[B, 1]`, `[B, 1]`, `[B, 1] -> [B]`: true where the next state is the goal.
    public func terminations(observations: Matrix, actions: Matrix, nextObservations: Matrix) -> [Bool] {
        (0..<nextObservations.rows).map { nextObservations[$0, 0] == Float(goalStateIndex) }
    }
}
