import MBRLCore

extension PolicyBackpropagation: Checkpointable {
    /// Writes the policy, its Adam moments, the value and its moments (when there is one) and
    /// the counters.
    public func write(to writer: inout CheckpointWriter, prefix: String) throws {
        try policy.write(to: &writer, prefix: "\(prefix).policy")
        try policyOptimizer.write(to: &writer, prefix: "\(prefix).policyOptimizer")
        if let value, let valueOptimizer {
            value.writeParameters(to: &writer, prefix: "\(prefix).value")
            try valueOptimizer.write(to: &writer, prefix: "\(prefix).valueOptimizer")
        }
        writer.add(name: "\(prefix).counts", integers: [stepsSeen, fitsSeen, totalUpdates, nonFiniteUpdates, nonFiniteInARow])
    }

    /// Restores what `write` stored into an optimizer built from the same settings.
    public mutating func read(from checkpoint: Checkpoint, prefix: String) throws {
        var restoredPolicy = policy, restoredOptimizer = policyOptimizer
        try restoredPolicy.read(from: checkpoint, prefix: "\(prefix).policy")
        try restoredOptimizer.read(from: checkpoint, prefix: "\(prefix).policyOptimizer")
        var restoredValue = value, restoredValueOptimizer = valueOptimizer
        if restoredValue != nil {
            try restoredValue?.readParameters(from: checkpoint, prefix: "\(prefix).value")
            try restoredValueOptimizer?.read(from: checkpoint, prefix: "\(prefix).valueOptimizer")
        }
        let counts = try checkpoint.integers(named: "\(prefix).counts", shape: [5])
        policy = restoredPolicy
        policyOptimizer = restoredOptimizer
        value = restoredValue
        valueOptimizer = restoredValueOptimizer
        stepsSeen = counts[0]
        fitsSeen = counts[1]
        totalUpdates = counts[2]
        nonFiniteUpdates = counts[3]
        nonFiniteInARow = counts[4]
    }
}
