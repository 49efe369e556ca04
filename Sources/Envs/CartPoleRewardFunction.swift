import MBRLCore

/// The cart-pole reward as a batched function of `(observation, action, next observation)`:
///
///     r = 0  if the observation (the state the step starts from) is terminal
///     r = 1  otherwise (including the step that terminates)
///
/// This is Gymnasium's `CartPole-v1` reward (1 on every step including the terminating one, 0 for
/// steps taken after termination) and mbrl-lib's `cartpole_continuous.py` step reward. It differs
/// from mbrl-lib's `reward_fns.cartpole`, which pays 0 already on the terminating step; planners
/// stop a particle's reward at termination either way. Terminal means outside
/// `|x| <= 2.4, |theta| <= 12 degrees` (`CartPoleTerminationFunction`'s rule on the observation).
///
/// Not differentiable (a step function of the state).
///
/// ```swift
/// let rewards = CartPoleRewardFunction().rewards(
///     observations: before, actions: actions, nextObservations: after)   // [B]
/// ```
public struct CartPoleRewardFunction: RewardFunction {
    public init() {}

    /// The reward of each row: `[B, 4]`, `[B, 1]`, `[B, 4] -> [B]`.
    public func rewards(observations: Matrix, actions: Matrix, nextObservations: Matrix) -> [Float] {
        ClassicControl.checkBatch(observations, actions, nextObservations, observationSize: 4,
                                  actionSize: actions.columns, function: "CartPoleRewardFunction")
        return (0..<observations.rows).map { row in
            CartPole.isTerminal(x: Double(observations[row, 0]), theta: Double(observations[row, 2])) ? 0 : 1
        }
    }
}
