import MBRLCore

extension SoftActorCritic: ImitationFineTunable {
    /// The actor.
    public var imitationPolicy: SquashedGaussianMLPPolicy { learner.actor }

    /// Installs `policy` as the actor with a state-independent pre-tanh standard deviation.
    public mutating func handOver(_ policy: SquashedGaussianMLPPolicy, initialStandardDeviation: Float) throws {
        let logStd = try ImitationHandOverChecks.logStandardDeviation(initialStandardDeviation)
        try ImitationHandOverChecks.sameShapes(policy, learner.actor, learner: "sac")
        var actor = policy
        let actionSize = actor.actionSize
        actor.updateParameters { parameters in
            // The last layer's weight [hidden, 2 * act] and bias [1, 2 * act]: columns act..<2act
            // give the raw log standard deviations.
            let weightIndex = parameters.count - 2, biasIndex = parameters.count - 1
            for column in actionSize..<(2 * actionSize) {
                for row in 0..<parameters[weightIndex].rows { parameters[weightIndex][row, column] = 0 }
                parameters[biasIndex][0, column] = logStd
            }
        }
        learner.actor = actor
    }

    /// The actor is not stepped for the next `steps` stored steps; the critics and the
    /// temperature learn from the start.
    public mutating func holdPolicy(forSteps steps: Int) {
        actorHeldUntil = stepsSeen + steps
    }
}
