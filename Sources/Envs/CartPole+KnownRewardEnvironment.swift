import MBRLCore

extension CartPole: KnownRewardEnvironment {
    /// `CartPoleRewardFunction`: 1 per step, 0 for steps that start in a terminal state.
    public var rewardFunction: any RewardFunction { CartPoleRewardFunction() }
    /// `CartPoleTerminationFunction`: the next observation leaves the x or angle thresholds.
    public var terminationFunction: any TerminationFunction { CartPoleTerminationFunction() }
}
