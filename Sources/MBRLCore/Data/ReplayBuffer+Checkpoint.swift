import Foundation

/// The scalar state of a replay buffer, stored as checkpoint metadata beside its arrays.
private struct ReplayBufferCheckpointState: Codable {
    var layoutVersion: Int
    var capacity: Int
    var observationSize: Int
    var actionSize: Int
    var count: Int
    var head: Int
    var totalAppended: Int
    var currentEpisode: Int
}

extension ReplayBuffer {
    /// Adds the buffer to `writer` as binary entries (`<prefix>.observations` `[count, obs]`,
    /// `.actions`, `.rewards`, `.nextObservations`, `.terminated`, `.truncated`, `.episodes`, in
    /// storage order) and its ring position as metadata under `prefix`: about 4 bytes per float,
    /// instead of the ten or more of JSON. Several buffers can share one checkpoint under
    /// different prefixes.
    ///
    /// ```swift
    /// var writer = CheckpointWriter()
    /// buffer.add(to: &writer)
    /// model.add(to: &writer)        // other components beside it
    /// try writer.write(to: url)
    /// ```
    public func add(to writer: inout CheckpointWriter, prefix: String = "replayBuffer") {
        writer.add(name: "\(prefix).observations", values: observations, shape: [count, observationSize])
        writer.add(name: "\(prefix).actions", values: actions, shape: [count, actionSize])
        writer.add(name: "\(prefix).rewards", values: rewards, shape: [count])
        writer.add(name: "\(prefix).nextObservations", values: nextObservations, shape: [count, observationSize])
        writer.add(name: "\(prefix).terminated", booleans: terminatedFlags)
        writer.add(name: "\(prefix).truncated", booleans: truncatedFlags)
        writer.add(name: "\(prefix).episodes", integers: episodeIndices)
        writer.setMetadata(
            ReplayBufferCheckpointState(layoutVersion: 1, capacity: capacity, observationSize: observationSize,
                                        actionSize: actionSize, count: count, head: head,
                                        totalAppended: totalAppended, currentEpisode: currentEpisode),
            forKey: prefix)
    }

    /// The buffer stored in `checkpoint` under `prefix` by `add(to:prefix:)`, equal to the one
    /// saved. Throws `fileFormat` naming the checkpoint and what is missing or inconsistent.
    public init(checkpoint: Checkpoint, prefix: String = "replayBuffer") throws {
        let state = try checkpoint.metadata(ReplayBufferCheckpointState.self, forKey: prefix)
        guard state.layoutVersion == 1 else {
            throw MBRLError.fileFormat("checkpoint '\(checkpoint.source)': replay buffer '\(prefix)' has layout version "
                                       + "\(state.layoutVersion); this build reads version 1")
        }
        guard state.count >= 0, state.observationSize >= 0, state.actionSize >= 0 else {
            throw MBRLError.fileFormat("checkpoint '\(checkpoint.source)': replay buffer '\(prefix)' has negative sizes")
        }
        let count = state.count
        let restored = ReplayBuffer.restored(
            capacity: state.capacity, observationSize: state.observationSize, actionSize: state.actionSize,
            observations: try checkpoint.floats(named: "\(prefix).observations", shape: [count, state.observationSize]),
            actions: try checkpoint.floats(named: "\(prefix).actions", shape: [count, state.actionSize]),
            rewards: try checkpoint.floats(named: "\(prefix).rewards", shape: [count]),
            nextObservations: try checkpoint.floats(named: "\(prefix).nextObservations", shape: [count, state.observationSize]),
            terminated: try checkpoint.booleans(named: "\(prefix).terminated", shape: [count]),
            truncated: try checkpoint.booleans(named: "\(prefix).truncated", shape: [count]),
            episodes: try checkpoint.integers(named: "\(prefix).episodes", shape: [count]),
            head: state.head, count: count, totalAppended: state.totalAppended, currentEpisode: state.currentEpisode)
        switch restored {
        case .success(let buffer):
            self = buffer
        case .failure(.fileFormat(let message)):
            throw MBRLError.fileFormat("checkpoint '\(checkpoint.source)', replay buffer '\(prefix)': \(message)")
        case .failure(let error):
            throw error
        }
    }

    /// Writes the buffer alone to a checkpoint file at `url`, atomically.
    public func save(to url: URL) throws {
        var writer = CheckpointWriter()
        add(to: &writer)
        try writer.write(to: url)
    }

    /// Reads a buffer saved by `save(to:)`.
    public init(contentsOf url: URL) throws {
        try self.init(checkpoint: try Checkpoint(contentsOf: url))
    }
}
