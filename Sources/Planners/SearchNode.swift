/// A node of a Monte Carlo search tree: the simulator state reached, the step that reached it,
/// and the statistics of the simulations that passed through it.
///
/// `totalValue` sums, over those simulations, the discounted return from the parent's step on
/// (this node's reward plus the discounted value after it), so `totalValue / visitCount` is the
/// estimated value of taking this node's action at its parent.
final class SearchNode<State> {
    /// The simulator state after the step into this node.
    var state: State
    /// The reward of the step into this node.
    let reward: Float
    /// Whether the step into this node ended the episode.
    let terminated: Bool
    /// The number of simulations through this node.
    var visitCount = 0
    /// The sum of their returns from the parent's step on.
    var totalValue = 0.0
    /// Children by action (`nil` until expanded).
    var children: [SearchNode?]
    /// Actions not yet expanded.
    var untriedActions: [Int]

    init(state: State, reward: Float, terminated: Bool, actionCount: Int) {
        self.state = state
        self.reward = reward
        self.terminated = terminated
        children = Array(repeating: nil, count: actionCount)
        untriedActions = Array(0..<actionCount)
    }

    /// `totalValue / visitCount`, or 0 before any visit.
    var meanValue: Double { visitCount > 0 ? totalValue / Double(visitCount) : 0 }

    /// The number of nodes in this subtree (for tests and reports).
    var subtreeSize: Int { 1 + children.reduce(0) { $0 + ($1?.subtreeSize ?? 0) } }
}
