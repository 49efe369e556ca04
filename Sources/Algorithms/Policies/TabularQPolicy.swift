import MBRLCore

/// The epsilon-greedy policy of a tabular Q function (Sutton & Barto, section 2.2 and the
/// chapter 8 boxes): with probability `epsilon` a uniformly random action, otherwise a maximal
/// action with ties broken at random. In `.evaluation` mode it acts greedily and
/// deterministically (the lowest-numbered maximal action).
///
/// Observations and actions are one entry each holding the index, as a discrete environment's
/// spaces carry them (see `Space.discrete`).
///
/// ```swift
/// var policy = TabularQPolicy(qFunction: TabularQFunction(stateCount: 54, actionCount: 4), epsilon: 0.1)
/// policy.qFunction[18, 3] = 1
/// var generator = RandomGenerator(seed: 0)
/// let action = try policy.action(for: [18], mode: .exploration, generator: &generator)   // [3] 92.5% of the time
/// ```
public struct TabularQPolicy: Sendable, Equatable, Codable {
    /// The action values the policy is greedy with respect to.
    public var qFunction: TabularQFunction
    /// The probability of a uniformly random action in `.exploration` mode, in `0...1`.
    public var epsilon: Double

    /// A policy over `qFunction` exploring with probability `epsilon`.
    public init(qFunction: TabularQFunction, epsilon: Double) {
        precondition((0...1).contains(epsilon), "epsilon must lie in 0...1")
        self.qFunction = qFunction
        self.epsilon = epsilon
    }

    /// The action for state index `state`: epsilon-greedy with random tie-breaking when
    /// exploring, the first maximal action when evaluating.
    public func action(state: Int, mode: ActionMode, generator: inout RandomGenerator) -> Int {
        switch mode {
        case .evaluation:
            return qFunction.firstGreedyAction(state: state)
        case .exploration:
            if epsilon > 0, generator.nextUniformDouble() < epsilon {
                return generator.nextInt(below: qFunction.actionCount)
            }
            return qFunction.greedyAction(state: state, generator: &generator)
        }
    }

    /// The state index an observation row holds, or `invalidArgument` naming the row.
    func stateIndex(_ value: Float, row: Int) throws -> Int {
        guard value.isFinite, value == value.rounded(), value >= 0, value < Float(qFunction.stateCount) else {
            throw MBRLError.invalidArgument(
                "a tabular Q policy takes observations holding a state index in 0..<\(qFunction.stateCount); row \(row) holds \(value)")
        }
        return Int(value)
    }
}
