import MBRLCore

/// A minibatch of `B` windows of `k` consecutive transitions for the latent model's loss: the
/// frames `o_0 ... o_k`, the actions `a_0 ... a_{k-1}` and the rewards `r_0 ... r_{k-1}`.
///
/// ```swift
/// let starts = buffer.sequenceStarts(length: 3)                  // windows within episodes
/// let batch = try LatentTrainingBatch(buffer: buffer, starts: Array(starts.prefix(32)), stepCount: 3)
/// batch.frames.count                                             // 4 matrices [32, raw]
/// ```
public struct LatentTrainingBatch: Sendable, Equatable {
    /// `k + 1` encoder inputs per window, each `[B, raw]` (or `[B, historyLength * raw]`):
    /// `frames[t]` row `b` is `o_t` of window `b` (or its history, oldest first).
    public var frames: [Matrix]
    /// `k` actions per window, each `[B, act]`.
    public var actions: [Matrix]
    /// `k` rewards per window, each `[B]`.
    public var rewards: [[Float]]

    /// A batch from matrices; throws `MBRLError.shapeMismatch` unless there are `k + 1` frames,
    /// `k >= 1` actions and rewards, all with the same number of rows.
    public init(frames: [Matrix], actions: [Matrix], rewards: [[Float]]) throws {
        guard !actions.isEmpty, frames.count == actions.count + 1, rewards.count == actions.count else {
            throw MBRLError.shapeMismatch(
                "a window of k steps needs k + 1 frames, k actions and k rewards (k >= 1); got \(frames.count), \(actions.count), \(rewards.count)")
        }
        let rows = frames[0].rows
        guard frames.allSatisfy({ $0.rows == rows && $0.columns == frames[0].columns }),
              actions.allSatisfy({ $0.rows == rows && $0.columns == actions[0].columns }),
              rewards.allSatisfy({ $0.count == rows }) else {
            throw MBRLError.shapeMismatch("every frame, action and reward block must have \(rows) rows of one width")
        }
        self.frames = frames
        self.actions = actions
        self.rewards = rewards
    }

    /// The windows of `stepCount` transitions starting at ages `starts` of `buffer` (each start
    /// from `buffer.sequenceStarts(length: stepCount)`): `o_0` is the first transition's
    /// observation and `o_{t+1}` the next observation of transition `t`. With
    /// `historyLength > 1` each frame row is the history `[o_{t-h+1}, ..., o_t]` (oldest first);
    /// observations before the window come from the transitions before it in the same episode,
    /// and before the episode's first transition the first observation is repeated.
    public init(buffer: ReplayBuffer, starts: [Int], stepCount: Int, historyLength: Int = 1) throws {
        guard stepCount >= 1, historyLength >= 1 else {
            throw MBRLError.invalidArgument("a window needs at least one step and a history of at least one observation, got \(stepCount) and \(historyLength)")
        }
        guard let last = starts.max(), last + stepCount <= buffer.count, starts.allSatisfy({ $0 >= 0 }) else {
            throw MBRLError.invalidArgument("window starts must lie in 0...\(buffer.count - stepCount) for \(buffer.count) transitions")
        }
        // The oldest age each window's history may reach back to within its episode.
        let earliest = starts.map { start -> Int in
            var first = start
            let episode = buffer.episode(ofTransition: start)
            while first > 0 && first > start - (historyLength - 1) && buffer.episode(ofTransition: first - 1) == episode { first -= 1 }
            return first
        }
        // Observation position p of every window: p <= 0 is the observation of age start + p
        // (clamped to the episode), p >= 1 the next observation of age start + p - 1.
        var positions: [Int: Matrix] = [:]
        var actions: [Matrix] = [], rewards: [[Float]] = []
        for position in (1 - historyLength)...stepCount {
            if position <= 0 {
                let ages = zip(starts, earliest).map { max($0 + position, $1) }
                positions[position] = buffer.batch(ages).observations
            } else {
                let transitions = buffer.batch(starts.map { $0 + position - 1 })
                positions[position] = transitions.nextObservations
                actions.append(transitions.actions)
                rewards.append(transitions.rewards)
            }
        }
        let frames = (0...stepCount).map { step -> Matrix in
            var history = positions[step - historyLength + 1]!
            if historyLength > 1 {
                for position in (step - historyLength + 2)...step { history = LatentMath.joinColumns(history, positions[position]!) }
            }
            return history
        }
        try self.init(frames: frames, actions: actions, rewards: rewards)
    }

    /// The number of windows `B`.
    public var windowCount: Int { frames[0].rows }
    /// The number of steps `k`.
    public var stepCount: Int { actions.count }
}
