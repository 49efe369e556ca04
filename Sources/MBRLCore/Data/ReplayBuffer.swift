/// Ring storage of real transitions, with uniform and bootstrap sampling and episode bookkeeping.
///
/// When full, the oldest transitions are overwritten. `terminated` and `truncated` are kept
/// apart: a time-limit cut-off is not a terminal state. Each transition also records the
/// episode it belongs to, so multi-step losses can sample windows that do not cross episodes.
///
/// ```swift
/// var buffer = ReplayBuffer(capacity: 100_000, observationSize: 4, actionSize: 1)
/// try buffer.append(Transition(observation: s, action: a, reward: r, nextObservation: s2,
///                              terminated: false, truncated: false))
/// var generator = RandomGenerator(seed: 0)
/// let batch = buffer.sample(batchSize: 256, generator: &generator)   // uniform, with replacement
/// try buffer.save(to: URL(fileURLWithPath: "runs/buffer.mbrl"))      // compact binary checkpoint
/// ```
///
/// `Codable` (JSON) suits small buffers; large ones save compactly through the checkpoint
/// container (`save(to:)`, `init(contentsOf:)`, `add(to:prefix:)`, `init(checkpoint:prefix:)`).
public struct ReplayBuffer: Sendable, Equatable {
    /// The most transitions the buffer holds.
    public let capacity: Int
    /// Entries per observation.
    public let observationSize: Int
    /// Entries per action.
    public let actionSize: Int

    // Storage in slot order (`count` rows each); internal so that the Codable and checkpoint
    // extensions can read and restore it.
    var observations: [Float]
    var actions: [Float]
    var rewards: [Float]
    var nextObservations: [Float]
    var terminatedFlags: [Bool]
    var truncatedFlags: [Bool]
    var episodeIndices: [Int]
    /// The slot the next transition goes to.
    var head = 0
    /// The number of transitions held (at most `capacity`).
    public internal(set) var count = 0
    /// The number of transitions ever appended.
    public internal(set) var totalAppended = 0
    /// The index of the episode the next transition belongs to.
    public internal(set) var currentEpisode = 0

    /// An empty buffer.
    public init(capacity: Int, observationSize: Int, actionSize: Int) {
        precondition(capacity > 0, "A replay buffer needs a positive capacity")
        self.capacity = capacity
        self.observationSize = observationSize
        self.actionSize = actionSize
        observations = []
        actions = []
        rewards = []
        nextObservations = []
        terminatedFlags = []
        truncatedFlags = []
        episodeIndices = []
    }

    /// Whether the buffer holds nothing.
    public var isEmpty: Bool { count == 0 }

    /// Appends a transition, overwriting the oldest when full. Throws (and stores nothing) when
    /// the sizes are wrong or a value is not finite.
    public mutating func append(_ transition: Transition) throws {
        guard transition.observation.count == observationSize, transition.nextObservation.count == observationSize else {
            throw MBRLError.shapeMismatch(
                "the buffer stores observations of \(observationSize) entries, got \(transition.observation.count) and \(transition.nextObservation.count)")
        }
        guard transition.action.count == actionSize else {
            throw MBRLError.shapeMismatch("the buffer stores actions of \(actionSize) entries, got \(transition.action.count)")
        }
        let finite = transition.observation.allSatisfy(\.isFinite) && transition.nextObservation.allSatisfy(\.isFinite)
            && transition.action.allSatisfy(\.isFinite) && transition.reward.isFinite
        guard finite else {
            throw MBRLError.nonFinite("transition \(totalAppended) (episode \(currentEpisode)) holds NaN or Inf; it was not stored")
        }
        if count < capacity {
            observations.append(contentsOf: transition.observation)
            actions.append(contentsOf: transition.action)
            rewards.append(transition.reward)
            nextObservations.append(contentsOf: transition.nextObservation)
            terminatedFlags.append(transition.terminated)
            truncatedFlags.append(transition.truncated)
            episodeIndices.append(currentEpisode)
            count += 1
        } else {
            let slot = head
            observations.replaceSubrange(slot * observationSize ..< (slot + 1) * observationSize, with: transition.observation)
            actions.replaceSubrange(slot * actionSize ..< (slot + 1) * actionSize, with: transition.action)
            rewards[slot] = transition.reward
            nextObservations.replaceSubrange(slot * observationSize ..< (slot + 1) * observationSize, with: transition.nextObservation)
            terminatedFlags[slot] = transition.terminated
            truncatedFlags[slot] = transition.truncated
            episodeIndices[slot] = currentEpisode
        }
        head = (head + 1) % capacity
        totalAppended += 1
        if transition.terminated || transition.truncated { currentEpisode += 1 }
    }

