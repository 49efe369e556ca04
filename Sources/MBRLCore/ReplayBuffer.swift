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
/// ```
public struct ReplayBuffer: Sendable, Codable, Equatable {
    /// The most transitions the buffer holds.
    public let capacity: Int
    /// Entries per observation.
    public let observationSize: Int
    /// Entries per action.
    public let actionSize: Int

    private var observations: [Float]
    private var actions: [Float]
    private var rewards: [Float]
    private var nextObservations: [Float]
    private var terminatedFlags: [Bool]
    private var truncatedFlags: [Bool]
    private var episodeIndices: [Int]
    /// The slot the next transition goes to.
    private var head = 0
    /// The number of transitions held (at most `capacity`).
    public private(set) var count = 0
    /// The number of transitions ever appended.
    public private(set) var totalAppended = 0
    /// The index of the episode the next transition belongs to.
    public private(set) var currentEpisode = 0

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
        for (row, index) in indices.enumerated() {
            precondition(index >= 0 && index < count, "Replay buffer index \(index) out of 0..<\(count)")
            let slot = slot(forAge: index)
            for column in 0..<observationSize {
                batch.observations[row, column] = observations[slot * observationSize + column]
                batch.nextObservations[row, column] = nextObservations[slot * observationSize + column]
            }
            for column in 0..<actionSize { batch.actions[row, column] = actions[slot * actionSize + column] }
            batch.rewards[row] = rewards[slot]
            batch.terminated[row] = terminatedFlags[slot]
            batch.truncated[row] = truncatedFlags[slot]
        }
        return batch
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
