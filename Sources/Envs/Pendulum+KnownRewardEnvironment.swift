import MBRLCore

extension Pendulum: KnownRewardEnvironment {
    /// `PendulumRewardFunction`, differentiable.
    public var rewardFunction: any RewardFunction { PendulumRewardFunction() }
    /// `NoTermination`: the pendulum task never terminates.
    public var terminationFunction: any TerminationFunction { NoTermination() }
}
