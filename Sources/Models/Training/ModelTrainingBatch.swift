import MBRLCore

/// One minibatch for a neural dynamics model's loss: for each member, `B` windows of
/// `stepCount` consecutive transitions, stacked in the ensemble layout (member `e` owns rows
/// `e * B ..< (e + 1) * B` of every matrix).
///
/// With one step this is an ordinary batch of transitions. With more, the loss unrolls the
/// model on its own predictions from `observations` through `actions[0]`, `actions[1]`, ... and
/// compares each predicted observation with `nextObservations[t]` (the multi-step loss of Oh et
/// al., 2015).
///
/// ```swift
/// let transitions = buffer.sample(batchSize: 64, generator: &generator)
/// let batch = try ModelTrainingBatch(transitions: transitions, memberCount: model.ensembleSize)
/// let result = try model.lossAndGradients(for: batch)
/// ```
public struct ModelTrainingBatch: Sendable, Equatable {
    /// The number of members `E` the rows are stacked for.
    public let memberCount: Int
    /// The window's first observations, `[E * B, obs]`.
    public let observations: Matrix
    /// The actions of each step, `stepCount` matrices of `[E * B, act]`.
    public let actions: [Matrix]
    /// The observations after each step, `stepCount` matrices of `[E * B, obs]`.
    public let nextObservations: [Matrix]
    /// The rewards of each step, `stepCount` arrays of `[E * B]`.
    public let rewards: [[Float]]
    /// Whether each step terminated, `stepCount` arrays of `[E * B]`.
    public let terminated: [[Bool]]

    /// The number of steps in each window.
    public var stepCount: Int { actions.count }
    /// The number of rows, `E * B`.
    public var rowCount: Int { observations.rows }
    /// The rows per member, `B`.
    public var rowsPerMember: Int { observations.rows / memberCount }

    /// A batch from its parts.
    ///
    /// - Throws: `MBRLError.shapeMismatch` when the steps or rows do not agree, or the rows are
    ///   not a multiple of `memberCount`; `MBRLError.invalidArgument` without steps or members.
    public init(memberCount: Int, observations: Matrix, actions: [Matrix], nextObservations: [Matrix],
                rewards: [[Float]], terminated: [[Bool]]) throws {
        guard memberCount >= 1 else { throw MBRLError.invalidArgument("a training batch needs at least one member") }
        guard !actions.isEmpty else { throw MBRLError.invalidArgument("a training batch needs at least one step") }
        let steps = actions.count
        guard nextObservations.count == steps, rewards.count == steps, terminated.count == steps else {
            throw MBRLError.shapeMismatch(
                "a training batch needs the same number of steps of actions (\(steps)), next observations (\(nextObservations.count)), rewards (\(rewards.count)) and terminations (\(terminated.count))")
        }
        let rows = observations.rows
        guard rows % memberCount == 0 else {
            throw MBRLError.shapeMismatch("\(rows) rows are not a multiple of the \(memberCount) members")
        }
        for step in 0..<steps {
            guard actions[step].rows == rows, nextObservations[step].rows == rows, rewards[step].count == rows,
                  terminated[step].count == rows, nextObservations[step].columns == observations.columns else {
                throw MBRLError.shapeMismatch(
                    "step \(step) of the training batch does not have \(rows) rows of the observation width \(observations.columns)")
            }
        }
        self.memberCount = memberCount
        self.observations = observations
        self.actions = actions
        self.nextObservations = nextObservations
        self.rewards = rewards
        self.terminated = terminated
    }

    /// A one-step batch in which every member sees all of `transitions` (`E * B` rows).
    public init(transitions: TransitionBatch, memberCount: Int) throws {
        let rows = Array(0..<transitions.count)
        try self.init(gathering: transitions, memberStarts: Array(repeating: rows, count: max(memberCount, 1)), stepCount: 1)
    }

    /// Gathers windows from `data` (transitions in order): member `e`'s window `i` is rows
    /// `memberStarts[e][i] ..< memberStarts[e][i] + stepCount` of `data`.
    ///
    /// - Throws: `MBRLError.shapeMismatch` when members have different numbers of windows,
    ///   `MBRLError.invalidArgument` when a window runs outside `data`.
    public init(gathering data: TransitionBatch, memberStarts: [[Int]], stepCount: Int) throws {
        guard let first = memberStarts.first else { throw MBRLError.invalidArgument("a training batch needs at least one member") }
        guard stepCount >= 1 else { throw MBRLError.invalidArgument("a training batch needs at least one step") }
        guard memberStarts.allSatisfy({ $0.count == first.count }) else {
            throw MBRLError.shapeMismatch("every member needs the same number of windows, got \(memberStarts.map(\.count))")
        }
        for starts in memberStarts {
            if let bad = starts.first(where: { $0 < 0 || $0 + stepCount > data.count }) {
                throw MBRLError.invalidArgument("a window of \(stepCount) steps from row \(bad) runs outside the \(data.count) transitions")
            }
        }
        let flat = memberStarts.flatMap { $0 }
        var actions: [Matrix] = [], nextObservations: [Matrix] = [], rewards: [[Float]] = [], terminated: [[Bool]] = []
        for step in 0..<stepCount {
            let rows = flat.map { $0 + step }
            actions.append(Self.gather(data.actions, rows: rows))
            nextObservations.append(Self.gather(data.nextObservations, rows: rows))
            rewards.append(rows.map { data.rewards[$0] })
            terminated.append(rows.map { data.terminated[$0] })
        }
        try self.init(memberCount: memberStarts.count, observations: Self.gather(data.observations, rows: flat),
                      actions: actions, nextObservations: nextObservations, rewards: rewards, terminated: terminated)
    }

    /// The rows of `source` at `rows`, copied without per-row allocations.
    static func gather(_ source: Matrix, rows: [Int]) -> Matrix {
        let width = source.columns
        var result = Matrix(rows: rows.count, columns: width)
        guard width > 0, !rows.isEmpty else { return result }
        result.withUnsafeMutableBufferPointer { destination in
            source.withUnsafeBufferPointer { from in
                for (target, row) in rows.enumerated() {
                    (destination.baseAddress! + target * width).update(from: from.baseAddress! + row * width, count: width)
                }
            }
        }
        return result
    }
}
