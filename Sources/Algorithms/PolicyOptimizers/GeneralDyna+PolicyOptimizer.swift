import MBRLCore

extension GeneralDyna: PolicyOptimizer {
    /// `"dyna"`.
    public var name: String { "dyna" }

    /// The epsilon-greedy Q-network policy (greedy in evaluation mode).
    public var policy: EpsilonGreedyQPolicy { learner.policy }

    /// A model, rewards and terminations for simulated steps, discrete actions.
    public var requirements: PolicyOptimizerRequirements { [.model, .rewards, .terminations, .discreteActions] }

    /// One step of DQN's schedule; a training round simulates from real states and trains on
    /// mixed batches. Returns `epsilon` and, after a round, `qLoss`, `meanQ`, `gradientNorm`,
    /// `dqnUpdates`, `simulatedTransitions`, `modelPoolSize` and `simulatedTerminationRate`.
    public mutating func improve(after transition: Transition, context: PolicyOptimizerContext,
                                 generator: inout RandomGenerator) throws -> [String: Double] {
        try train(context: context, generator: &generator)
    }
}

extension GeneralDyna: Checkpointable {
    /// Writes the DQN learner, the model-data pool and the count of simulated steps.
    public func write(to writer: inout CheckpointWriter, prefix: String) throws {
        try learner.write(to: &writer, prefix: "\(prefix).learner")
        modelPool.add(to: &writer, prefix: "\(prefix).modelPool")
        writer.add(name: "\(prefix).simulatedSteps", integers: [simulatedSteps])
    }

    public mutating func read(from checkpoint: Checkpoint, prefix: String) throws {
        try learner.read(from: checkpoint, prefix: "\(prefix).learner")
        let pool = try ReplayBuffer(checkpoint: checkpoint, prefix: "\(prefix).modelPool")
        guard pool.capacity == modelPool.capacity, pool.observationSize == modelPool.observationSize,
              pool.actionSize == modelPool.actionSize else {
            throw MBRLError.shapeMismatch("checkpoint '\(checkpoint.source)': the saved model-data pool does not match this recipe's")
        }
        modelPool = pool
        simulatedSteps = try checkpoint.integers(named: "\(prefix).simulatedSteps", shape: [1])[0]
    }
}
