import MBRLCore

extension EpsilonGreedyQPolicy: Policy {
    /// One action index per observation row, `[B, obs] -> [B, 1]`: epsilon-greedy when
    /// exploring (one uniform draw per row decides, then a second picks the random action),
    /// greedy when evaluating. The network runs once for the whole batch.
    public func actions(for observations: Matrix, mode: ActionMode, generator: inout RandomGenerator) throws -> Matrix {
        let greedy = Self.greedyActions(try actionValues(for: observations))
        var result = Matrix(rows: observations.rows, columns: 1)
        for row in 0..<observations.rows {
            var action = greedy[row]
            if mode == .exploration, epsilon > 0, generator.nextUniformDouble() < Double(epsilon) {
                action = generator.nextInt(below: actionCount)
            }
            result[row, 0] = Float(action)
        }
        return result
    }
}

extension EpsilonGreedyQPolicy: Checkpointable {
    /// Writes the Q-network's parameters and epsilon under `prefix`.
    public func write(to writer: inout CheckpointWriter, prefix: String) throws {
        network.writeParameters(to: &writer, prefix: "\(prefix).network")
        writer.add(name: "\(prefix).epsilon", matrix: Matrix(rows: 1, columns: 1, values: [epsilon]))
    }

    /// Reads what `write(to:prefix:)` stored.
    public mutating func read(from checkpoint: Checkpoint, prefix: String) throws {
        var restored = network
        try restored.readParameters(from: checkpoint, prefix: "\(prefix).network")
        let value = try checkpoint.matrix(named: "\(prefix).epsilon")
        guard value.count == 1, (0...1).contains(value.values[0]) else {
            throw MBRLError.fileFormat("checkpoint '\(checkpoint.source)': '\(prefix).epsilon' is not one value in 0...1")
        }
        network = restored
        epsilon = value.values[0]
    }
}
