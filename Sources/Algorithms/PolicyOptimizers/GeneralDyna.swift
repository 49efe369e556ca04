import MBRLCore
import Models

/// General Dyna with a neural Q-learner (Sutton & Barto's Dyna architecture with a function
/// approximator, the lecture notes' Algorithm 29): DQN whose minibatches mix real transitions
/// with transitions simulated by the learned model from real states.
///
/// It runs `"dqn"`'s schedule (epsilon, target updates, `gradientSteps` updates every
/// `trainFrequency` real steps after `learningStarts`). Before each training round, once the
/// model has been fitted, it draws `rolloutStarts` states uniformly from the real buffer,
/// chooses their actions (`actionSource`: the buffer's own action, the current epsilon-greedy
/// policy, or uniformly at random), steps the model `rolloutLength` times (an ensemble predicts
/// each row with a random member at each step; rows that terminate stop; later steps act with
/// the policy, or uniformly for `"uniform"`) and appends the simulated transitions to a
/// model-data pool of `modelPoolCapacity` rows. The round's batches then hold `realRatio` real
/// rows and the rest pool rows (`MixedReplaySampler`, as MBPO). Rewards and terminations of
/// simulated steps come from the environment's known functions or the model's heads.
///
/// ```json
/// "model": {"type": "deterministic-ensemble", "ensembleSize": 5, "hiddenSizes": [200, 200, 200]},
/// "policyOptimizer": {"type": "dyna", "rolloutStarts": 4096, "rolloutLength": 1, "actionSource": "uniform",
///                     "realRatio": 0.5, "trainFrequency": 50, "gradientSteps": 100},
/// "loop": {"explorationEpisodes": 0, "explorationSteps": 500, "trainEvery": 250}
/// ```
public struct GeneralDyna: Sendable {
    /// The settings.
    public let config: Config
    /// The DQN learner and its schedule.
    public internal(set) var learner: DeepQNetwork
    /// Simulated transitions of recent rounds.
    public internal(set) var modelPool: ReplayBuffer
    /// Simulated transitions made so far.
    public internal(set) var simulatedSteps = 0
    let sampler: MixedReplaySampler
    let actionSpace: Space

    /// An optimizer for the given spaces, its Q-network drawn from `generator`.
    ///
    /// - Throws: `MBRLError.incompatible` for a `Box` action space, `MBRLError.invalidArgument`
    ///   for a bad setting.
    public init(config: Config, observationSpace: Space, actionSpace: Space, generator: inout RandomGenerator) throws {
        guard actionSpace.discrete != nil else {
            throw MBRLError.incompatible(
                "dyna trains a DQN learner and needs a discrete action space (one Q-value per action); this environment's actions are a Box of \(actionSpace.flatSize) entries: use \"mbpo\" for continuous actions")
        }
        try config.validate()
        self.config = config
        learner = try DeepQNetwork(config: config.learner, observationSpace: observationSpace, actionSpace: actionSpace,
                                   generator: &generator)
        sampler = try MixedReplaySampler(realRatio: config.realRatio)
        modelPool = ReplayBuffer(capacity: config.modelPoolCapacity, observationSize: observationSpace.flatSize,
                                 actionSize: actionSpace.flatSize)
        self.actionSpace = actionSpace
    }

    // MARK: - Simulated experience (before every training round)

    /// Steps the model from real states and appends the simulated transitions to the pool;
    /// returns `simulatedTransitions`, `modelPoolSize` and `simulatedTerminationRate`.
    mutating func simulate(context: PolicyOptimizerContext, generator: inout RandomGenerator) throws -> [String: Double] {
        guard let model = context.model else {
            throw MBRLError.incompatible("dyna simulates transitions with a model; the recipe needs one under \"model\"")
        }
        let policy = learner.policy
        let scoring = (reward: context.rewardFunction, termination: context.terminationFunction)
        func rollout(_ horizon: Int) throws -> ModelRollout {
            try ModelRollout(config: ModelRolloutConfig(horizon: horizon, memberSelection: .randomEachStep, actionMode: .exploration),
                             rewardFunction: scoring.reward, terminationFunction: scoring.termination)
        }
        var simulated: [ImaginedTransitions] = []
        switch config.actionSource {
        case .policy:
            simulated.append(try rollout(config.rolloutLength).run(
                model: model, policy: policy, startingFrom: context.buffer, startCount: config.rolloutStarts, generator: &generator))
        case .uniform:
            simulated.append(try rollout(config.rolloutLength).run(
                model: model, policy: RandomPolicy(actionSpace: actionSpace), startingFrom: context.buffer,
                startCount: config.rolloutStarts, generator: &generator))
        case .buffer:
            let starts = context.buffer.sample(batchSize: config.rolloutStarts, generator: &generator)
            let first = try rollout(1).run(model: model, policy: GivenActionsPolicy(actions: starts.actions),
                                           startObservations: starts.observations, generator: &generator)
            simulated.append(first)
            let live = first.terminated.indices.filter { !first.terminated[$0] }
            if config.rolloutLength > 1, !live.isEmpty {
                simulated.append(try rollout(config.rolloutLength - 1).run(
                    model: model, policy: policy, startObservations: first.nextObservations.gatherRows(live), generator: &generator))
            }
        }
        var count = 0, terminations = 0
        for piece in simulated {
            do {
                try modelPool.append(piece)
            } catch let MBRLError.nonFinite(message) {
                throw MBRLError.nonFinite(
                    "dyna's model produced a non-finite transition after model fit \(context.modelFits) (\(message)); the model diverged: check its training loss, or lower rolloutLength")
            }
            count += piece.rewards.count
            terminations += piece.terminated.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        simulatedSteps += count
        return ["simulatedTransitions": Double(simulatedSteps), "modelPoolSize": Double(modelPool.count),
                "simulatedTerminationRate": count > 0 ? Double(terminations) / Double(count) : 0]
    }

    // MARK: - Learning (after every real step)

    /// One step of DQN's schedule; a training round first simulates, then trains on mixed
    /// batches (real rows only while the model is not yet fitted).
    mutating func train(context: PolicyOptimizerContext, generator: inout RandomGenerator) throws -> [String: Double] {
        var metrics: [String: Double] = [:]
        if try learner.advance(), !context.buffer.isEmpty {
            if context.modelFits > 0 {
                metrics = try simulate(context: context, generator: &generator)
            }
            let pool = modelPool, sampler = sampler, batchSize = config.learner.batchSize
            let mixes = !pool.isEmpty
            let round = try learner.trainRound(generator: &generator) { generator in
                mixes ? try sampler.sample(real: context.buffer, model: pool, batchSize: batchSize, generator: &generator)
                    : context.buffer.sample(batchSize: batchSize, generator: &generator)
            }
            metrics.merge(round) { _, new in new }
        }
        metrics["epsilon"] = Double(learner.policy.epsilon)
        return metrics
    }
}

/// Acts with fixed actions, one row per observation row (the buffer's own actions for the first
/// simulated step of `"actionSource": "buffer"`).
struct GivenActionsPolicy: Policy, Sendable {
    let actions: Matrix

    func actions(for observations: Matrix, mode: ActionMode, generator: inout RandomGenerator) throws -> Matrix {
        guard observations.rows == actions.rows else {
            throw MBRLError.shapeMismatch("\(actions.rows) given actions for \(observations.rows) observation rows")
        }
        return actions
    }
}
