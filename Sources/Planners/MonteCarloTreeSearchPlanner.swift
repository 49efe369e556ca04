#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MBRLCore

/// Monte Carlo tree search with the UCT tree policy, for discrete actions, over any
/// `DiscreteSimulator` (a `PerfectModel` of an environment with discrete actions, a
/// deterministic learned model, or one member of an ensemble).
///
/// The lecture's generic MCTS, repeated `simulationsPerStep` times from the root:
/// 1. tree policy: from the root, while the node is not terminal and lies above `depthLimit`,
///    expand an untried action (chosen uniformly at random) if there is one and stop there;
///    otherwise move to the child with the best UCT score
///    `Q/N + 2 C sqrt(2 ln N(parent) / N)` (`C` is `explorationConstant`; `Q/N` is the child's
///    mean discounted return, scaled to `[0, 1]` by the smallest and largest mean in the tree
///    when `normalizeValues` is on);
/// 2. default policy: from the new leaf, uniformly random actions for up to `rolloutDepth`
///    steps or until the episode ends, summing discounted rewards;
/// 3. backup: along the path back to the root, `G = r + discount * G`, adding one visit and `G`
///    to every node.
///
/// The action taken is the root child with the most visits (`finalAction: "most-visited"`,
/// ties broken by the higher mean), or with the highest mean (`"highest-mean"`).
///
/// **Subtree reuse.** After a plan the tree is kept. At the next plan the simulator's root state
/// for the new observation is compared with the states of the old root's children (see
/// `SimulationStateMatching`: equal physical states for cloned environments, `==` for
/// `Equatable` states); the matching child becomes the new root with its statistics, and the
/// rest of the tree is dropped. When no child matches (another action was executed, the
/// environment is stochastic, or the states cannot be compared) the search starts afresh.
///
/// Each node stores the state its simulated step produced, so with a stochastic simulator the
/// tree follows one sampled outcome per action. `Plan.actions` is the principal variation
/// (`[L, 1]`, action indices) and `Plan.modelEvaluations` counts simulator steps.
///
/// ```swift
/// var perfect = try PerfectModel(environment: cartPole)
/// var planner = try MonteCarloTreeSearchPlanner(config: .init(simulationsPerStep: 100))
/// try planner.checkCompatibility(with: perfect)
/// try perfect.synchronize(with: cartPole)
/// let plan = try planner.plan(from: observation, model: perfect, generator: &generator)
/// _ = try cartPole.step(plan.firstAction)                  // [0] or [1]
/// ```
public struct MonteCarloTreeSearchPlanner: Planner {
    /// The settings.
    public let config: Config
    /// The tree kept for reuse (a `SearchNode<State>` for the simulator's state type).
    private var retainedRoot: AnyObject?
    /// The number of visits the last plan's root already had from the previous search (0 when
    /// the search started afresh).
    public private(set) var reusedVisitCount = 0
    /// The number of nodes in the tree after the last plan.
    public private(set) var treeSize = 0

    /// A planner; throws when the config is out of range.
    public init(config: Config = Config()) throws {
        try config.validate()
        self.config = config
    }

    public var name: String { "mcts" }
    public var requirements: PlanningCapabilities { .discreteSimulation }

    public mutating func plan(from observation: [Float], model: any PlanningModel,
                              generator: inout RandomGenerator) throws -> Plan {
        guard let simulator = model as? any DiscreteSimulator, model.capabilities.contains(.discreteSimulation) else {
            throw MBRLError.incompatible(
                "planner \"\(name)\" steps one discrete action at a time, which \(type(of: model)) cannot do (it offers \(model.capabilities)); "
                    + "use a PerfectModel of an environment with discrete actions, or a sequence planner such as \"cem\"")
        }
        return try search(simulator, observation: observation, generator: &generator)
    }

    /// Forgets the kept tree.
    public mutating func reset() {
        retainedRoot = nil
        reusedVisitCount = 0
        treeSize = 0
    }

    // MARK: - Search

    mutating func search<Simulator: DiscreteSimulator>(_ simulator: Simulator, observation: [Float],
                                                       generator: inout RandomGenerator) throws -> Plan {
        let actionCount = simulator.actionCount
        guard actionCount > 0 else {
            throw MBRLError.incompatible("planner \"\(name)\" needs at least one discrete action; the simulator offers \(actionCount)")
        }
        let rootState = try simulator.rootState(for: observation)
        let root = reusableRoot(matching: rootState, actionCount: actionCount)
            ?? SearchNode(state: rootState, reward: 0, terminated: false, actionCount: actionCount)
        reusedVisitCount = root.visitCount
        var search = TreeSearch(simulator: simulator, config: config, actionCount: actionCount)
        for _ in 0..<config.simulationsPerStep {
            try search.simulate(from: root, generator: &generator)
        }

        // MARK: Answer
        var path: [Int] = []
        var node = root
        while let action = selectFinalAction(at: node) {
            path.append(action)
            guard let child = node.children[action], path.count < config.depthLimit else { break }
            node = child
        }
        guard let first = path.first, let chosen = root.children[first] else {
            throw MBRLError.invalidArgument("planner \"\(name)\" ran no simulation; simulationsPerStep must be at least 1")
        }
        retainedRoot = config.reuseTree ? root : nil
        treeSize = root.subtreeSize
        return Plan(actions: Matrix(rows: path.count, columns: 1, values: path.map(Float.init)),
                    expectedReturn: Float(chosen.meanValue), modelEvaluations: search.simulatorSteps)
    }

