import MBRLCore

extension LatentTerminationClassifier: Checkpointable {
    /// Writes the network's parameters and the optimiser's moments under `prefix`.
    public func write(to writer: inout CheckpointWriter, prefix: String) throws {
        writeParameters(to: &writer, prefix: "\(prefix).network")
        optimizer.state.write(to: &writer, prefix: "\(prefix).optimizer")
    }

    /// Restores what `write` stored into a classifier of the same shape.
    public mutating func read(from checkpoint: Checkpoint, prefix: String) throws {
        var restored = self
        try restored.readParameters(from: checkpoint, prefix: "\(prefix).network")
        restored.optimizer.state = try Adam.State(checkpoint: checkpoint, prefix: "\(prefix).optimizer")
        self = restored
    }
}