    /// Marks the end of the current episode when it ended without `terminated` or `truncated`
    /// (for example when a loop stops collecting mid-episode).
    public mutating func endEpisode() {
        if count > 0, episodeIndices[slot(forAge: count - 1)] == currentEpisode { currentEpisode += 1 }
    }

    /// The storage slot of the `index`-th oldest transition held.
    @inline(__always)
    private func slot(forAge index: Int) -> Int {
        count < capacity ? index : (head + index) % capacity
    }

    /// The `index`-th oldest transition held (`0..<count`).
    public subscript(index: Int) -> Transition {
        precondition(index >= 0 && index < count, "Replay buffer index \(index) out of 0..<\(count)")
        let slot = slot(forAge: index)
        return Transition(
            observation: Array(observations[slot * observationSize ..< (slot + 1) * observationSize]),
            action: Array(actions[slot * actionSize ..< (slot + 1) * actionSize]),
            reward: rewards[slot],
            nextObservation: Array(nextObservations[slot * observationSize ..< (slot + 1) * observationSize]),
            terminated: terminatedFlags[slot],
            truncated: truncatedFlags[slot])
    }

    /// The episode the `index`-th oldest transition belongs to.
    public func episode(ofTransition index: Int) -> Int {
        episodeIndices[slot(forAge: index)]
    }

    /// The transitions at ages `indices` (`0` is the oldest held), as a batch of matrices.
    public func batch(_ indices: [Int]) -> TransitionBatch {
        var batch = TransitionBatch(count: indices.count, observationSize: observationSize, actionSize: actionSize)
        let slots = indices.map { index -> Int in
            precondition(index >= 0 && index < count, "Replay buffer index \(index) out of 0..<\(count)")
            return slot(forAge: index)
        }
        Self.gather(rowsOf: observations, width: observationSize, slots: slots, into: &batch.observations)
        Self.gather(rowsOf: nextObservations, width: observationSize, slots: slots, into: &batch.nextObservations)
        Self.gather(rowsOf: actions, width: actionSize, slots: slots, into: &batch.actions)
        for (row, slot) in slots.enumerated() {
            batch.rewards[row] = rewards[slot]
            batch.terminated[row] = terminatedFlags[slot]
            batch.truncated[row] = truncatedFlags[slot]
        }
        return batch
    }

    /// Copies row `slots[i]` of `source` (rows of `width`) into row `i` of `destination`.
    private static func gather(rowsOf source: [Float], width: Int, slots: [Int], into destination: inout Matrix) {
        guard width > 0 else { return }
        destination.withUnsafeMutableBufferPointer { target in
            source.withUnsafeBufferPointer { source in
                for (row, slot) in slots.enumerated() {
                    (target.baseAddress! + row * width).update(from: source.baseAddress! + slot * width, count: width)
                }
            }
        }
    }

    /// Everything held, oldest first.
    public func all() -> TransitionBatch { batch(Array(0..<count)) }

    /// `batchSize` transitions drawn uniformly with replacement.
    public func sample(batchSize: Int, generator: inout RandomGenerator) -> TransitionBatch {
        precondition(count > 0, "Cannot sample from an empty replay buffer")
        return batch((0..<batchSize).map { _ in generator.nextInt(below: count) })
    }

    /// A bootstrap resample: `count` indices drawn with replacement (for one ensemble member).
    public func bootstrapIndices(generator: inout RandomGenerator) -> [Int] {
        (0..<count).map { _ in generator.nextInt(below: count) }
    }

