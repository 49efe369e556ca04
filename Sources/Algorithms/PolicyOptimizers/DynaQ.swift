import MBRLCore
import Models

/// Tabular Dyna-Q (Sutton & Barto, 2nd edition, section 8.2) and Dyna-Q+ (section 8.3): after
/// every real step, one Q-learning update on the real transition, a model update, then
/// `planningSteps` Q-learning updates on transitions replayed from the table model.
///
/// One step of the book's box, with `(a)`-`(c)` done by the caller (act with `policy`, step the
/// environment) and `(d)`-`(f)` by `learn`:
///
/// - (d) `Q(S, A) <- Q(S, A) + alpha [R + gamma max_a Q(S', a) - Q(S, A)]`
/// - (e) `Model(S, A) <- R, S'`
/// - (f) n times: `S` a random previously observed state, `A` a random action previously taken
///   in `S`, `R, S' <- Model(S, A)`, and the same Q update.
///
/// Dyna-Q+ is this type with `explorationBonus` kappa > 0: a planning reward becomes
/// `R + kappa * sqrt(tau)` where tau is the number of real steps since `(S, A)` was last tried.
/// With `planUntriedActions` (the book's footnote to Figure 8.5) planning also picks actions
/// never tried from a visited state, modelled as staying in `S` with reward 0 and last tried
/// at time 0. The registry's `"dyna-q-plus"` sets both; `"dyna-q"` neither.
///
/// Terminal steps bootstrap nothing (`target = R`). The optimizer keeps its own `TabularModel`;
/// the loop's model argument to `improve` is not used.
///
/// ```swift
/// var maze = DynaMaze()                                           // module Envs
/// var dyna = try DynaQ(config: .init(planningSteps: 50), environment: maze)
/// var generator = RandomGenerator(seed: 0)
/// var state = Int(try maze.reset(seed: 0)[0])
/// while true {
///     let action = dyna.policy.action(state: state, mode: .exploration, generator: &generator)
///     let step = try maze.step([Float(action)])
///     try dyna.learn(state: state, action: action, reward: Double(step.reward),
///                    nextState: Int(step.observation[0]), terminated: step.terminated, generator: &generator)
///     if step.terminated { break }
///     state = Int(step.observation[0])
/// }
/// ```
public struct DynaQ: Sendable, Codable {
    /// The settings.
    public let config: Config
    /// The epsilon-greedy policy over the learned action values.
    public private(set) var policy: TabularQPolicy
    /// The table model of the real transitions.
    public private(set) var model: TabularModel
    /// Real steps learned from so far (Dyna-Q+'s clock).
    public private(set) var realSteps = 0
    /// Q updates made so far, real and planned.
    public private(set) var updateCount = 0

    /// States an action was taken from, in the order first seen.
    private var visitedStates: [Int] = []
    /// Per state, the actions taken there, in the order first taken.
    private var triedActions: [[Int]]
    /// Per pair `state * actionCount + action`, the real step it was last tried at (0: never).
    private var lastTriedStep: [Int]

    /// A learner for a table of `stateCount` states and `actionCount` actions, all values 0.
    /// Throws `invalidArgument` when a setting is out of range.
    public init(config: Config = Config(), stateCount: Int, actionCount: Int) throws {
        try config.validate()
        try DynaConfigCheck.require(stateCount > 0 && actionCount > 0,
                                    "Dyna-Q needs at least one state and one action, got \(stateCount) and \(actionCount)")
        self.config = config
        policy = TabularQPolicy(qFunction: TabularQFunction(stateCount: stateCount, actionCount: actionCount), epsilon: config.epsilon)
        model = TabularModel(stateCount: stateCount, actionCount: actionCount, mode: config.model)
        triedActions = Array(repeating: [], count: stateCount)
        lastTriedStep = Array(repeating: 0, count: stateCount * actionCount)
    }

    /// A learner sized for `environment`, whose observation and action spaces must both be
    /// discrete (`incompatible` otherwise).
    public init(config: Config = Config(), environment: some Environment) throws {
        let (states, actions) = try TabularQSpaces.counts(observationSpace: environment.observationSpace,
                                                         actionSpace: environment.actionSpace, learner: "Dyna-Q")
        try self.init(config: config, stateCount: states, actionCount: actions)
    }

    /// The action values learned so far.
    public var qFunction: TabularQFunction { policy.qFunction }

    // MARK: - One real step

    /// Learns from the real transition `(state, action, reward, nextState)`: the direct Q
    /// update, the model update, then `planningSteps` planning updates. Returns the direct
    /// update's error `target - Q(S, A)`. Throws `invalidArgument` (changing nothing) when an
    /// index is out of range or the reward is not finite.
    @discardableResult
    public mutating func learn(state: Int, action: Int, reward: Double, nextState: Int, terminated: Bool,
                               generator: inout RandomGenerator) throws -> Double {
        try TabularQSpaces.check(state: state, action: action, nextState: nextState, reward: reward,
                                stateCount: qFunction.stateCount, actionCount: qFunction.actionCount)

        // (d) Direct reinforcement learning: one-step Q-learning on the real transition.
        let target = policy.qFunction.target(reward: reward, nextState: nextState, terminated: terminated, discount: config.discount)
        let error = policy.qFunction.update(state: state, action: action, target: target, stepSize: config.stepSize)
        updateCount += 1

        // (e) Model learning.
        realSteps += 1
        try model.update(state: state, action: action, reward: Float(reward), nextState: nextState, terminated: terminated)
        if triedActions[state].isEmpty { visitedStates.append(state) }
        if !triedActions[state].contains(action) { triedActions[state].append(action) }
        lastTriedStep[state * qFunction.actionCount + action] = realSteps

        // (f) Planning: n Q-learning updates on simulated transitions.
        for _ in 0..<config.planningSteps { plan(generator: &generator) }
        return error
    }

    // MARK: - Planning

    /// One planning update on a pair drawn as `config.planningSampling` says.
    private mutating func plan(generator: inout RandomGenerator) {
        guard let (state, action) = samplePlanningPair(generator: &generator) else { return }
        let outcome = model.outcome(state: state, action: action, generator: &generator)
            ?? TabularModel.Outcome(nextState: state, reward: 0, terminated: false)   // untried (Dyna-Q+'s footnote)
        var reward = Double(outcome.reward)
        if config.explorationBonus > 0 {
            let elapsed = realSteps - lastTriedStep[state * qFunction.actionCount + action]
            reward += config.explorationBonus * Double(elapsed).squareRoot()
        }
        let target = policy.qFunction.target(reward: reward, nextState: outcome.nextState,
                                             terminated: outcome.terminated, discount: config.discount)
        policy.qFunction.update(state: state, action: action, target: target, stepSize: config.stepSize)
        updateCount += 1
    }

    /// The pair a planning step updates, or `nil` before any real step.
    private func samplePlanningPair(generator: inout RandomGenerator) -> (state: Int, action: Int)? {
        guard !visitedStates.isEmpty else { return nil }
        if config.planUntriedActions {
            // Every action of a visited state; uniform over those pairs under either sampling.
            let state = visitedStates[generator.nextInt(below: visitedStates.count)]
            return (state, generator.nextInt(below: qFunction.actionCount))
        }
        switch config.planningSampling {
        case .stateThenAction:
            let state = visitedStates[generator.nextInt(below: visitedStates.count)]
            let actions = triedActions[state]
            return (state, actions[generator.nextInt(below: actions.count)])
        case .pair:
            return model.samplePreviouslyObservedPair(generator: &generator)
        }
    }
}
