import MBRLCore

/// The continuous mountain car's reward as a batched function of `(observation, action, next
/// observation)`:
///
///     r = 100 * terminated(next observation) - 0.1 * action^2
///
/// with the action as given (Gymnasium charges the *unclipped* action) and `terminated` as
/// `MountainCarContinuousTerminationFunction` decides. It equals `MountainCarContinuous.step`'s
/// reward whenever the termination rules agree (see there).
///
/// Gradients: `dr/daction = -0.2 * action`; zero with respect to both observations (the goal
/// bonus is a step, with zero gradient wherever it is differentiable). A planner following the
/// gradient therefore sees only the action cost.
///
/// ```swift
/// let reward = MountainCarContinuousRewardFunction()
/// let r = reward.rewards(observations: obs, actions: act, nextObservations: next)   // [B]
/// ```
public struct MountainCarContinuousRewardFunction: DifferentiableRewardFunction {
    public init() {}

    /// The reward of each row: `[B, 2]`, `[B, 1]`, `[B, 2] -> [B]`.
    public func rewards(observations: Matrix, actions: Matrix, nextObservations: Matrix) -> [Float] {
        ClassicControl.checkBatch(observations, actions, nextObservations, observationSize: 2,
                                  actionSize: 1, function: "MountainCarContinuousRewardFunction")
        return (0..<nextObservations.rows).map { row in
            let goal = MountainCarContinuous.isTerminal(position: nextObservations[row, 0],
                                                        velocity: nextObservations[row, 1])
            let action = Double(actions[row, 0])
            return Float((goal ? 100.0 : 0.0) - action * action * 0.1)
        }
    }

    /// The gradient of each row's reward: zeros `[B, 2]`, `-0.2 * action` `[B, 1]`, zeros `[B, 2]`.
    public func rewardGradients(observations: Matrix, actions: Matrix, nextObservations: Matrix) -> RewardGradients {
        ClassicControl.checkBatch(observations, actions, nextObservations, observationSize: 2,
                                  actionSize: 1, function: "MountainCarContinuousRewardFunction")
        var actionGradients = Matrix(rows: actions.rows, columns: 1)
        for row in 0..<actions.rows { actionGradients[row, 0] = -0.2 * actions[row, 0] }
        return RewardGradients(observations: Matrix(rows: observations.rows, columns: 2),
                               actions: actionGradients,
                               nextObservations: Matrix(rows: nextObservations.rows, columns: 2))
    }
}
