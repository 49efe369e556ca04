import MBRLCore

/// A table model of a discrete environment, for Dyna-Q and prioritized sweeping (Sutton & Barto,
/// chapter 8): it records what followed each observed `(state, action)` pair.
///
/// Two modes: `.lastSeen` remembers the most recent outcome of each pair (the book's tabular
/// Dyna-Q, exact for deterministic environments); `.sampled` keeps counts of every outcome and
/// samples in proportion to them (a maximum-likelihood model of a stochastic environment).
///
/// As a `DynamicsModel`, observations and actions are one entry each holding the index. A pair
/// never observed predicts "stay in the same state, reward 0, not terminated": the book's initial
/// model for untried actions in Dyna-Q+.
///
/// ```swift
/// var model = TabularModel(stateCount: 54, actionCount: 4)
/// try model.update(state: 18, action: 3, reward: 0, nextState: 19, terminated: false)
/// var generator = RandomGenerator(seed: 0)
/// if let (state, action) = model.samplePreviouslyObservedPair(generator: &generator),
///    let outcome = model.outcome(state: state, action: action, generator: &generator) {
///     print(outcome.nextState, outcome.reward)
/// }
/// ```
public struct TabularModel: DynamicsModel, Sendable, Codable, Equatable {
    /// How the model answers for a pair seen with several outcomes.
    public enum Mode: String, Sendable, Codable, CaseIterable {
        /// The most recent outcome (deterministic).
        case lastSeen = "last-seen"
        /// An outcome drawn in proportion to how often it was seen.
        case sampled
    }

    /// What followed a `(state, action)` pair.
    public struct Outcome: Sendable, Codable, Hashable {
        public var nextState: Int
        public var reward: Float
        public var terminated: Bool

        public init(nextState: Int, reward: Float, terminated: Bool) {
            self.nextState = nextState
            self.reward = reward
            self.terminated = terminated
        }
    }

    /// The number of states (`0..<stateCount`).
    public let stateCount: Int
    /// The number of actions (`0..<actionCount`).
    public let actionCount: Int
    /// How repeated outcomes are combined.
    public let mode: Mode

    private var lastOutcome: [Int: Outcome] = [:]
    private var outcomeCounts: [Int: [Outcome: Int]] = [:]
    /// Pairs in the order first observed (pair index = state * actionCount + action).
    private var observedPairIndices: [Int] = []
    /// For each next state, the pairs seen leading to it (for prioritized sweeping).
    private var predecessorPairs: [Int: Set<Int>] = [:]

    /// An empty model of `stateCount` states and `actionCount` actions.
    public init(stateCount: Int, actionCount: Int, mode: Mode = .lastSeen) {
        precondition(stateCount > 0 && actionCount > 0, "A tabular model needs states and actions")
        self.stateCount = stateCount
        self.actionCount = actionCount
        self.mode = mode
    }

    public var observationSize: Int { 1 }
    public var actionSize: Int { 1 }
    public var predictsRewards: Bool { true }
    public var predictsTerminations: Bool { true }

    /// The number of distinct pairs observed.
    public var observedPairCount: Int { observedPairIndices.count }

    // MARK: - Learning

    /// Records one real transition. Throws when an index is out of range.
    public mutating func update(state: Int, action: Int, reward: Float, nextState: Int, terminated: Bool) throws {
        try checkState(state, name: "state")
        try checkState(nextState, name: "next state")
        try checkAction(action)
        guard reward.isFinite else { throw MBRLError.nonFinite("reward \(reward) for state \(state), action \(action)") }
        let pair = state * actionCount + action
        let outcome = Outcome(nextState: nextState, reward: reward, terminated: terminated)
        if lastOutcome[pair] == nil { observedPairIndices.append(pair) }
        lastOutcome[pair] = outcome
        if mode == .sampled { outcomeCounts[pair, default: [:]][outcome, default: 0] += 1 }
        predecessorPairs[nextState, default: []].insert(pair)
    }

