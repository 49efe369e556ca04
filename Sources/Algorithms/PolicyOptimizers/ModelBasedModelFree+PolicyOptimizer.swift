import MBRLCore

extension ModelBasedModelFree: PolicyOptimizer {
    /// `"mb-mf"`.
    public var name: String { "mb-mf" }

    /// The imitated policy's deterministic action before the hand-over, the fine-tuner's policy
    /// after it.
    public var policy: ImitationStagePolicy<FineTuner.OptimizedPolicy, FineTuner.ImitatedPolicy> {
        ImitationStagePolicy(acting: stage == .fineTuning ? .fineTuned(fineTuner.policy) : .imitated(imitated))
    }

    /// A planner (and its model) to act and to label, continuous actions, and whatever the
    /// fine-tuner needs.
    public var requirements: PolicyOptimizerRequirements {
        fineTuner.requirements.union([.planner, .model, .continuousActions])
    }

    /// Stage 1: the planner acts and labels; stage 2: the policy acts, the planner labels and
    /// the model is no longer refitted; stage 3: the policy acts alone.
    public var actingRequest: ActingRequest {
        switch stage {
        case .planning: return ActingRequest(agent: .planner, plannerLabels: true, modelFits: true)
        case .imitation: return ActingRequest(agent: .policy, plannerLabels: true, modelFits: false)
        case .fineTuning: return ActingRequest(agent: .policy, plannerLabels: false, modelFits: false)
        }
    }

    /// Stores the planner's label (stages 1 and 2) or passes the step to the fine-tuner
    /// (stage 3); the loop's exploration steps are not labelled.
    public mutating func improve(after transition: Transition, context: PolicyOptimizerContext,
                                 generator: inout RandomGenerator) throws -> [String: Double] {
        if context.isExploration {
            episodeIsExploration = true
            return [:]
        }
        var metrics = pendingMetrics
        pendingMetrics = [:]
        metrics["mbmfStage"] = Double(stage.rawValue)
        switch stage {
        case .planning, .imitation:
            if let label = context.plannerLabel { try addLabel(label, for: transition.observation) }
            metrics["labelledRows"] = Double(labelledRowCount)
        case .fineTuning:
            var tunerContext = context
            tunerContext.plannerLabel = nil
            metrics.merge(try fineTuner.improve(after: transition, context: tunerContext, generator: &generator)) { _, new in new }
        }
        return metrics
    }

    /// Moves to the next stage when the current one's episodes are done (refitting the
    /// imitation, or handing it over); in stage 3 the fine-tuner's episode ends.
    public mutating func endEpisode() throws {
        try finishEpisode()
    }
}

extension ModelBasedModelFree: Checkpointable {
    /// Writes the stage and counters, the labels, the imitated policy, the regression's Adam
    /// moments, the generator and the fine-tuner.
    public func write(to writer: inout CheckpointWriter, prefix: String) throws {
        writer.add(name: "\(prefix).counters", integers: [stage.rawValue, plannerEpisodesDone, daggerIterationsDone,
                                                         iterationEpisodesDone, episodeIsExploration ? 1 : 0])
        writer.add(name: "\(prefix).labelledObservations", values: labelledObservations)
        writer.add(name: "\(prefix).labels", values: labels)
        try imitated.write(to: &writer, prefix: "\(prefix).imitated")
        try regression.optimizer.write(to: &writer, prefix: "\(prefix).regressionOptimizer")
        writer.setMetadata(generator, forKey: "\(prefix).generator")
        writer.setMetadata(pendingMetrics, forKey: "\(prefix).pendingMetrics")
        try fineTuner.write(to: &writer, prefix: "\(prefix).fineTuner")
    }

    public mutating func read(from checkpoint: Checkpoint, prefix: String) throws {
        let counters = try checkpoint.integers(named: "\(prefix).counters", shape: [5])
        guard let restoredStage = Stage(rawValue: counters[0]) else {
            throw MBRLError.fileFormat("checkpoint '\(checkpoint.source)': '\(prefix).counters' names stage \(counters[0]); expected 0, 1 or 2")
        }
        var restored = self
        restored.stage = restoredStage
        restored.plannerEpisodesDone = counters[1]
        restored.daggerIterationsDone = counters[2]
        restored.iterationEpisodesDone = counters[3]
        restored.episodeIsExploration = counters[4] != 0
        restored.labelledObservations = try checkpoint.floats(named: "\(prefix).labelledObservations")
        restored.labels = try checkpoint.floats(named: "\(prefix).labels")
        try restored.imitated.read(from: checkpoint, prefix: "\(prefix).imitated")
        var optimizer = restored.regression.optimizer
        try optimizer.read(from: checkpoint, prefix: "\(prefix).regressionOptimizer")
        restored.regression.optimizer = optimizer
        restored.generator = try checkpoint.metadata(RandomGenerator.self, forKey: "\(prefix).generator")
        restored.pendingMetrics = try checkpoint.metadata([String: Double].self, forKey: "\(prefix).pendingMetrics")
        try restored.fineTuner.read(from: checkpoint, prefix: "\(prefix).fineTuner")
        self = restored
    }
}
