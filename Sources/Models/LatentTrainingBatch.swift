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
    /// `k + 1` observations per window, each `[B, raw]`: `frames[t]` row `b` is `o_t` of window `b`.
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
    /// observation and `o_{t+1}` the next observation of transition `t`.
    public init(buffer: ReplayBuffer, starts: [Int], stepCount: Int) throws {
        guard stepCount >= 1 else { throw MBRLError.invalidArgument("a window needs at least one step, got \(stepCount)") }
        guard let last = starts.max(), last + stepCount <= buffer.count, starts.allSatisfy({ $0 >= 0 }) else {
            throw MBRLError.invalidArgument("window starts must lie in 0...\(buffer.count - stepCount) for \(buffer.count) transitions")
        }
        var frames: [Matrix] = [], actions: [Matrix] = [], rewards: [[Float]] = []
        for step in 0..<stepCount {
            let transitions = buffer.batch(starts.map { $0 + step })
            if step == 0 { frames.append(transitions.observations) }
            frames.append(transitions.nextObservations)
            actions.append(transitions.actions)
            rewards.append(transitions.rewards)
        }
        try self.init(frames: frames, actions: actions, rewards: rewards)
    }

    /// The number of windows `B`.
    public var windowCount: Int { frames[0].rows }
    /// The number of steps `k`.
    public var stepCount: Int { actions.count }
}
