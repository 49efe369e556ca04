import MBRLCore

/// The Dyna maze's reward as a batched function: 1 where the next observation is the goal's
/// state index, 0 elsewhere (matches `DynaMaze.step`).
///
/// ```swift
/// let reward = DynaMazeRewardFunction(goalStateIndex: 8)
/// let next = Matrix(rows: 2, columns: 1, values: [8, 17])
/// reward.rewards(observations: next, actions: Matrix(rows: 2, columns: 1), nextObservations: next)  // [1, 0]
/// ```
public struct DynaMazeRewardFunction: RewardFunction {
    /// The goal's state index (`row * columns + column`).
    public var goalStateIndex: Int

    /// The reward of a maze whose goal has state index `goalStateIndex`.
    public init(goalStateIndex: Int) {
        self.goalStateIndex = goalStateIndex
    }

    /// `[B, 1]`, `[B, 1]`, `[B, 1] -> [B]`: 1 where the next state is the goal.
    public func rewards(observations: Matrix, actions: Matrix, nextObservations: Matrix) -> [Float] {
        (0..<nextObservations.rows).map { nextObservations[$0, 0] == Float(goalStateIndex) ? 1 : 0 }
    }
}
