import MBRLCore

extension DiagonalGaussianMLPPolicy: Checkpointable {
    /// Writes the parameters under `<prefix>.network.…` and `<prefix>.logStandardDeviation`.
    public func write(to writer: inout CheckpointWriter, prefix: String) throws {
        writeParameters(to: &writer, prefix: prefix)
    }

    /// Reads the parameters `write(to:prefix:)` stored.
    public mutating func read(from checkpoint: Checkpoint, prefix: String) throws {
        try readParameters(from: checkpoint, prefix: prefix)
    }
}