    /// The ages of every transition that starts a window of `length` consecutive transitions of
    /// one episode, with no termination before the window's last step (for k-step losses).
    public func sequenceStarts(length: Int) -> [Int] {
        guard length >= 1, count >= length else { return [] }
        var starts: [Int] = []
        outer: for start in 0...(count - length) {
            let episode = episodeIndices[slot(forAge: start)]
            for offset in 0..<length {
                let slot = slot(forAge: start + offset)
                if episodeIndices[slot] != episode { continue outer }
                if offset < length - 1 && (terminatedFlags[slot] || truncatedFlags[slot]) { continue outer }
            }
            starts.append(start)
        }
        return starts
    }
}

// MARK: - Restoring

extension ReplayBuffer {
    /// A buffer with the given storage (as saved), or the first broken invariant as a message.
    static func restored(
        capacity: Int, observationSize: Int, actionSize: Int,
        observations: [Float], actions: [Float], rewards: [Float], nextObservations: [Float],
        terminated: [Bool], truncated: [Bool], episodes: [Int],
        head: Int, count: Int, totalAppended: Int, currentEpisode: Int
    ) -> Result<ReplayBuffer, MBRLError> {
        func broken(_ message: String) -> Result<ReplayBuffer, MBRLError> {
            .failure(MBRLError.fileFormat("stored replay buffer is inconsistent: \(message)"))
        }
        guard capacity > 0 else { return broken("capacity \(capacity) is not positive") }
        guard observationSize >= 0, actionSize >= 0 else {
            return broken("observation size \(observationSize) or action size \(actionSize) is negative")
        }
        guard count >= 0, count <= capacity else { return broken("it holds \(count) transitions with capacity \(capacity)") }
        let sizes = [
            ("observations", observations.count, count * observationSize),
            ("next observations", nextObservations.count, count * observationSize),
            ("actions", actions.count, count * actionSize),
            ("rewards", rewards.count, count), ("terminated flags", terminated.count, count),
            ("truncated flags", truncated.count, count), ("episode indices", episodes.count, count),
        ]
        for (name, actual, expected) in sizes where actual != expected {
            return broken("\(actual) values of \(name) for \(count) transitions (expected \(expected))")
        }
        if count < capacity {
            guard head == count, totalAppended == count else {
                return broken("a buffer that is not full must have head = count = total appended, got \(head), \(count), \(totalAppended)")
            }
        } else {
            guard head >= 0, head < capacity, totalAppended >= count else {
                return broken("head \(head) or total appended \(totalAppended) out of range for a full buffer of \(capacity)")
            }
        }
        guard currentEpisode >= 0, episodes.allSatisfy({ $0 >= 0 && $0 <= currentEpisode }) else {
            return broken("episode indices must lie in 0...\(currentEpisode)")
        }
        guard observations.allSatisfy(\.isFinite), nextObservations.allSatisfy(\.isFinite),
              actions.allSatisfy(\.isFinite), rewards.allSatisfy(\.isFinite) else {
            return broken("it holds NaN or infinite values")
        }
        var buffer = ReplayBuffer(capacity: capacity, observationSize: observationSize, actionSize: actionSize)
        buffer.observations = observations
        buffer.actions = actions
        buffer.rewards = rewards
        buffer.nextObservations = nextObservations
        buffer.terminatedFlags = terminated
        buffer.truncatedFlags = truncated
        buffer.episodeIndices = episodes
        buffer.head = head
        buffer.count = count
        buffer.totalAppended = totalAppended
        buffer.currentEpisode = currentEpisode
        return .success(buffer)
    }
}

/// A batch of transitions as matrices, for model training and policy updates.
public struct TransitionBatch: Sendable, Equatable {
    /// `[B, obs]`.
    public var observations: Matrix
    /// `[B, act]`.
    public var actions: Matrix
    /// `[B]`.
    public var rewards: [Float]
    /// `[B, obs]`.
    public var nextObservations: Matrix
    /// `[B]`.
    public var terminated: [Bool]
    /// `[B]`.
    public var truncated: [Bool]

    /// A zero-filled batch of `count` rows.
    public init(count: Int, observationSize: Int, actionSize: Int) {
        observations = Matrix(rows: count, columns: observationSize)
        actions = Matrix(rows: count, columns: actionSize)
        rewards = Array(repeating: 0, count: count)
        nextObservations = Matrix(rows: count, columns: observationSize)
        terminated = Array(repeating: false, count: count)
        truncated = Array(repeating: false, count: count)
    }

    /// The number of rows.
    public var count: Int { rewards.count }
}