    /// The child of the kept root whose state matches `state`, detached as the new root.
    private func reusableRoot<State>(matching state: State, actionCount: Int) -> SearchNode<State>? {
        guard config.reuseTree, let oldRoot = retainedRoot as? SearchNode<State>, oldRoot.children.count == actionCount else {
            return nil
        }
        for child in oldRoot.children {
            guard let child, !child.terminated else { continue }
            if SimulationStateMatching.matches(child.state, state) == true {
                child.state = state
                return child
            }
        }
        return nil
    }

    /// The action to report at `node`: most visits (ties: higher mean, then lower index) or
    /// highest mean; nil when no child was expanded.
    private func selectFinalAction<State>(at node: SearchNode<State>) -> Int? {
        var best: Int?
        for (action, child) in node.children.enumerated() {
            guard let child, child.visitCount > 0 else { continue }
            guard let current = best, let incumbent = node.children[current] else { best = action; continue }
            switch config.finalAction {
            case .mostVisited:
                if child.visitCount > incumbent.visitCount
                    || (child.visitCount == incumbent.visitCount && child.meanValue > incumbent.meanValue) {
                    best = action
                }
            case .highestMean:
                if child.meanValue > incumbent.meanValue { best = action }
            }
        }
        return best
    }
}

/// One search's simulations over a simulator: the tree policy, the default policy and the
/// backup, with the running range of values for normalisation.
struct TreeSearch<Simulator: DiscreteSimulator> {
    let simulator: Simulator
    let config: MonteCarloTreeSearchPlanner.Config
    let actionCount: Int
    /// Simulator steps taken.
    var simulatorSteps = 0
    /// The smallest and largest mean value in the tree (for `normalizeValues`).
    var lowestMean = Double.infinity, highestMean = -Double.infinity

    init(simulator: Simulator, config: MonteCarloTreeSearchPlanner.Config, actionCount: Int) {
        self.simulator = simulator
        self.config = config
        self.actionCount = actionCount
    }

    typealias Node = SearchNode<Simulator.SimulationState>

    /// One simulation: select and expand, roll out, back up.
    mutating func simulate(from root: Node, generator: inout RandomGenerator) throws {
        // MARK: Tree policy
        var path = [root]
        var node = root
        while !node.terminated && path.count - 1 < config.depthLimit {
            if !node.untriedActions.isEmpty {
                let pick = generator.nextInt(below: node.untriedActions.count)
                let action = node.untriedActions.remove(at: pick)
                let step = try simulator.step(node.state, action: action, generator: &generator)
                simulatorSteps += 1
                let child = Node(state: step.state, reward: step.reward, terminated: step.terminated, actionCount: actionCount)
                node.children[action] = child
                path.append(child)
                break
            }
            node = bestChild(of: node)
            path.append(node)
        }

        // MARK: Default policy
        let leaf = path[path.count - 1]
        var value = 0.0
        if !leaf.terminated {
            var state = leaf.state
            var weight = 1.0
            for _ in 0..<config.rolloutDepth {
                let step = try simulator.step(state, action: generator.nextInt(below: actionCount), generator: &generator)
                simulatorSteps += 1
                value += weight * Double(step.reward)
                weight *= Double(config.discount)
                if step.terminated { break }
                state = step.state
            }
        }

        // MARK: Backup
        for node in path.dropFirst().reversed() {
            value = Double(node.reward) + Double(config.discount) * value
            node.visitCount += 1
            node.totalValue += value
            lowestMean = min(lowestMean, node.meanValue)
            highestMean = max(highestMean, node.meanValue)
        }
        root.visitCount += 1
    }

    /// The expanded child with the highest UCT score `Q/N + 2 C sqrt(2 ln N(parent) / N)`
    /// (ties: the lower action index). Only called when every action has been expanded.
    func bestChild(of node: Node) -> Node {
        let logParentVisits = log(Double(max(node.visitCount, 1)))
        var best: Node?
        var bestScore = -Double.infinity
        for child in node.children {
            guard let child else { continue }
            let visits = Double(max(child.visitCount, 1))
            var exploitation = child.meanValue
            if config.normalizeValues, highestMean > lowestMean {
                exploitation = (exploitation - lowestMean) / (highestMean - lowestMean)
            }
            let score = exploitation + 2 * Double(config.explorationConstant) * (2 * logParentVisits / visits).squareRoot()
            if best == nil || score > bestScore {
                best = child
                bestScore = score
            }
        }
        guard let best else { preconditionFailure("bestChild(of:) needs an expanded child") }
        return best
    }
}
