import MBRLCore

extension DynaMaze: KnownRewardEnvironment {
    /// 1 on reaching the goal, 0 otherwise (`DynaMazeRewardFunction`).
    public var rewardFunction: any RewardFunction {
        DynaMazeRewardFunction(goalStateIndex: stateIndex(of: layout.goal))
    }

    /// Reaching the goal ends the episode (`DynaMazeTerminationFunction`).
    public var terminationFunction: any TerminationFunction {
        DynaMazeTerminationFunction(goalStateIndex: stateIndex(of: layout.goal))
    }
}
