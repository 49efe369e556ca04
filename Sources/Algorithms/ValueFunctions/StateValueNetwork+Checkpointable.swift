import MBRLCore

extension StateValueNetwork: Checkpointable {
    /// Writes the network's parameters as binary entries `<prefix>.layers.<i>.weight`, ...
    public func write(to writer: inout CheckpointWriter, prefix: String) throws {
        writeParameters(to: &writer, prefix: prefix)
    }

    /// Restores the parameters; throws when the checkpoint holds a network of another shape.
    public mutating func read(from checkpoint: Checkpoint, prefix: String) throws {
        try readParameters(from: checkpoint, prefix: prefix)
    }
}
