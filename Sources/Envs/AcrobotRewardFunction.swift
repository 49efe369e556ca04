import MBRLCore

/// The acrobot's reward as a batched function of `(observation, action, next observation)`:
///
///     r = 0 if the next observation is terminal (`AcrobotTerminationFunction`), else -1
///
/// equal to `Acrobot.step`'s reward whenever the termination rules agree. Not differentiable (a
/// step function).
///
/// ```swift
/// let rewards = AcrobotRewardFunction().rewards(
///     observations: before, actions: actions, nextObservations: after)   // [B]
/// ```
public struct AcrobotRewardFunction: RewardFunction {
    public init() {}

    /// The reward of each row: `[B, 6]`, `[B, 1]`, `[B, 6] -> [B]`.
    public func rewards(observations: Matrix, actions: Matrix, nextObservations: Matrix) -> [Float] {
        ClassicControl.checkBatch(observations, actions, nextObservations, observationSize: 6,
                                  actionSize: 1, function: "AcrobotRewardFunction")
        return (0..<nextObservations.rows).map { row in
            AcrobotTerminationFunction.isTerminal(nextObservations, row: row) ? 0 : -1
        }
    }
}
