import MBRLCore
import Models

/// Model-ensemble trust-region policy optimization (ME-TRPO, Kurutach et al. 2018), as
/// thanard/me-trpo runs it (`model_based_rl.py`: `train_models`, `optimize_policy`, `is_done`).
///
/// Real data only feed the model: the loop collects them with `policy` (the mean action plus
/// thanard's uniformly scaled Gaussian action noise, `actionNoise`) and refits the ensemble of
/// deterministic networks. After every model fit (`modelDidFit`):
/// 1. start states are taken from the real buffer (`startStates`: the first observation of every
///    real episode, thanard's `env.reset()` draws; or any real observation), and `validationStarts`
///    of them are drawn once for the fit's validation rollouts;
/// 2. the Gaussian policy's standard deviation is reset (`resetStandardDeviation`), and the
///    policy's return in each member is scored: the deterministic policy (its mean) rolled
///    through that member alone for `horizon` steps from the validation starts, rewards summed
///    with `validationDiscount` (stopping at a termination) and averaged over the starts;
/// 3. TRPO updates follow, each on `imaginedStepsPerUpdate` imagined steps: `ceil(steps /
///    horizon)` trajectories of `horizon` steps from random start states, the policy sampling,
///    every row and step predicted by a uniformly random member (thanard's `sam_mode`
///    `step_rand`), scored by the known reward and termination functions (or the model's learned
///    heads); a terminated trajectory restarts from a fresh start state, and the last step
///    bootstraps from the value of its next observation; GAE(`discount`, `gaeLambda`) with the
///    learner's value network, then one `TrustRegionPolicyUpdate`;
/// 4. every `validationEvery` updates the members' returns are scored again and an
///    `EnsembleImprovementCheck` decides: when at least `improvementRatio` of the members see
///    improvement over the last accepted check, the policy (with the value network and its Adam
///    moments) is kept as the best; after `patience` checks in a row without that, or
///    `maxUpdates` updates, the updates stop and the best policy is restored.
///
/// Where this differs from thanard/me-trpo:
/// - the baseline is the TRPO learner's value network (rllab's `LinearFeatureBaseline` there);
/// - the validation start states are drawn per fit from the real buffer (thanard fixes 500
///   reset states for the whole run);
/// - data collection has no parameter-space noise (thanard `param_noise` 3.0 perturbs the
///   policy's weights by their last change), only the action noise;
/// - the model trainer keeps every member's best validation weights, but the members are not
///   re-initialised every 5 iterations (thanard `reinitialize` 5).
///
/// ```json
/// "model": {"type": "deterministic-ensemble", "ensembleSize": 5, "eliteCount": 5, "activation": "relu"},
/// "policyOptimizer": {"type": "me-trpo", "horizon": 200, "imaginedStepsPerUpdate": 4000},
/// "loop": {"explorationEpisodes": 1, "episodes": 25}
/// ```
public struct ModelEnsembleTrustRegion<LearnedPolicy: FisherVectorProductPolicy>: Sendable {
    /// The settings.
    public let config: Config
    /// The TRPO update (policy, value network, Adam moments, counts).
    public internal(set) var learner: TrustRegionPolicyUpdate<LearnedPolicy>
    /// Real steps stored.
    public internal(set) var stepsSeen = 0
    /// Model fits worked on.
    public internal(set) var fitsSeen = 0
    /// TRPO updates made over the run.
    public internal(set) var totalUpdates = 0
    /// Validation checks made over the run.
    public internal(set) var totalChecks = 0
    /// The last fit's improvement check (its `improvingFractions` log every check); not
    /// checkpointed.
    public internal(set) var lastCheck: EnsembleImprovementCheck?

    /// An optimizer around `policy`, its value network drawn from `generator`.
    ///
    /// - Throws: `MBRLError.invalidArgument` for a bad config.
    public init(config: Config, policy: LearnedPolicy, generator: inout RandomGenerator) throws {
        try config.validate()
        self.config = config
        learner = try TrustRegionPolicyUpdate(policy: policy, config: config.learner, generator: &generator)
    }

    // MARK: - Per-member validation

