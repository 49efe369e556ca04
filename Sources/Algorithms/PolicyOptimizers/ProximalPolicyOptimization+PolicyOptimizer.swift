import MBRLCore

extension ProximalPolicyOptimization: PolicyOptimizer {
    /// `"ppo"`.
    public var name: String { "ppo" }

    /// The current policy, recording its exploration draws for the next stored step (its
    /// evaluation mode acts with the mean or the most probable action).
    public var policy: SampleRecordingPolicy<LearnedPolicy> {
        SampleRecordingPolicy(policy: learner.policy, recorder: recorder)
    }

    /// The action kind of the policy: continuous actions for a Gaussian policy, discrete for a
    /// categorical one.
    public var requirements: PolicyOptimizerRequirements {
        learner.policy.actionSpace.discrete == nil ? [.continuousActions] : [.discreteActions]
    }

    /// Stores the step and, every `stepsPerUpdate` stored steps, runs one PPO update; returns
    /// the update's metrics (`ProximalPolicyUpdateMetrics.dictionary`), nothing between updates.
    public mutating func improve(after transition: Transition, context: PolicyOptimizerContext,
                                 generator: inout RandomGenerator) throws -> [String: Double] {
        try store(transition, isExploration: context.isExploration, generator: &generator)
    }

    /// The last stored step ends its episode (bootstrapped unless terminated).
    public mutating func endEpisode() {
        steps.endEpisode()
    }
}

extension ProximalPolicyOptimization: Checkpointable {
    /// Writes the learner (policy, value network, Adam moments, counts), the steps collected
    /// since the last update and the step count.
    public func write(to writer: inout CheckpointWriter, prefix: String) throws {
        try learner.write(to: &writer, prefix: "\(prefix).learner")
        try steps.write(to: &writer, prefix: "\(prefix).steps")
        writer.add(name: "\(prefix).stepsSeen", integers: [stepsSeen])
    }

    public mutating func read(from checkpoint: Checkpoint, prefix: String) throws {
        var restoredLearner = learner, restoredSteps = steps
        try restoredLearner.read(from: checkpoint, prefix: "\(prefix).learner")
        try restoredSteps.read(from: checkpoint, prefix: "\(prefix).steps")
        stepsSeen = try checkpoint.integers(named: "\(prefix).stepsSeen", shape: [1])[0]
        learner = restoredLearner
        steps = restoredSteps
    }
}

extension ProximalPolicyOptimization: OnPolicyStepCollecting {
    var stepsPerUpdate: Int { config.stepsPerUpdate }
}