    // MARK: - Queries

    /// Whether `(state, action)` was ever observed.
    public func hasObserved(state: Int, action: Int) -> Bool {
        guard state >= 0, state < stateCount, action >= 0, action < actionCount else { return false }
        return lastOutcome[state * actionCount + action] != nil
    }

    /// The modelled outcome of `(state, action)`, or `nil` when the pair was never observed.
    public func outcome(state: Int, action: Int, generator: inout RandomGenerator) -> Outcome? {
        guard state >= 0, state < stateCount, action >= 0, action < actionCount else { return nil }
        let pair = state * actionCount + action
        switch mode {
        case .lastSeen:
            return lastOutcome[pair]
        case .sampled:
            guard let counts = outcomeCounts[pair] else { return nil }
            // Sort for a deterministic order whatever the dictionary's layout.
            let entries = counts.sorted { ($0.key.nextState, $0.key.reward, $0.key.terminated ? 1 : 0)
                < ($1.key.nextState, $1.key.reward, $1.key.terminated ? 1 : 0) }
            let total = entries.reduce(0) { $0 + $1.value }
            var draw = generator.nextInt(below: total)
            for (outcome, count) in entries {
                if draw < count { return outcome }
                draw -= count
            }
            return entries.last?.key
        }
    }

    /// A uniformly chosen previously observed pair (the planning step of Dyna-Q), or `nil` when
    /// nothing was observed yet.
    public func samplePreviouslyObservedPair(generator: inout RandomGenerator) -> (state: Int, action: Int)? {
        guard !observedPairIndices.isEmpty else { return nil }
        let pair = observedPairIndices[generator.nextInt(below: observedPairIndices.count)]
        return (pair / actionCount, pair % actionCount)
    }

    /// Every observed pair whose outcome was `state`, in a fixed order (for prioritized sweeping).
    public func predecessors(of state: Int) -> [(state: Int, action: Int)] {
        (predecessorPairs[state] ?? []).sorted().map { ($0 / actionCount, $0 % actionCount) }
    }

    // MARK: - DynamicsModel

    /// Predicts each row from the table; unobserved pairs stay put with reward 0.
    public func predict(observations: Matrix, actions: Matrix, generator: inout RandomGenerator) throws -> ModelPrediction {
        try validateInputs(observations: observations, actions: actions)
        var next = Matrix(rows: observations.rows, columns: 1)
        var rewards = [Float](repeating: 0, count: observations.rows)
        var terminations = [Bool](repeating: false, count: observations.rows)
        for row in 0..<observations.rows {
            let state = try index(observations[row, 0], name: "observation in row \(row)")
            let action = try index(actions[row, 0], name: "action in row \(row)")
            try checkState(state, name: "observation in row \(row)")
            try checkAction(action)
            if let outcome = outcome(state: state, action: action, generator: &generator) {
                next[row, 0] = Float(outcome.nextState)
                rewards[row] = outcome.reward
                terminations[row] = outcome.terminated
            } else {
                next[row, 0] = Float(state)
            }
        }
        return ModelPrediction(nextObservations: next, rewards: rewards, terminations: terminations)
    }

    private func index(_ value: Float, name: String) throws -> Int {
        guard value.isFinite, value == value.rounded(), value.magnitude < 1e9 else {
            throw MBRLError.invalidArgument("\(name) must be an integer index, got \(value)")
        }
        return Int(value)
    }

    private func checkState(_ state: Int, name: String) throws {
        guard state >= 0 && state < stateCount else {
            throw MBRLError.invalidArgument("\(name) \(state) is outside 0..<\(stateCount)")
        }
    }

    private func checkAction(_ action: Int) throws {
        guard action >= 0 && action < actionCount else {
            throw MBRLError.invalidArgument("action \(action) is outside 0..<\(actionCount)")
        }
    }
}
