import MBRLCore

extension SingleNetworkModel: RewardDifferentiableDynamicsModel {
    /// The mean next observation `[B, obs]`, the mean reward `[B]` and their joint pullback (see
    /// `DynamicsEnsemble.predictWithRewardPullback`); throws `MBRLError.incompatible` without a
    /// reward head.
    public func predictWithRewardPullback(observations: Matrix, actions: Matrix) throws
        -> (nextObservations: Matrix, rewards: [Float],
            pullback: @Sendable (_ nextObservationGradient: Matrix, _ rewardGradient: [Float]) throws -> InputGradients) {
        try ensemble.predictWithRewardPullback(observations: observations, actions: actions)
    }
}
