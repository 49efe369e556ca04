import MBRLCore

/// The transitions of a batched model rollout, one row per (start row, step) that was still
/// running: ready to append to a replay buffer in one call
/// (`ReplayBuffer.append(_:)` with an `ImaginedTransitions`).
///
/// Rows are ordered by step, then by start row: all rows of step 0, then the survivors' rows of
/// step 1, and so on.
public struct ImaginedTransitions: Sendable, Equatable {
    /// `[N, obs]`.
    public var observations: Matrix
    /// `[N, act]`.
    public var actions: Matrix
    /// `[N]`.
    public var rewards: [Float]
    /// `[N, obs]`.
    public var nextObservations: Matrix
    /// `[N]`: the row's transition ended its trajectory (the row is not continued).
    public var terminated: [Bool]
    /// `[N]`: the step index of each row, `0..<horizon`.
    public var steps: [Int]
    /// `[N]`: the start row (index into the start states) each row continues.
    public var startRows: [Int]
    /// `[N]`: the ensemble member that predicted each row, or -1 when the model's own prediction
    /// was used.
    public var members: [Int]

    /// Rollout rows as given (all arrays of `N` entries).
    public init(observations: Matrix, actions: Matrix, rewards: [Float], nextObservations: Matrix,
                terminated: [Bool], steps: [Int], startRows: [Int], members: [Int]) {
        self.observations = observations
        self.actions = actions
        self.rewards = rewards
        self.nextObservations = nextObservations
        self.terminated = terminated
        self.steps = steps
        self.startRows = startRows
        self.members = members
    }

    /// The number of rows, `N`.
    public var count: Int { rewards.count }

    /// The rows as a `TransitionBatch` (none truncated).
    public var transitionBatch: TransitionBatch {
        var batch = TransitionBatch(count: 0, observationSize: observations.columns, actionSize: actions.columns)
        batch.observations = observations
        batch.actions = actions
        batch.rewards = rewards
        batch.nextObservations = nextObservations
        batch.terminated = terminated
        batch.truncated = Array(repeating: false, count: count)
        return batch
    }
}
