import MBRLCore

/// The cart-pole termination rule as a batched function (mbrl-lib's `termination_fns.cartpole`):
/// a transition terminates when the next observation has `x < -2.4 || x > 2.4` or
/// `theta < -12 degrees || theta > 12 degrees` (columns 0 and 2), compared in `Double`.
///
/// It agrees with `CartPole.step` and `ContinuousCartPole.step` except when the `Double` state lies
/// within `Float` rounding (about 1e-7) of a threshold, since it sees the rounded observation.
///
/// ```swift
/// let done = CartPoleTerminationFunction().terminations(
///     observations: before, actions: actions, nextObservations: after)   // [B]
/// ```
public struct CartPoleTerminationFunction: TerminationFunction {
    public init() {}

    /// Whether each row's next observation is terminal: `[B, 4]`, `[B, 1]`, `[B, 4] -> [B]`.
    public func terminations(observations: Matrix, actions: Matrix, nextObservations: Matrix) -> [Bool] {
        ClassicControl.checkBatch(observations, actions, nextObservations, observationSize: 4,
                                  actionSize: actions.columns, function: "CartPoleTerminationFunction")
        return (0..<nextObservations.rows).map { row in
            CartPole.isTerminal(x: Double(nextObservations[row, 0]), theta: Double(nextObservations[row, 2]))
        }
    }
}
