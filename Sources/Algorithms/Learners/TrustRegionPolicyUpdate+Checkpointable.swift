import MBRLCore

extension TrustRegionPolicyUpdate: Checkpointable {
    /// Writes the policy, the value network, the value optimiser's moments and the counts under
    /// `prefix` (`<prefix>.policy`, `<prefix>.valueFunction`, `<prefix>.valueOptimizer`, ...).
    public func write(to writer: inout CheckpointWriter, prefix: String) throws {
        try policy.write(to: &writer, prefix: "\(prefix).policy")
        try valueFunction.write(to: &writer, prefix: "\(prefix).valueFunction")
        valueOptimizer.state.write(to: &writer, prefix: "\(prefix).valueOptimizer")
        writer.add(name: "\(prefix).counts", integers: [updateCount, lineSearchFailures, nonFiniteSteps])
    }

    /// Restores what `write` stored into a learner built from the same settings; nothing is
    /// changed when an entry is missing or of another shape.
    public mutating func read(from checkpoint: Checkpoint, prefix: String) throws {
        var restoredPolicy = policy, restoredValue = valueFunction
        try restoredPolicy.read(from: checkpoint, prefix: "\(prefix).policy")
        try restoredValue.read(from: checkpoint, prefix: "\(prefix).valueFunction")
        let state = try Adam.State(checkpoint: checkpoint, prefix: "\(prefix).valueOptimizer")
        for moments in [state.firstMoments, state.secondMoments] where !moments.isEmpty {
            guard moments.count == restoredValue.parameters.count,
                  zip(moments, restoredValue.parameters).allSatisfy({ $0.rows == $1.rows && $0.columns == $1.columns }) else {
                throw MBRLError.shapeMismatch(
                    "checkpoint '\(checkpoint.source)': the moments of '\(prefix).valueOptimizer' do not match the value network; was it written for another recipe?")
            }
        }
        let counts = try checkpoint.integers(named: "\(prefix).counts", shape: [3])
        policy = restoredPolicy
        valueFunction = restoredValue
        valueOptimizer.state = state
        updateCount = counts[0]
        lineSearchFailures = counts[1]
        nonFiniteSteps = counts[2]
    }
}
