#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MBRLCore

/// The pendulum reward as a batched, differentiable function of `(observation, action, next
/// observation)`. Gymnasium's reward uses the state *before* the step, which the observation
/// `[cos(theta), sin(theta), thetaDot]` determines:
///
///     theta = atan2(sin, cos)            (in [-pi, pi], Gymnasium's angleNormalize(theta))
///     u     = clip(action, -2, 2)
///     r     = -(theta^2 + 0.1 * thetaDot^2 + 0.001 * u^2)
///
/// The next observation is not used. It equals `Pendulum.step`'s reward up to the `Float`
/// rounding of the observation (relative differences around 1e-6).
///
/// Gradients: `dr/dcos = 2 theta sin / (cos^2 + sin^2)`, `dr/dsin = -2 theta cos / (cos^2 + sin^2)`,
/// `dr/dthetaDot = -0.2 thetaDot`, `dr/daction = -0.002 u` inside `[-2, 2]` and 0 outside (the
/// clip); zero with respect to the next observation. `theta` jumps at the downward position
/// (`theta = +-pi`), where the reward is continuous but the gradient flips sign.
///
/// ```swift
/// let reward = PendulumRewardFunction()
/// let r = reward.rewards(observations: obs, actions: act, nextObservations: next)           // [B]
/// let g = reward.rewardGradients(observations: obs, actions: act, nextObservations: next)   // [B, 3], [B, 1], [B, 3]
/// ```
public struct PendulumRewardFunction: DifferentiableRewardFunction {
    public init() {}

    /// The reward of each row: `[B, 3]`, `[B, 1]`, `[B, 3] -> [B]`.
    public func rewards(observations: Matrix, actions: Matrix, nextObservations: Matrix) -> [Float] {
        ClassicControl.checkBatch(observations, actions, nextObservations, observationSize: 3,
                                  actionSize: 1, function: "PendulumRewardFunction")
        return (0..<observations.rows).map { row in
            let theta = atan2(Double(observations[row, 1]), Double(observations[row, 0]))
            let thetaDot = Double(observations[row, 2])
            let torque = Double(min(max(actions[row, 0], -Pendulum.maxTorque), Pendulum.maxTorque))
            return Float(-(theta * theta + 0.1 * thetaDot * thetaDot + 0.001 * torque * torque))
        }
    }

    /// The gradient of each row's reward: `[B, 3]` (observation), `[B, 1]` (action), `[B, 3]`
    /// (next observation, all zero).
    public func rewardGradients(observations: Matrix, actions: Matrix, nextObservations: Matrix) -> RewardGradients {
        ClassicControl.checkBatch(observations, actions, nextObservations, observationSize: 3,
                                  actionSize: 1, function: "PendulumRewardFunction")
        var observationGradients = Matrix(rows: observations.rows, columns: 3)
        var actionGradients = Matrix(rows: observations.rows, columns: 1)
        for row in 0..<observations.rows {
            let cosine = Double(observations[row, 0]), sine = Double(observations[row, 1])
            let theta = atan2(sine, cosine)
            let radiusSquared = cosine * cosine + sine * sine
            if radiusSquared > 0 {
                observationGradients[row, 0] = Float(2 * theta * sine / radiusSquared)
                observationGradients[row, 1] = Float(-2 * theta * cosine / radiusSquared)
            }
            observationGradients[row, 2] = Float(-0.2 * Double(observations[row, 2]))
            let action = actions[row, 0]
            if action >= -Pendulum.maxTorque && action <= Pendulum.maxTorque {
                actionGradients[row, 0] = Float(-0.002 * Double(action))
            }
        }
        return RewardGradients(observations: observationGradients, actions: actionGradients,
                               nextObservations: Matrix(rows: nextObservations.rows, columns: nextObservations.columns))
    }
}
