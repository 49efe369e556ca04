import MBRLCore
import Models

/// Prioritized sweeping for a deterministic environment (Sutton & Barto, 2nd edition, section
/// 8.4 box): instead of replaying uniformly random pairs like Dyna-Q, planning updates the pairs
/// whose values would change most, working backwards from changes through the model's
/// predecessors.
///
/// One step of the box, with `(a)`-`(c)` done by the caller (act with `policy`, step the
/// environment) and `(d)`-`(g)` by `learn`:
///
/// - (d) `Model(S, A) <- R, S'`
/// - (e) `P <- |R + gamma max_a Q(S', a) - Q(S, A)|`
/// - (f) if `P > theta`, insert `(S, A)` into the queue with priority `P`
/// - (g) up to n times while the queue is not empty: take its first pair `(S, A)`,
///   `R, S' <- Model(S, A)`, apply the Q-learning update, then for every pair `(S-, A-)` the
///   model predicts to lead to `S`: `P <- |R- + gamma max_a Q(S, a) - Q(S-, A-)|`, inserted
///   when `P > theta`.
///
/// The real transition itself updates `Q` only through the queue, as in the box. Inserting a
/// pair already queued keeps the higher priority (`PrioritizedSweepingQueue`).
///
/// ```swift
/// var sweeping = try PrioritizedSweeping(config: .init(planningSteps: 5), environment: DynaMaze())   // module Envs
/// var generator = RandomGenerator(seed: 0)
/// try sweeping.learn(state: 7, action: 3, reward: 1, nextState: 8, terminated: true, generator: &generator)
/// sweeping.updateCount      // 1: the queued pair was updated
/// ```
public struct PrioritizedSweeping: Sendable, Codable {
    /// The settings.
    public let config: Config
    /// The epsilon-greedy policy over the learned action values.
    public private(set) var policy: TabularQPolicy
    /// The (last-seen, deterministic) table model of the real transitions.
    public private(set) var model: TabularModel
    /// The pairs waiting for an update.
    public private(set) var queue = PrioritizedSweepingQueue()
    /// Real steps learned from so far.
    public private(set) var realSteps = 0
    /// Q updates made so far (all of them planning updates from the queue).
    public private(set) var updateCount = 0

    /// A learner for a table of `stateCount` states and `actionCount` actions, all values 0.
    /// Throws `invalidArgument` when a setting is out of range.
    public init(config: Config = Config(), stateCount: Int, actionCount: Int) throws {
        try config.validate()
        try DynaConfigCheck.require(stateCount > 0 && actionCount > 0,
                                    "prioritized sweeping needs at least one state and one action, got \(stateCount) and \(actionCount)")
        self.config = config
        policy = TabularQPolicy(qFunction: TabularQFunction(stateCount: stateCount, actionCount: actionCount), epsilon: config.epsilon)
        model = TabularModel(stateCount: stateCount, actionCount: actionCount, mode: .lastSeen)
    }

    /// A learner sized for `environment`, whose observation and action spaces must both be
    /// discrete (`incompatible` otherwise).
    public init(config: Config = Config(), environment: some Environment) throws {
        let (states, actions) = try TabularQSpaces.counts(observationSpace: environment.observationSpace,
                                                          actionSpace: environment.actionSpace, learner: "prioritized sweeping")
        try self.init(config: config, stateCount: states, actionCount: actions)
    }

    /// The action values learned so far.
    public var qFunction: TabularQFunction { policy.qFunction }

    // MARK: - One real step

    /// Learns from the real transition `(state, action, reward, nextState)`: the model update,
    /// its priority, then up to `planningSteps` updates from the queue. Returns the real
    /// transition's priority `P`. Throws `invalidArgument` (changing nothing) when an index is
    /// out of range or the reward is not finite.
    @discardableResult
    public mutating func learn(state: Int, action: Int, reward: Double, nextState: Int, terminated: Bool,
                               generator: inout RandomGenerator) throws -> Double {
        try TabularQSpaces.check(state: state, action: action, nextState: nextState, reward: reward,
                                 stateCount: qFunction.stateCount, actionCount: qFunction.actionCount)
        let actionCount = qFunction.actionCount

        // (d) Model learning.
        realSteps += 1
        try model.update(state: state, action: action, reward: Float(reward), nextState: nextState, terminated: terminated)

        // (e), (f) The real transition's priority.
        let priority = abs(qFunction.target(reward: reward, nextState: nextState, terminated: terminated, discount: config.discount)
            - qFunction[state, action])
        if priority > config.priorityThreshold { queue.insert(pair: state * actionCount + action, priority: priority) }

        // (g) Planning: the most urgent pairs first, then their predecessors.
        var planned = 0
        while planned < config.planningSteps, let (pair, _) = queue.popFirst() {
            sweep(state: pair / actionCount, action: pair % actionCount, generator: &generator)
            planned += 1
        }
        return priority
    }

    // MARK: - Planning

    /// Updates `(state, action)` from the model and queues the predecessors of `state` whose
    /// priority exceeds the threshold.
    private mutating func sweep(state: Int, action: Int, generator: inout RandomGenerator) {
        guard let outcome = model.outcome(state: state, action: action, generator: &generator) else { return }
        let target = qFunction.target(reward: Double(outcome.reward), nextState: outcome.nextState,
                                      terminated: outcome.terminated, discount: config.discount)
        policy.qFunction.update(state: state, action: action, target: target, stepSize: config.stepSize)
        updateCount += 1

        for (predecessor, predecessorAction) in model.predecessors(of: state) {
            // The model remembers every pair ever seen leading here; only those whose current
            // (last-seen) outcome still does are predecessors.
            guard let predicted = model.outcome(state: predecessor, action: predecessorAction, generator: &generator),
                  predicted.nextState == state else { continue }
            let predecessorTarget = qFunction.target(reward: Double(predicted.reward), nextState: state,
                                                     terminated: predicted.terminated, discount: config.discount)
            let priority = abs(predecessorTarget - qFunction[predecessor, predecessorAction])
            if priority > config.priorityThreshold {
                queue.insert(pair: predecessor * qFunction.actionCount + predecessorAction, priority: priority)
            }
        }
    }
}
