import MBRLCore

/// A table of action values `Q(s, a)` over `stateCount` states and `actionCount` actions, with
/// the one-step Q-learning update (Sutton & Barto, equation 6.8) that Dyna-Q and prioritized
/// sweeping apply to real and simulated transitions.
///
/// Values are `Double`: tabular updates are cheap, and the small quantities prioritized
/// sweeping compares (priorities against a threshold of 1e-4) and Dyna-Q+'s bonus
/// `kappa * sqrt(tau)` keep their precision.
///
/// ```swift
/// var q = TabularQFunction(stateCount: 3, actionCount: 2)
/// let target = q.target(reward: 1, nextState: 2, terminated: false, discount: 0.9)   // 1 + 0.9 * max Q(2, .)
/// let error = q.update(state: 0, action: 1, target: target, stepSize: 0.5)         // Q(0, 1) = 0.5
/// q.greedyActions(state: 0)                                                         // [1]
/// ```
public struct TabularQFunction: Sendable, Codable, Equatable {
    /// The number of states (`0..<stateCount`).
    public let stateCount: Int
    /// The number of actions (`0..<actionCount`).
    public let actionCount: Int
    /// `Q(s, a)` at `s * actionCount + a`, `[stateCount * actionCount]`.
    public private(set) var values: [Double]

    /// A table of zeros (the book's initialisation in every chapter 8 example).
    public init(stateCount: Int, actionCount: Int) {
        precondition(stateCount > 0 && actionCount > 0, "A Q table needs states and actions")
        self.stateCount = stateCount
        self.actionCount = actionCount
        values = [Double](repeating: 0, count: stateCount * actionCount)
    }

    /// `Q(state, action)`; both indices must be in range.
    public subscript(state: Int, action: Int) -> Double {
        get { values[state * actionCount + action] }
        set { values[state * actionCount + action] = newValue }
    }

    /// `max_a Q(state, a)`.
    public func maximum(state: Int) -> Double {
        let base = state * actionCount
        var best = values[base]
        for action in 1..<actionCount where values[base + action] > best { best = values[base + action] }
        return best
    }

    /// Every action whose value equals `max_a Q(state, a)`, in increasing order.
    public func greedyActions(state: Int) -> [Int] {
        let best = maximum(state: state)
        let base = state * actionCount
        return (0..<actionCount).filter { values[base + $0] == best }
    }

    /// A maximal action, ties broken uniformly at random (the book's convention; with a table of
    /// zeros it makes the first Dyna maze episode a random walk of about 1,700 steps).
    public func greedyAction(state: Int, generator: inout RandomGenerator) -> Int {
        let base = state * actionCount
        let best = maximum(state: state)
        var tieCount = 0
        for action in 0..<actionCount where values[base + action] == best { tieCount += 1 }
        if tieCount == 1 {
            for action in 0..<actionCount where values[base + action] == best { return action }
        }
        var pick = generator.nextInt(below: tieCount)
        for action in 0..<actionCount where values[base + action] == best {
            if pick == 0 { return action }
            pick -= 1
        }
        return actionCount - 1
    }

    /// The lowest-numbered maximal action (deterministic; for evaluation).
    public func firstGreedyAction(state: Int) -> Int {
        let base = state * actionCount
        var bestAction = 0
        for action in 1..<actionCount where values[base + action] > values[base + bestAction] { bestAction = action }
        return bestAction
    }

    /// The Q-learning target `R + gamma * max_a Q(S', a)`, or `R` when the step terminated.
    public func target(reward: Double, nextState: Int, terminated: Bool, discount: Double) -> Double {
        terminated ? reward : reward + discount * maximum(state: nextState)
    }

    /// `Q(S, A) <- Q(S, A) + alpha * (target - Q(S, A))`; returns the error `target - Q(S, A)`
    /// before the update.
    @discardableResult
    public mutating func update(state: Int, action: Int, target: Double, stepSize: Double) -> Double {
        let index = state * actionCount + action
        let error = target - values[index]
        values[index] += stepSize * error
        return error
    }
}
