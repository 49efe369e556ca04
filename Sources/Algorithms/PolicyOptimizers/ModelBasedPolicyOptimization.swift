import Foundation
import MBRLCore
import Models

/// Model-based policy optimization (MBPO, Janner et al. 2019): soft actor-critic trained mostly
/// on short model rollouts branched from real states.
///
/// After every model fit the optimizer draws `rolloutsPerStep x stepsBetweenModelFits` start
/// states uniformly from the real buffer, rolls the current actor (sampling) through the model for
/// the schedule's length (each row and step predicted by a random elite, sampling its Gaussian;
/// rows that terminate are not continued) and appends every imagined transition to its
/// model-data pool. The pool is a ring that keeps the rollouts of the last `retainEpochs` epochs
/// across refits (it is never emptied at a refit) and grows, keeping its rows, when the rollout
/// length grows. Every real step after exploration then makes `sacUpdatesPerStep` SAC updates on
/// batches holding `realRatio` real rows and the rest pool rows.
///
/// Where this differs from the references:
/// - `realRatio` defaults to jannerm/mbpo's 0.05; mbrl-lib's `mbpo.py` trains SAC on model data
///   only (`"realRatio": 0`).
/// - SAC is Stable-Baselines3's (one learning rate for actor, critics and temperature, target
///   entropy `-|A|`), not pranz24's (mbrl-lib); its keys can be set as in `"sac"`.
/// - Rewards of imagined steps come from the environment's known reward function unless the
///   recipe says `"planning": {"reward": "learned"}` (mbrl-lib learns them); terminations come
///   from the known termination function, or the model's termination head where there is none.
/// - The first data is collected by the loop's exploration phase: `"acting": {"exploration":
///   "policy"}` collects it with the untrained stochastic actor, as mbrl-lib does.
///
/// ```json
/// "model": {"type": "gaussian-ensemble", "ensembleSize": 7, "eliteCount": 5, "hiddenSizes": [200, 200, 200, 200]},
/// "policyOptimizer": {"type": "mbpo", "rolloutsPerStep": 400, "rolloutSchedule": [1, 15, 1, 1], "sacUpdatesPerStep": 20},
/// "loop": {"explorationSteps": 1000, "trainEvery": 250, "episodes": 20}
/// ```
public struct ModelBasedPolicyOptimization: Sendable {
    /// The settings.
    public let config: Config
    /// The SAC update (actor, critics, target critics, temperature, their Adam moments).
    public internal(set) var learner: SoftActorCriticUpdate<SquashedGaussianMLPPolicy>
    /// Imagined transitions of the recent epochs.
    public internal(set) var modelPool: ReplayBuffer
    /// Real steps seen after the exploration phase (the schedule's clock).
    public internal(set) var trainingStepsSeen = 0
    /// Training steps seen at the last model rollout.
    public internal(set) var stepsAtLastRollout = 0
    /// Start states of the last model rollout (0 before the first).
    public internal(set) var lastRolloutStartCount = 0
    /// SAC updates made.
    public internal(set) var updatesMade = 0
    let sampler: MixedReplaySampler

    /// An optimizer for the given spaces, its networks drawn from `generator`.
    ///
    /// - Throws: `MBRLError.incompatible` for a discrete action space, `MBRLError.invalidArgument`
    ///   for a bad setting.
    public init(config: Config, observationSpace: Space, actionSpace: Space, generator: inout RandomGenerator) throws {
        guard case .box = actionSpace else {
            throw MBRLError.incompatible("mbpo trains a SAC actor and needs continuous (Box) actions; for discrete actions use dyna-q")
        }
        try config.validate()
        self.config = config
        let actor = try SquashedGaussianMLPPolicy(config: config.actor, observationSpace: observationSpace,
                                                  actionSpace: actionSpace, generator: &generator)
        learner = try SoftActorCriticUpdate(actor: actor, config: config.learner, generator: &generator)
        sampler = try MixedReplaySampler(realRatio: config.realRatio)
        modelPool = ReplayBuffer(capacity: 1, observationSize: observationSpace.flatSize, actionSize: actionSpace.flatSize)
    }