    /// The mean return of the deterministic policy in each member from `starts` `[V, obs]`:
    /// `[members]`, each trajectory rolled through one member for `horizon` steps.
    ///
    /// - Throws: as `ModelRollout.run(model:policy:startObservations:members:generator:)`.
    public func memberReturns(model: some EnsembleDynamicsModel, starts: Matrix, rewardFunction: (any RewardFunction)?,
                              terminationFunction: (any TerminationFunction)?, generator: inout RandomGenerator) throws -> [Double] {
        let memberCount = model.memberCount, startCount = starts.rows
        let (tiled, members) = RolloutMemberSelection.everyMember(starts, memberCount: memberCount)
        let rollout = try ModelRollout(config: ModelRolloutConfig(horizon: config.horizon, memberSelection: .fixedPerTrajectory,
                                                                  actionMode: .evaluation),
                                       rewardFunction: rewardFunction, terminationFunction: terminationFunction)
        let imagined = try rollout.run(model: model, policy: learner.policy,
                                       startObservations: tiled,
                                       members: members, generator: &generator)
        var discounts = [Double](repeating: 1, count: config.horizon)
        for step in 1..<max(config.horizon, 1) { discounts[step] = discounts[step - 1] * Double(config.validationDiscount) }
        var totals = [Double](repeating: 0, count: memberCount)
        for row in 0..<imagined.count {
            totals[members[imagined.startRows[row]]] += discounts[imagined.steps[row]] * Double(imagined.rewards[row])
        }
        return totals.map { $0 / Double(max(startCount, 1)) }
    }

    // MARK: - Imagined trajectories

    /// One TRPO batch of imagined steps: `ceil(imaginedStepsPerUpdate / horizon)` trajectories
    /// stepped together for `horizon` steps, each step of each row predicted by a random member.
    /// Returns the batch and the mean return per imagined episode.
    ///
    /// - Throws: `MBRLError.incompatible` when neither a function nor a model head gives rewards
    ///   or terminations, `MBRLError.shapeMismatch` for sizes that do not fit.
    public func imaginedBatch(model: some EnsembleDynamicsModel, starts: Matrix, rewardFunction: (any RewardFunction)?,
                              terminationFunction: (any TerminationFunction)?,
                              generator: inout RandomGenerator) throws -> (batch: TrajectoryBatch, meanReturn: Double) {
        let horizon = config.horizon
        let rows = max(1, (config.imaginedStepsPerUpdate + horizon - 1) / horizon)
        let observationSize = starts.columns, memberCount = model.memberCount
        var state = starts.gatherRows((0..<rows).map { _ in generator.nextInt(below: starts.rows) })
        var buffer = TrajectoryBuffer(observationSize: observationSize, actionSize: learner.policy.sampleSize, environmentCount: rows)
        var episodeStarts = [Bool](repeating: true, count: rows)
        var rewardTotal = 0.0, episodes = rows
        for step in 0..<horizon {
            let draw = try learner.policy.sample(for: state, generator: &generator)
            let values = try learner.values(for: state)
            let members = (0..<rows).map { _ in generator.nextInt(below: memberCount) }
            let prediction = try model.predict(observations: state, actions: draw.actions, members: members, generator: &generator)
            let next = prediction.nextObservations
            let rewards = try rewardFunction?.rewards(observations: state, actions: draw.actions, nextObservations: next)
                ?? Self.required(prediction.rewards, "rewards")
            let terminated = try terminationFunction?.terminations(observations: state, actions: draw.actions, nextObservations: next)
                ?? Self.required(prediction.terminations, "terminations")
            guard rewards.count == rows, terminated.count == rows, next.rows == rows, next.columns == observationSize else {
                throw MBRLError.shapeMismatch(
                    "imagined step \(step) gave \(next.rows) x \(next.columns) next observations, \(rewards.count) rewards and \(terminated.count) terminations for \(rows) x \(observationSize) states")
            }
            let last = step == horizon - 1
            do {
                try buffer.append(observations: state, actions: draw.samples, rewards: rewards, logProbabilities: draw.logDensities,
                                  values: values, terminated: terminated, truncated: Array(repeating: last, count: rows),
                                  episodeStarts: episodeStarts, finalObservationValues: last ? try learner.values(for: next) : nil)
            } catch MBRLError.nonFinite {
                // The model diverged: a batch of NaN advantages, which the learner refuses and counts.
                let unknown = [Float](repeating: .nan, count: rows)
                return (TrajectoryBatch(observations: state, actions: draw.samples, logProbabilities: draw.logDensities,
                                        values: values, advantages: unknown, returns: unknown), .nan)
            }
            rewardTotal += rewards.reduce(0.0) { $0 + Double($1) }
            // A terminated trajectory restarts from a fresh start state (rllab's vectorised reset).
            var nextValues = next.values
            for row in 0..<rows where terminated[row] && !last {
                let start = generator.nextInt(below: starts.rows)
                for column in 0..<observationSize {
                    nextValues[row * observationSize + column] = starts[start, column]
                }
                episodes += 1
            }
            state = Matrix(rows: rows, columns: observationSize, values: nextValues)
            episodeStarts = terminated
        }
        try buffer.computeReturnsAndAdvantages(lastValues: try learner.values(for: state), discount: config.discount,
                                               gaeLambda: config.gaeLambda)
        return (buffer.batch(Array(0..<buffer.count)), rewardTotal / Double(episodes))
    }

