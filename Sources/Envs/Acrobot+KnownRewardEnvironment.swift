import MBRLCore

extension Acrobot: KnownRewardEnvironment {
    /// `AcrobotRewardFunction`: -1 per step, 0 on reaching the goal height.
    public var rewardFunction: any RewardFunction { AcrobotRewardFunction() }
    /// `AcrobotTerminationFunction`: the tip is above the goal height.
    public var terminationFunction: any TerminationFunction { AcrobotTerminationFunction() }
}
