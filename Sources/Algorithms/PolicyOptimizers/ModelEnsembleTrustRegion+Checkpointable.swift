import MBRLCore

extension ModelEnsembleTrustRegion: Checkpointable {
    /// Writes the learner (policy, value network, Adam moments, counts) and the counters.
    public func write(to writer: inout CheckpointWriter, prefix: String) throws {
        try learner.write(to: &writer, prefix: "\(prefix).learner")
        writer.add(name: "\(prefix).counts", integers: [stepsSeen, fitsSeen, totalUpdates, totalChecks])
    }

    /// Restores what `write` stored into an optimizer built from the same settings.
    public mutating func read(from checkpoint: Checkpoint, prefix: String) throws {
        var restored = learner
        try restored.read(from: checkpoint, prefix: "\(prefix).learner")
        let counts = try checkpoint.integers(named: "\(prefix).counts", shape: [4])
        learner = restored
        stepsSeen = counts[0]
        fitsSeen = counts[1]
        totalUpdates = counts[2]
        totalChecks = counts[3]
    }
}
