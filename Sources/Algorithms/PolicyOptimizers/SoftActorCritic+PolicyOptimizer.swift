import MBRLCore

extension SoftActorCritic: PolicyOptimizer {
    /// `"sac"`.
    public var name: String { "sac" }

    /// The actor (its exploration mode samples, its evaluation mode acts with the mean).
    public var policy: SquashedGaussianMLPPolicy { learner.actor }

    /// Continuous actions.
    public var requirements: PolicyOptimizerRequirements { [.continuousActions] }

    /// Trains on minibatches of the real replay buffer on SAC's schedule; returns the last
    /// update's `criticLoss`, `actorLoss`, `temperature`, `temperatureLoss`, `entropy` and `meanQ`.
    public mutating func improve(after transition: Transition, context: PolicyOptimizerContext,
                                 generator: inout RandomGenerator) throws -> [String: Double] {
        try train(on: context.buffer, generator: &generator)
    }
}

extension SoftActorCritic: Checkpointable {
    /// Writes the networks, the target critics, the Adam moments, the temperature and the counts.
    public func write(to writer: inout CheckpointWriter, prefix: String) throws {
        try learner.write(to: &writer, prefix: "\(prefix).learner")
        writer.add(name: "\(prefix).stepsSeen", integers: [stepsSeen])
        if actorHeldUntil > 0 { writer.add(name: "\(prefix).actorHeldUntil", integers: [actorHeldUntil]) }
    }

    public mutating func read(from checkpoint: Checkpoint, prefix: String) throws {
        try learner.read(from: checkpoint, prefix: "\(prefix).learner")
        stepsSeen = try checkpoint.integers(named: "\(prefix).stepsSeen", shape: [1])[0]
        let held = "\(prefix).actorHeldUntil"
        actorHeldUntil = checkpoint.contains(held) ? try checkpoint.integers(named: held, shape: [1])[0] : 0
    }
}
