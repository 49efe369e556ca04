import Foundation
import MBRLCore

extension MBRLLoop {
    // MARK: - Checkpoints

    /// Writes everything a resumed run needs: the replay buffer, the model (once fitted), the
    /// policy optimizer's state (networks, moments, tables), the loop position, the random
    /// streams and the resolved recipe, in one binary file written atomically.
    func saveCheckpoint(to recorder: RunRecorder, wallSeconds: Double) throws {
        var writer = CheckpointWriter()
        buffer.add(to: &writer, prefix: "replayBuffer")
        if recipe.loop.separatesExpertData { learnerBuffer.add(to: &writer, prefix: "learnerBuffer") }
        if let trainable = components.model as? any TrainableDynamicsModel, position.modelFits > 0 {
            try trainable.write(to: &writer, prefix: "model")
        }
        if let handle = components.optimizer {
            try handle.optimizer.write(to: &writer, prefix: "policyOptimizer")
        }
        var saved = position
        saved.wallSecondsBefore = wallSeconds
        writer.setMetadata(saved, forKey: "position")
        writer.setMetadata(streams, forKey: "randomStreams")
        writer.setMetadata(resolvedRecipe, forKey: "recipe")
        try writer.write(to: recorder.checkpointURL)
    }

    /// Restores the state `saveCheckpoint` wrote and cuts the run's logs back to what it covers.
    func restore(from recorder: RunRecorder) throws {
        let checkpoint = try openCheckpoint(in: recorder)
        let saved = try checkpoint.metadata(LoopPosition.self, forKey: "position")
        buffer = try ReplayBuffer(checkpoint: checkpoint, prefix: "replayBuffer")
        if recipe.loop.separatesExpertData { learnerBuffer = try ReplayBuffer(checkpoint: checkpoint, prefix: "learnerBuffer") }
        try restoreComponents(from: checkpoint, modelFits: saved.modelFits)
        streams = try checkpoint.metadata(RandomStreams.self, forKey: "randomStreams")
        position = saved
        try recorder.truncate(toRecords: saved.recordCount)
    }

    /// Reads the model and the policy optimizer from `checkpoint` and hands the model to the agents.
    func restoreComponents(from checkpoint: Checkpoint, modelFits: Int) throws {
        if modelFits > 0, var trainable = components.model as? any TrainableDynamicsModel {
            try trainable.read(from: checkpoint, prefix: "model")
            components.model = trainable
            try modelDidChange()
        }
        if let handle = components.optimizer {
            try handle.optimizer.read(from: checkpoint, prefix: "policyOptimizer")
        }
    }

    func openCheckpoint(in recorder: RunRecorder) throws -> Checkpoint {
        guard FileManager.default.fileExists(atPath: recorder.checkpointURL.path) else {
            throw MBRLError.invalidArgument("\(recorder.directory.path) has no checkpoint (checkpoint.mbrl) to resume or evaluate")
        }
        let checkpoint = try Checkpoint(contentsOf: recorder.checkpointURL)
        guard checkpoint.containsMetadata(forKey: "randomStreams") else {
            throw MBRLError.fileFormat("\(recorder.checkpointURL.path) was written by an earlier version of the loop and cannot be resumed; run the recipe again")
        }
        return checkpoint
    }

    // MARK: - Evaluating a saved run

    /// Loads the model and the policy optimizer from `directory`'s checkpoint and runs
    /// `episodes` evaluation episodes with the evaluation agent (no exploration, data not
    /// stored), returning their records.
    ///
    /// With `bestModel`, the model is the one `loop.keepBestModel` kept in `best-model.mbrl`
    /// (the iteration with the best mean evaluation return) instead of the last one.
    public func evaluateSaved(directory: URL, episodes: Int, seed: UInt64, bestModel: Bool = false) throws -> [EpisodeRecord] {
        let recorder = try RunRecorder(directory: directory)
        let checkpoint = try openCheckpoint(in: recorder)
        let saved = try checkpoint.metadata(LoopPosition.self, forKey: "position")
        try restoreComponents(from: checkpoint, modelFits: saved.modelFits)
        if bestModel { try loadBestModel(from: recorder) }
        position = saved
        streams = RandomStreams.forEvaluation(seed: seed)
        let progress = ProgressReporter(setting: recipe.output.progress)
        var records: [EpisodeRecord] = []
        for index in 0..<episodes {
            var metrics = MetricAccumulator()
            let outcome = try runEpisode(.evaluation, seed: streams.evaluationSeeds.next(), episodeNumber: index + 1, metrics: &metrics,
                                         progress: progress, secondsPerStep: nil, stepsLeft: 0)
            let record = makeRecord(episode: index + 1, phase: .evaluation, outcome: outcome, metrics: metrics.means, wallSeconds: 0)
            progress.finished(record, of: episodes, secondsLeft: nil)
            records.append(record)
        }
        return records
    }
}
