import MBRLCore

/// Deep Q-networks (Mnih et al. 2015, with double-DQN targets) as a policy optimizer, on
/// Stable-Baselines3's schedule: after every stored real step epsilon follows its linear
/// schedule, the target network is updated every `targetUpdateInterval` steps, and once more
/// than `learningStarts` steps are stored, every `trainFrequency` steps make `gradientSteps`
/// DQN updates on minibatches of the run's real replay buffer (`"loop": {"bufferCapacity"}` is
/// SB3's `buffer_size`). With no model in the recipe this is model-free DQN, the baseline of
/// `"dyna"`, which runs this same schedule on mixed real and imagined batches.
///
/// SB3 acts uniformly at random for its first `learning_starts` steps; in a recipe that is the
/// loop's exploration phase (`"loop": {"explorationSteps": 1000}` with the default random
/// exploration agent). Afterwards the policy acts epsilon-greedily in training episodes and
/// greedily in evaluation episodes.
///
/// ```json
/// "policyOptimizer": {"type": "dqn", "learningRate": 2.3e-3, "batchSize": 64, "learningStarts": 1000,
///                     "trainFrequency": 256, "gradientSteps": 128, "targetUpdateInterval": 10,
///                     "explorationDecaySteps": 8000, "explorationFinalEpsilon": 0.04,
///                     "qNetwork": {"hiddenSizes": [256, 256]}},
/// "loop": {"explorationEpisodes": 0, "explorationSteps": 1000, "episodes": 100000, "maxSteps": 50000,
///          "bufferCapacity": 100000}
/// ```
public struct DeepQNetwork: Sendable {
    /// The settings.
    public let config: Config
    /// The gradient step (Q-network, target network, Adam moments).
    public internal(set) var learner: DeepQNetworkUpdate
    /// Real steps seen (exploration included: the schedule's clock, SB3's `num_timesteps`).
    public internal(set) var stepsSeen = 0
    let schedule: LinearEpsilonSchedule

    /// A learner for the given spaces, its Q-network drawn from `generator`.
    ///
    /// - Throws: `MBRLError.incompatible` for a `Box` action space, `MBRLError.invalidArgument`
    ///   for a bad setting.
    public init(config: Config, observationSpace: Space, actionSpace: Space, generator: inout RandomGenerator) throws {
        guard actionSpace.discrete != nil else {
            throw MBRLError.incompatible(
                "a DQN learner needs a discrete action space (one Q-value per action); this environment's actions are a Box of \(actionSpace.flatSize) entries: use \"sac\" (model-free) or \"mbpo\" (with a model) for continuous actions")
        }
        try config.validate()
        self.config = config
        schedule = try LinearEpsilonSchedule(initial: config.explorationInitialEpsilon, final: config.explorationFinalEpsilon,
                                             decaySteps: config.explorationDecaySteps)
        let policy = try EpsilonGreedyQPolicy(config: config.learner.qNetwork, observationSpace: observationSpace,
                                              actionSpace: actionSpace, epsilon: schedule.epsilon(atStep: 0), generator: &generator)
        learner = try DeepQNetworkUpdate(policy: policy, config: config.learner)
    }

    // MARK: - The schedule (after every stored real step)

    /// Counts a real step, sets epsilon for the next action and updates the target network on
    /// its cadence (SB3's `_on_step`); returns whether a training round is due.
    mutating func advance() throws -> Bool {
        stepsSeen += 1
        learner.policy.epsilon = schedule.epsilon(atStep: stepsSeen)
        if stepsSeen % config.targetUpdateInterval == 0 { try learner.updateTargetNetwork() }
        // SB3 trains once more than `learning_starts` steps are collected, every `train_freq` steps.
        return stepsSeen > config.learningStarts && stepsSeen % config.trainFrequency == 0
    }

    /// `gradientSteps` DQN updates on batches from `sample`; returns the last update's metrics
    /// with the count `dqnUpdates`.
    mutating func trainRound(generator: inout RandomGenerator,
                             sample: (inout RandomGenerator) throws -> TransitionBatch) throws -> [String: Double] {
        var metrics: DeepQNetworkMetrics?
        for _ in 0..<config.gradientSteps {
            metrics = try learner.update(on: try sample(&generator))
        }
        var named = Dictionary(uniqueKeysWithValues: (metrics?.named ?? []).map { ($0.name, Double($0.value)) })
        named["dqnUpdates"] = Double(learner.stepCount)
        return named
    }

    /// One step of the schedule with batches from the real buffer; returns the metrics and
    /// `epsilon`.
    mutating func train(on buffer: ReplayBuffer, generator: inout RandomGenerator) throws -> [String: Double] {
        var metrics: [String: Double] = [:]
        if try advance(), !buffer.isEmpty {
            let batchSize = config.batchSize
            metrics = try trainRound(generator: &generator) { generator in
                buffer.sample(batchSize: batchSize, generator: &generator)
            }
        }
        metrics["epsilon"] = Double(learner.policy.epsilon)
        return metrics
    }
}
