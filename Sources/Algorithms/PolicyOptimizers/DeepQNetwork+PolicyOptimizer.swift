import MBRLCore

extension DeepQNetwork: PolicyOptimizer {
    /// `"dqn"`.
    public var name: String { "dqn" }

    /// The epsilon-greedy Q-network policy (greedy in evaluation mode).
    public var policy: EpsilonGreedyQPolicy { learner.policy }

    /// Discrete actions.
    public var requirements: PolicyOptimizerRequirements { [.discreteActions] }

    /// One step of SB3's DQN schedule on the real replay buffer; returns `epsilon` and, after a
    /// training round, the last update's `qLoss`, `meanQ`, `gradientNorm` and the count
    /// `dqnUpdates`.
    public mutating func improve(after transition: Transition, context: PolicyOptimizerContext,
                                 generator: inout RandomGenerator) throws -> [String: Double] {
        try train(on: context.buffer, generator: &generator)
    }
}

extension DeepQNetwork: Checkpointable {
    /// Writes the Q-network, target network, Adam moments, epsilon and the step count.
    public func write(to writer: inout CheckpointWriter, prefix: String) throws {
        try learner.write(to: &writer, prefix: "\(prefix).learner")
        writer.add(name: "\(prefix).stepsSeen", integers: [stepsSeen])
    }

    public mutating func read(from checkpoint: Checkpoint, prefix: String) throws {
        try learner.read(from: checkpoint, prefix: "\(prefix).learner")
        stepsSeen = try checkpoint.integers(named: "\(prefix).stepsSeen", shape: [1])[0]
    }
}
