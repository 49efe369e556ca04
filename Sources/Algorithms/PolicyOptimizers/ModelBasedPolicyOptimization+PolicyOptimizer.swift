import MBRLCore

extension ModelBasedPolicyOptimization: PolicyOptimizer {
    /// `"mbpo"`.
    public var name: String { "mbpo" }

    /// The SAC actor (its exploration mode samples, its evaluation mode acts with the mean).
    public var policy: SquashedGaussianMLPPolicy { learner.actor }

    /// A model, rewards and terminations for imagined steps, continuous actions.
    public var requirements: PolicyOptimizerRequirements { [.model, .rewards, .terminations, .continuousActions] }

    /// SAC updates on mixed real and model batches after every real training step; returns the
    /// last update's `criticLoss`, `actorLoss`, `temperature`, `temperatureLoss`, `entropy`,
    /// `meanQ` and the count `sacUpdates`.
    public mutating func improve(after transition: Transition, context: PolicyOptimizerContext,
                                 generator: inout RandomGenerator) throws -> [String: Double] {
        try train(context: context, generator: &generator)
    }

    /// Model rollouts from real states into the pool; returns `rolloutLength`, `rolloutStarts`,
    /// `modelPoolSize`, `imaginedRewardMean` and `imaginedTerminationRate`.
    public mutating func modelDidFit(context: PolicyOptimizerContext, generator: inout RandomGenerator) throws -> [String: Double] {
        try populateModelPool(context: context, generator: &generator)
    }
}

extension ModelBasedPolicyOptimization: Checkpointable {
    /// Writes the SAC networks and moments, the model-data pool and the counters.
    public func write(to writer: inout CheckpointWriter, prefix: String) throws {
        try learner.write(to: &writer, prefix: "\(prefix).learner")
        modelPool.add(to: &writer, prefix: "\(prefix).modelPool")
        writer.add(name: "\(prefix).counters",
                   integers: [trainingStepsSeen, stepsAtLastRollout, lastRolloutStartCount, updatesMade])
    }

    public mutating func read(from checkpoint: Checkpoint, prefix: String) throws {
        try learner.read(from: checkpoint, prefix: "\(prefix).learner")
        modelPool = try ReplayBuffer(checkpoint: checkpoint, prefix: "\(prefix).modelPool")
        let counters = try checkpoint.integers(named: "\(prefix).counters", shape: [4])
        trainingStepsSeen = counters[0]
        stepsAtLastRollout = counters[1]
        lastRolloutStartCount = counters[2]
        updatesMade = counters[3]
    }
}
