import MBRLCore

/// The continuous mountain car's termination rule as a batched function: the next observation has
/// `position >= 0.45 && velocity >= 0` (columns 0 and 1), compared in `Float` as NumPy 2 compares
/// Gymnasium's float32 state.
///
/// It agrees with `MountainCarContinuous.step` on every step whose state was float32 (every step
/// but the first after a reset or `setPhysicalState`, where the comparison is in `Double` and the
/// two can differ only for a position within about 3e-8 of 0.45).
///
/// ```swift
/// let done = MountainCarContinuousTerminationFunction().terminations(
///     observations: before, actions: actions, nextObservations: after)   // [B]
/// ```
public struct MountainCarContinuousTerminationFunction: TerminationFunction {
    public init() {}

    /// Whether each row's next observation is at the goal: `[B, 2]`, `[B, 1]`, `[B, 2] -> [B]`.
    public func terminations(observations: Matrix, actions: Matrix, nextObservations: Matrix) -> [Bool] {
        ClassicControl.checkBatch(observations, actions, nextObservations, observationSize: 2,
                                  actionSize: 1, function: "MountainCarContinuousTerminationFunction")
        return (0..<nextObservations.rows).map { row in
            MountainCarContinuous.isTerminal(position: nextObservations[row, 0], velocity: nextObservations[row, 1])
        }
    }
}
