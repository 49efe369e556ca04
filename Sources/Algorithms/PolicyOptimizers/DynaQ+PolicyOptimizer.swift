import MBRLCore

extension DynaQ: PolicyOptimizer {
    /// `"dyna-q-plus"` when the exploration bonus or untried-action planning is on, else `"dyna-q"`.
    public var name: String {
        config.explorationBonus > 0 || config.planUntriedActions ? "dyna-q-plus" : "dyna-q"
    }

    /// Learns from `transition` (see `learn`); the context is not used (Dyna-Q keeps
    /// its own table model). Returns `"qUpdates"` (Q updates this step, 1 + n) and `"tdError"`
    /// (the direct update's error).
    /// Discrete actions (and discrete observations, checked when it is built).
    public var requirements: PolicyOptimizerRequirements { [.discreteActions] }

    public mutating func improve(after transition: Transition, context: PolicyOptimizerContext,
                                 generator: inout RandomGenerator) throws -> [String: Double] {
        let (state, action, nextState) = try TabularQSpaces.indices(of: transition)
        let before = updateCount
        let error = try learn(state: state, action: action, reward: Double(transition.reward), nextState: nextState,
                              terminated: transition.terminated, generator: &generator)
        return ["qUpdates": Double(updateCount - before), "tdError": error]
    }
}
