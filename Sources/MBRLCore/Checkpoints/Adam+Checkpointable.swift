extension Adam.State {
    /// Writes the step count and both moments as binary entries under `prefix`.
    public func write(to writer: inout CheckpointWriter, prefix: String) {
        writer.add(name: "\(prefix).stepCount", integers: [stepCount])
        writer.add(name: "\(prefix).momentCount", integers: [firstMoments.count])
        for (index, moment) in firstMoments.enumerated() { writer.add(name: "\(prefix).firstMoments.\(index)", matrix: moment) }
        for (index, moment) in secondMoments.enumerated() { writer.add(name: "\(prefix).secondMoments.\(index)", matrix: moment) }
    }

    /// The state written by `write(to:prefix:)`.
    public init(checkpoint: Checkpoint, prefix: String) throws {
        let stepCount = try checkpoint.integers(named: "\(prefix).stepCount", shape: [1])[0]
        let momentCount = try checkpoint.integers(named: "\(prefix).momentCount", shape: [1])[0]
        guard momentCount >= 0 else {
            throw MBRLError.fileFormat("checkpoint '\(checkpoint.source)': '\(prefix).momentCount' is negative")
        }
        self.init(stepCount: stepCount,
                  firstMoments: try (0..<momentCount).map { try checkpoint.matrix(named: "\(prefix).firstMoments.\($0)") },
                  secondMoments: try (0..<momentCount).map { try checkpoint.matrix(named: "\(prefix).secondMoments.\($0)") })
    }
}

extension Adam: Checkpointable {
    /// Writes the step count and moments (the hyperparameters come from the recipe).
    public func write(to writer: inout CheckpointWriter, prefix: String) throws {
        state.write(to: &writer, prefix: prefix)
    }

    public mutating func read(from checkpoint: Checkpoint, prefix: String) throws {
        state = try State(checkpoint: checkpoint, prefix: prefix)
    }
}

extension AdamW: Checkpointable {
    /// Writes the step count and moments (the hyperparameters come from the recipe).
    public func write(to writer: inout CheckpointWriter, prefix: String) throws {
        state.write(to: &writer, prefix: prefix)
    }

    public mutating func read(from checkpoint: Checkpoint, prefix: String) throws {
        state = try State(checkpoint: checkpoint, prefix: prefix)
    }
}
