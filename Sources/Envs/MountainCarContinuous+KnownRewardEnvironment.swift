import MBRLCore

extension MountainCarContinuous: KnownRewardEnvironment {
    /// `MountainCarContinuousRewardFunction`, differentiable in the action.
    public var rewardFunction: any RewardFunction { MountainCarContinuousRewardFunction() }
    /// `MountainCarContinuousTerminationFunction`: the car reached the flag.
    public var terminationFunction: any TerminationFunction { MountainCarContinuousTerminationFunction() }
}
