import MBRLCore

/// Index checks shared by the tabular learners (Dyna-Q, prioritized sweeping): their states and
/// actions are the indices of discrete spaces.
enum TabularQSpaces {
    /// The number of states and actions of discrete spaces, or `incompatible` naming the space
    /// that is not discrete.
    static func counts(observationSpace: Space, actionSpace: Space, learner: String) throws -> (states: Int, actions: Int) {
        guard let states = observationSpace.discrete else {
            throw MBRLError.incompatible(
                "\(learner) is tabular and needs a discrete observation space (one index per state); this environment's observations are \(describe(observationSpace))")
        }
        guard let actions = actionSpace.discrete else {
            throw MBRLError.incompatible(
                "\(learner) is tabular and needs a discrete action space; this environment's actions are \(describe(actionSpace))")
        }
        return (states.count, actions.count)
    }

    /// Throws `invalidArgument` unless every index is in range and the reward is finite.
    static func check(state: Int, action: Int, nextState: Int, reward: Double, stateCount: Int, actionCount: Int) throws {
        for (name, value) in [("state", state), ("next state", nextState)] where !(0..<stateCount).contains(value) {
            throw MBRLError.invalidArgument("\(name) \(value) is outside 0..<\(stateCount)")
        }
        guard (0..<actionCount).contains(action) else {
            throw MBRLError.invalidArgument("action \(action) is outside 0..<\(actionCount)")
        }
        guard reward.isFinite else {
            throw MBRLError.nonFinite("reward \(reward) for state \(state), action \(action)")
        }
    }

    /// The `(state, action, reward, nextState)` indices a transition of a discrete environment
    /// holds, or `invalidArgument` naming the entry that is not an index.
    static func indices(of transition: Transition) throws -> (state: Int, action: Int, nextState: Int) {
        (try index(transition.observation, "observation"), try index(transition.action, "action"),
         try index(transition.nextObservation, "next observation"))
    }

    private static func index(_ row: [Float], _ name: String) throws -> Int {
        guard row.count == 1, let value = row.first, value.isFinite, value == value.rounded(), value >= 0, value < 1e9 else {
            throw MBRLError.invalidArgument("a tabular learner takes transitions whose \(name) is one entry holding an index, got \(row)")
        }
        return Int(value)
    }

    static func describe(_ space: Space) -> String {
        switch space {
        case .box(let box): return "a box of \(box.size) \(box.size == 1 ? "entry" : "entries")"
        case .discrete(let discrete): return "discrete(\(discrete.count))"
        }
    }
}
