import MBRLCore

extension PointMass: KnownRewardEnvironment {
    /// `-distance` plus the success bonus, differentiable (`PointMassRewardFunction`).
    public var rewardFunction: any RewardFunction {
        PointMassRewardFunction(goalRadius: Float(configuration.goalRadius), successBonus: Float(configuration.successBonus))
    }

    /// Success within the goal radius (`PointMassTerminationFunction`).
    public var terminationFunction: any TerminationFunction {
        PointMassTerminationFunction(goalRadius: Float(configuration.goalRadius))
    }
}
