import MBRLCore

extension PrioritizedSweeping: PolicyOptimizer {
    /// `"prioritized-sweeping"`.
    public var name: String { "prioritized-sweeping" }

    /// Learns from `transition` (see `learn`); the context is not used (prioritized
    /// sweeping keeps its own table model). Returns `"qUpdates"` (the planning updates this
    /// step), `"priority"` (the real transition's) and `"queueLength"`.
    /// Discrete actions (and discrete observations, checked when it is built).
    public var requirements: PolicyOptimizerRequirements { [.discreteActions] }

    public mutating func improve(after transition: Transition, context: PolicyOptimizerContext,
                                 generator: inout RandomGenerator) throws -> [String: Double] {
        let (state, action, nextState) = try TabularQSpaces.indices(of: transition)
        let before = updateCount
        let priority = try learn(state: state, action: action, reward: Double(transition.reward), nextState: nextState,
                                 terminated: transition.terminated, generator: &generator)
        return ["qUpdates": Double(updateCount - before), "priority": priority, "queueLength": Double(queue.count)]
    }
}
