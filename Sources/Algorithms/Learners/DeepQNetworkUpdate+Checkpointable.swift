import MBRLCore

extension DeepQNetworkUpdate: Checkpointable {
    /// Writes the Q-network and epsilon, the target network, Adam's moments and the counts under
    /// `prefix`.
    public func write(to writer: inout CheckpointWriter, prefix: String) throws {
        try policy.write(to: &writer, prefix: "\(prefix).policy")
        targetNetwork.writeParameters(to: &writer, prefix: "\(prefix).targetNetwork")
        optimizer.state.write(to: &writer, prefix: "\(prefix).optimizer")
        writer.add(name: "\(prefix).counts", integers: [stepCount, targetUpdateCount])
    }

    /// Restores what `write` stored into a learner built from the same recipe; nothing is
    /// changed when an entry is missing or of another shape.
    public mutating func read(from checkpoint: Checkpoint, prefix: String) throws {
        var restoredPolicy = policy, restoredTarget = targetNetwork
        try restoredPolicy.read(from: checkpoint, prefix: "\(prefix).policy")
        try restoredTarget.readParameters(from: checkpoint, prefix: "\(prefix).targetNetwork")
        let state = try Adam.State(checkpoint: checkpoint, prefix: "\(prefix).optimizer")
        for moments in [state.firstMoments, state.secondMoments] where !moments.isEmpty {
            let parameters = restoredPolicy.network.parameters
            guard moments.count == parameters.count,
                  zip(moments, parameters).allSatisfy({ $0.rows == $1.rows && $0.columns == $1.columns }) else {
                throw MBRLError.shapeMismatch(
                    "checkpoint '\(checkpoint.source)': the moments of '\(prefix).optimizer' do not match the Q-network; was it written for another recipe?")
            }
        }
        let counts = try checkpoint.integers(named: "\(prefix).counts", shape: [2])
        policy = restoredPolicy
        targetNetwork = restoredTarget
        optimizer.state = state
        stepCount = counts[0]
        targetUpdateCount = counts[1]
    }
}
