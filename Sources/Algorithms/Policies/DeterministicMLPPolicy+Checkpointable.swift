import MBRLCore

extension DeterministicMLPPolicy: Checkpointable {
    /// Writes the network's parameters under `<prefix>.network.…`.
    public func write(to writer: inout CheckpointWriter, prefix: String) throws {
        writeParameters(to: &writer, prefix: prefix)
    }

    /// Reads the parameters `write(to:prefix:)` stored.
    public mutating func read(from checkpoint: Checkpoint, prefix: String) throws {
        try readParameters(from: checkpoint, prefix: prefix)
    }
}
