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

extension Adam.State {
    /// Writes the moments alone as `<prefix>.first.<i>` and `<prefix>.second.<i>`: the layout of
    /// the dynamics models' checkpoints, which keep the step count in their metadata.
    public func writeMoments(to writer: inout CheckpointWriter, prefix: String) {
        for (index, moment) in firstMoments.enumerated() { writer.add(name: "\(prefix).first.\(index)", matrix: moment) }
        for (index, moment) in secondMoments.enumerated() { writer.add(name: "\(prefix).second.\(index)", matrix: moment) }
    }

    /// The state with `stepCount` and the moments `writeMoments(to:prefix:)` stored, one pair per
    /// parameter and of its shape; no moments when the checkpoint holds none (a model saved
    /// before its first fit).
    ///
    /// - Throws: `MBRLError.fileFormat` naming a missing moment or one of another shape.
    public init(momentsFrom checkpoint: Checkpoint, prefix: String, stepCount: Int, shapedLike parameters: [Matrix]) throws {
        self.init(stepCount: stepCount)
        guard checkpoint.contains("\(prefix).first.0") else { return }
        for (index, parameter) in parameters.enumerated() {
            firstMoments.append(try checkpoint.matrix(named: "\(prefix).first.\(index)", rows: parameter.rows, columns: parameter.columns))
            secondMoments.append(try checkpoint.matrix(named: "\(prefix).second.\(index)", rows: parameter.rows, columns: parameter.columns))
        }
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
