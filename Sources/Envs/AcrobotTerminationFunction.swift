import MBRLCore

/// The acrobot's termination rule as a batched function: the next observation's tip height
///
///     -cos(theta1) - cos(theta2 + theta1) = -c1 - (c1 c2 - s1 s2) > 1
///
/// with `c1, s1, c2, s2` the observation's columns 0 to 3, evaluated in `Double`. It agrees with
/// `Acrobot.step` except when the height lies within the observation's `Float` rounding (about
/// 2e-7) of 1.
///
/// ```swift
/// let done = AcrobotTerminationFunction().terminations(
///     observations: before, actions: actions, nextObservations: after)   // [B]
/// ```
public struct AcrobotTerminationFunction: TerminationFunction {
    public init() {}

    /// Whether each row's next observation is terminal: `[B, 6]`, `[B, 1]`, `[B, 6] -> [B]`.
    public func terminations(observations: Matrix, actions: Matrix, nextObservations: Matrix) -> [Bool] {
        ClassicControl.checkBatch(observations, actions, nextObservations, observationSize: 6,
                                  actionSize: 1, function: "AcrobotTerminationFunction")
        return (0..<nextObservations.rows).map { row in Self.isTerminal(nextObservations, row: row) }
    }

    static func isTerminal(_ observations: Matrix, row: Int) -> Bool {
        let c1 = Double(observations[row, 0]), s1 = Double(observations[row, 1])
        let c2 = Double(observations[row, 2]), s2 = Double(observations[row, 3])
        return -c1 - (c1 * c2 - s1 * s2) > 1.0
    }
}
