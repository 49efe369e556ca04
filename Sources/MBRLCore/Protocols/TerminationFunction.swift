/// An episode's termination rule as a batched function of `(observation, action, next observation)`
/// rows (mbrl-lib's `termination_fns`). Planners stop accruing reward for a particle after it
/// terminates.
///
/// ```swift
/// struct NeverTerminates: TerminationFunction {
///     func terminations(observations: Matrix, actions: Matrix, nextObservations: Matrix) -> [Bool] {
///         Array(repeating: false, count: nextObservations.rows)
///     }
/// }
/// ```
public protocol TerminationFunction: Sendable {
    /// Whether each row's transition ends the episode: `[B, obs]`, `[B, act]`, `[B, obs] -> [B]`.
    func terminations(observations: Matrix, actions: Matrix, nextObservations: Matrix) -> [Bool]
}

/// The termination rule of a task that never terminates (only time limits end its episodes).
public struct NoTermination: TerminationFunction {
    public init() {}

    public func terminations(observations: Matrix, actions: Matrix, nextObservations: Matrix) -> [Bool] {
        Array(repeating: false, count: nextObservations.rows)
    }
}
