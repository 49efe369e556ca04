import MBRLCore
import Models

extension SimulatedPolicyLearning: PolicyOptimizer {
    /// `"simple"`.
    public var name: String { "simple" }

    /// The current policy, recording its exploration draws for the real-step update (its
    /// evaluation mode acts with the mean or the most probable action).
    public var policy: SampleRecordingPolicy<LearnedPolicy> {
        SampleRecordingPolicy(policy: learner.policy, recorder: recorder)
    }

    /// A model that decodes observations (checked with `incompatibility(with:)`), rewards from
    /// it, and the action kind of the policy.
    public var requirements: PolicyOptimizerRequirements {
        let actions: PolicyOptimizerRequirements = learner.policy.actionSpace.discrete == nil ? .continuousActions : .discreteActions
        return [.model, .observationDecoder, .rewards, actions]
    }

    /// Stores the step for the next fit's real-step update.
    public mutating func improve(after transition: Transition, context: PolicyOptimizerContext,
                                 generator: inout RandomGenerator) throws -> [String: Double] {
        try store(transition, isExploration: context.isExploration)
        return [:]
    }

    /// PPO on the real steps since the last fit, the termination classifier's fit, and
    /// `updatesPerFit` PPO updates on imagined trajectories; returns the last update's metrics
    /// (`ProximalPolicyUpdateMetrics.dictionary`), the real-step update's with the prefix
    /// `real`, `terminationLoss`, `terminationBalancedAccuracy`, `imaginedReturn` (mean summed
    /// reward per imagined episode), `imaginedTerminationRate` and `imaginedUpdates`.
    public mutating func modelDidFit(context: PolicyOptimizerContext, generator: inout RandomGenerator) throws -> [String: Double] {
        try optimizeAfterFit(context: context, generator: &generator)
    }

    /// The last stored step ends its episode (bootstrapped unless terminated).
    public mutating func endEpisode() {
        steps.endEpisode()
    }
}

extension SimulatedPolicyLearning: ModelCompatibilityChecking {}

extension SimulatedPolicyLearning: Checkpointable {
    /// Writes the learner, the termination classifier (with its latent size), the real steps
    /// since the last fit and the counts.
    public func write(to writer: inout CheckpointWriter, prefix: String) throws {
        try learner.write(to: &writer, prefix: "\(prefix).learner")
        try steps.write(to: &writer, prefix: "\(prefix).steps")
        writer.add(name: "\(prefix).counts", integers: [stepsSeen, fitsSeen, imaginedUpdates, terminationClassifier?.latentSize ?? 0])
        try terminationClassifier?.write(to: &writer, prefix: "\(prefix).terminationClassifier")
    }

    public mutating func read(from checkpoint: Checkpoint, prefix: String) throws {
        var restoredLearner = learner, restoredSteps = steps
        try restoredLearner.read(from: checkpoint, prefix: "\(prefix).learner")
        try restoredSteps.read(from: checkpoint, prefix: "\(prefix).steps")
        let counts = try checkpoint.integers(named: "\(prefix).counts", shape: [4])
        var classifier: LatentTerminationClassifier?
        if counts[3] > 0 {
            // The weights are read over these (the generator only sets the shapes).
            var generator = RandomGenerator(seed: 0)
            var restored = try LatentTerminationClassifier(latentSize: counts[3], hiddenSizes: config.terminationHiddenSizes,
                                                           learningRate: 1e-3, generator: &generator)
            try restored.read(from: checkpoint, prefix: "\(prefix).terminationClassifier")
            classifier = restored
        }
        learner = restoredLearner
        steps = restoredSteps
        stepsSeen = counts[0]
        fitsSeen = counts[1]
        imaginedUpdates = counts[2]
        terminationClassifier = classifier
    }
}
