import MBRLCore

/// The reward and termination functions of the wrapped environment; the built-in environments'
/// rewards and terminations depend on the state and action only, not on the parameters.
extension DomainRandomization: KnownRewardEnvironment where Wrapped: KnownRewardEnvironment {
    public var rewardFunction: any RewardFunction { wrapped.rewardFunction }
    public var terminationFunction: any TerminationFunction { wrapped.terminationFunction }
}