    static func required<Value>(_ value: Value?, _ name: String) throws -> Value {
        guard let value else {
            throw MBRLError.incompatible("me-trpo: the model did not predict \(name) and the environment has no \(name) function")
        }
        return value
    }

    // MARK: - One model fit

    /// Resets the Gaussian policy's log standard deviations to `policy.logStandardDeviationInit`.
    mutating func resetStandardDeviation() {
        guard config.resetStandardDeviation, var gaussian = learner.policy as? DiagonalGaussianMLPPolicy else { return }
        gaussian.logStandardDeviation = Matrix(rows: 1, columns: gaussian.actionSize, repeating: config.policy.logStandardDeviationInit)
        if let reset = gaussian as? LearnedPolicy { learner.policy = reset }
    }

    /// ME-TRPO's policy optimization after a model fit (see the type's description); returns the
    /// fit's metrics.
    mutating func optimizeAfterFit(context: PolicyOptimizerContext, generator: inout RandomGenerator) throws -> [String: Double] {
        guard let ensemble = context.model as? any EnsembleDynamicsModel, ensemble.memberCount >= 2 else {
            throw MBRLError.incompatible(
                "me-trpo scores the policy in every ensemble member; the recipe needs an ensemble of at least 2 members under \"model\" (for example \"deterministic-ensemble\" with ensembleSize 5)")
        }
        return try optimize(model: ensemble, context: context, generator: &generator)
    }

    mutating func optimize(model: some EnsembleDynamicsModel, context: PolicyOptimizerContext,
                           generator: inout RandomGenerator) throws -> [String: Double] {
        fitsSeen += 1
        let starts = try config.startStates.observations(in: context.buffer, optimizer: name)
        let validationStarts = starts.gatherRows((0..<config.validationStarts).map { _ in generator.nextInt(below: starts.rows) })
        resetStandardDeviation()
        let initialReturns = try memberReturns(model: model, starts: validationStarts, rewardFunction: context.rewardFunction,
                                               terminationFunction: context.terminationFunction, generator: &generator)
        var check = try EnsembleImprovementCheck(initialReturns: initialReturns, improvementRatio: Double(config.improvementRatio),
                                                 patience: config.patience)
        var best = learner
        var bestUpdate = 0, updates = 0
        var lastMetrics: TrustRegionPolicyUpdateMetrics?
        var imaginedReturn = 0.0
        while updates < config.maxUpdates {
            let (batch, meanReturn) = try imaginedBatch(model: model, starts: starts, rewardFunction: context.rewardFunction,
                                                        terminationFunction: context.terminationFunction, generator: &generator)
            lastMetrics = try learner.update(on: batch, generator: &generator)
            imaginedReturn = meanReturn
            updates += 1
            totalUpdates += 1
            guard updates % config.validationEvery == 0 else { continue }
            let returns = try memberReturns(model: model, starts: validationStarts, rewardFunction: context.rewardFunction,
                                            terminationFunction: context.terminationFunction, generator: &generator)
            let verdict = try check.record(returns)
            totalChecks += 1
            if verdict.accepted {
                best = learner
                bestUpdate = updates
            }
            if verdict.shouldStop { break }
        }
        // Restore the best policy and value network; the counts go on.
        learner.policy = best.policy
        learner.valueFunction = best.valueFunction
        learner.valueOptimizer = best.valueOptimizer
        lastCheck = check

        var metrics = lastMetrics?.dictionary ?? [:]
        metrics["lineSearchFailures"] = Double(learner.lineSearchFailures)
        metrics["nonFiniteSteps"] = Double(learner.nonFiniteSteps)
        let fractions = check.improvingFractions
        metrics["trpoUpdates"] = Double(updates)
        metrics["trpoUpdatesTotal"] = Double(totalUpdates)
        metrics["restoredUpdate"] = Double(bestUpdate)
        metrics["validationChecks"] = Double(check.checks)
        metrics["acceptedChecks"] = Double(check.acceptedChecks)
        if !fractions.isEmpty {
            metrics["improvingMemberFraction"] = fractions.reduce(0, +) / Double(fractions.count)
            metrics["improvingMemberFractionLast"] = fractions[fractions.count - 1]
            metrics["improvingMemberFractionMin"] = fractions.min() ?? 0
        }
        metrics["imaginedReturn"] = imaginedReturn
        metrics["validationReturnInitial"] = initialReturns.reduce(0, +) / Double(initialReturns.count)
        metrics["validationReturn"] = check.referenceReturns.reduce(0, +) / Double(check.referenceReturns.count)
        metrics["startStates"] = Double(starts.rows)
        return metrics
    }
}