    /// The epoch of the schedule, counted from 1.
    public var epoch: Int { trainingStepsSeen / config.epochLength + 1 }

    // MARK: - Model rollouts (after every model fit)

    /// Rolls the actor through the freshly fitted model from real start states and appends the
    /// imagined transitions to the pool; returns `rolloutLength`, `rolloutStarts`,
    /// `modelPoolSize`, `imaginedRewardMean` and `imaginedTerminationRate`.
    mutating func populateModelPool(context: PolicyOptimizerContext, generator: inout RandomGenerator) throws -> [String: Double] {
        guard let model = context.model else {
            throw MBRLError.incompatible("mbpo rolls out a model; the recipe needs one under \"model\"")
        }
        let length = config.rolloutSchedule.length(atEpoch: epoch)
        let interval = context.stepsBetweenModelFits > 0
            ? context.stepsBetweenModelFits : max(1, trainingStepsSeen - stepsAtLastRollout)
        let startCount = config.rolloutBatchSize ?? config.rolloutsPerStep * interval
        // Room for the rollouts of `retainEpochs` epochs at this length (mbrl-lib's
        // `rollout_length * rollout_batch_size * trains_per_epoch * num_epochs_to_retain`).
        let fitsPerEpoch = (config.epochLength + interval - 1) / interval
        let capacity = max(1, length * startCount * fitsPerEpoch * config.retainEpochs)
        if capacity != modelPool.capacity { modelPool = try modelPool.resized(toCapacity: capacity) }

        let rollout = try ModelRollout(
            config: ModelRolloutConfig(horizon: length, memberSelection: .randomEachStep, actionMode: .exploration),
            rewardFunction: context.rewardFunction, terminationFunction: context.terminationFunction)
        let imagined = try rollout.run(model: model, policy: learner.actor, startingFrom: context.buffer,
                                       startCount: startCount, generator: &generator)
        do {
            try modelPool.append(imagined)
        } catch let MBRLError.nonFinite(message) {
            throw MBRLError.nonFinite(
                "mbpo's model rollout after model fit \(context.modelFits) produced a non-finite transition (\(message)); the model diverged: check its training loss, or lower the rollout length")
        }
        stepsAtLastRollout = trainingStepsSeen
        lastRolloutStartCount = startCount
        let terminations = imagined.terminated.reduce(0) { $0 + ($1 ? 1 : 0) }
        let rewardSum = imagined.rewards.reduce(0.0) { $0 + Double($1) }
        return [
            "rolloutLength": Double(length),
            "rolloutStarts": Double(startCount),
            "modelPoolSize": Double(modelPool.count),
            "imaginedRewardMean": imagined.count > 0 ? rewardSum / Double(imagined.count) : 0,
            "imaginedTerminationRate": imagined.count > 0 ? Double(terminations) / Double(imagined.count) : 0,
        ]
    }

    // MARK: - SAC updates (after every real training step)

    /// `sacUpdatesPerStep` SAC updates on mixed batches once the pool holds a rollout batch;
    /// returns the last update's metrics.
    mutating func train(context: PolicyOptimizerContext, generator: inout RandomGenerator) throws -> [String: Double] {
        guard !context.isExploration else { return [:] }
        trainingStepsSeen += 1
        // mbrl-lib starts updating once the pool holds a whole rollout batch.
        guard lastRolloutStartCount > 0, modelPool.count >= min(lastRolloutStartCount, modelPool.capacity) else { return [:] }
        var metrics: SoftActorCriticMetrics?
        for _ in 0..<config.sacUpdatesPerStep {
            let batch = try sampler.sample(real: context.buffer, model: modelPool, batchSize: config.batchSize, generator: &generator)
            metrics = try learner.update(on: batch, generator: &generator)
            updatesMade += 1
        }
        var named = Dictionary(uniqueKeysWithValues: (metrics?.named ?? []).map { ($0.name, Double($0.value)) })
        named["sacUpdates"] = Double(updatesMade)
        return named
    }
}
