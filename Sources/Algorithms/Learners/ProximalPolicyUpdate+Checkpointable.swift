import MBRLCore

extension ProximalPolicyUpdate: Checkpointable {
    /// Writes the policy, the value network, both optimisers' moments and the counts under
    /// `prefix` (`<prefix>.policy`, `<prefix>.valueFunction`, `<prefix>.policyOptimizer`, ...).
    public func write(to writer: inout CheckpointWriter, prefix: String) throws {
        try policy.write(to: &writer, prefix: "\(prefix).policy")
        try valueFunction.write(to: &writer, prefix: "\(prefix).valueFunction")
        policyOptimizer.state.write(to: &writer, prefix: "\(prefix).policyOptimizer")
        valueOptimizer.state.write(to: &writer, prefix: "\(prefix).valueOptimizer")
        writer.add(name: "\(prefix).counts", integers: [updateCount, nonFiniteSteps])
    }

    /// Restores what `write` stored into a learner built from the same settings; nothing is
    /// changed when an entry is missing or of another shape.
    public mutating func read(from checkpoint: Checkpoint, prefix: String) throws {
        var restoredPolicy = policy, restoredValue = valueFunction
        try restoredPolicy.read(from: checkpoint, prefix: "\(prefix).policy")
        try restoredValue.read(from: checkpoint, prefix: "\(prefix).valueFunction")
        let policyState = try Adam.State(checkpoint: checkpoint, prefix: "\(prefix).policyOptimizer")
        let valueState = try Adam.State(checkpoint: checkpoint, prefix: "\(prefix).valueOptimizer")
        for (state, parameters, name) in [(policyState, restoredPolicy.parameters, "policyOptimizer"),
                                          (valueState, restoredValue.parameters, "valueOptimizer")] {
            for moments in [state.firstMoments, state.secondMoments] where !moments.isEmpty {
                guard moments.count == parameters.count,
                      zip(moments, parameters).allSatisfy({ $0.rows == $1.rows && $0.columns == $1.columns }) else {
                    throw MBRLError.shapeMismatch(
                        "checkpoint '\(checkpoint.source)': the moments of '\(prefix).\(name)' do not match the network; was it written for another recipe?")
                }
            }
        }
        let counts = try checkpoint.integers(named: "\(prefix).counts", shape: [2])
        policy = restoredPolicy
        valueFunction = restoredValue
        policyOptimizer.state = policyState
        valueOptimizer.state = valueState
        updateCount = counts[0]
        nonFiniteSteps = counts[1]
    }
}
