#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MBRLCore

/// One update of proximal policy optimization with the clipped surrogate (Schulman et al. 2017)
/// and a value network, in the order and with the formulas of Stable-Baselines3's
/// `PPO.train()` (`stable_baselines3/ppo/ppo.py`): the model-free learner of the `"ppo"` policy
/// optimizer and of `"simple"`. It takes a batch of collected steps (GAE advantages and returns
/// already computed) and knows nothing of environments or models.
///
/// For `epochs` passes over the batch in shuffled minibatches of `batchSize` rows:
/// 1. the advantages are normalised per minibatch (`normalizeAdvantages`, when it has 2 rows or more);
/// 2. `ratio = exp(log pi(a|s) - log pi_drawn(a|s))`, the policy loss
///    `-mean(min(ratio * A, clip(ratio, 1 - eps, 1 + eps) * A))`, the value loss
///    `mean((R - V(s))^2)` and the entropy loss `-mean(H(pi(.|s)))`;
/// 3. the loss `policy + valueCoefficient * value + entropyCoefficient * entropy` is
///    differentiated, the gradient of policy and value network together clipped to the global
///    norm `maxGradientNorm`, and Adam (`eps` 1e-5, one optimiser per network, which is SB3's
///    single optimiser over both since Adam works per parameter) takes one step;
/// 4. with `targetKullbackLeibler` above 0, the epochs stop once the minibatch's approximate KL
///    `mean((ratio - 1) - log ratio)` exceeds 1.5 times it (before that minibatch's step).
///
/// A minibatch whose loss or gradient is NaN or infinite changes nothing and is counted
/// (`nonFiniteSteps`).
///
/// ```swift
/// var generator = RandomGenerator(seed: 0)
/// let policy = try CategoricalMLPPolicy(config: .init(), observationSpace: observationSpace,
///                                       actionSpace: actionSpace, generator: &generator)
/// var learner = try ProximalPolicyUpdate(policy: policy, generator: &generator)
/// try buffer.computeReturnsAndAdvantages(lastValues: learner.values(for: lastObservations),
///                                        discount: 0.98, gaeLambda: 0.8)
/// let metrics = try learner.update(on: buffer.batch(Array(0..<buffer.count)), stepsSoFar: 256,
///                                  generator: &generator)
/// ```
public struct ProximalPolicyUpdate<LearnedPolicy: StochasticPolicy>: Sendable {
    /// The settings' type.
    public typealias Config = ProximalPolicyUpdateConfig

    /// The settings.
    public let config: Config
    /// The policy being learned.
    public internal(set) var policy: LearnedPolicy
    /// The state-value baseline `V(s)`.
    public internal(set) var valueFunction: StateValueNetwork
    /// The policy's optimiser (Adam, `eps` 1e-5).
    public internal(set) var policyOptimizer: Adam
    /// The value network's optimiser (Adam, `eps` 1e-5).
    public internal(set) var valueOptimizer: Adam
    /// Updates taken.
    public internal(set) var updateCount = 0
    /// Minibatches refused for NaN or infinite values.
    public internal(set) var nonFiniteSteps = 0

    /// A learner around `policy` and `valueFunction`.
    ///
    /// - Throws: `MBRLError.invalidArgument` for a bad config, `MBRLError.shapeMismatch` when
    ///   the value network's observation size differs from the policy's.
    public init(policy: LearnedPolicy, valueFunction: StateValueNetwork, config: Config = .defaults) throws {
        try config.validate()
        guard valueFunction.observationSize == policy.observationSize else {
            throw MBRLError.shapeMismatch(
                "the value network takes observations of \(valueFunction.observationSize) entries, the policy \(policy.observationSize)")
        }
        self.config = config
        self.policy = policy
        self.valueFunction = valueFunction
        // SB3's ActorCriticPolicy gives Adam eps 1e-5.
        policyOptimizer = try Adam(learningRate: config.learningRate, epsilon: 1e-5)
        valueOptimizer = try Adam(learningRate: config.learningRate, epsilon: 1e-5)
    }

    /// A learner around `policy` with a fresh value network (`config.valueFunction`) drawn from `generator`.
    ///
    /// - Throws: as `init(policy:valueFunction:config:)`.
    public init(policy: LearnedPolicy, config: Config = .defaults, generator: inout RandomGenerator) throws {
        try config.validate()
        let valueFunction = try StateValueNetwork(observationSize: policy.observationSize, config: config.valueFunction,
                                                  generator: &generator)
        try self.init(policy: policy, valueFunction: valueFunction, config: config)
    }

    /// The value estimates `V(s)` of observations `[B, obs]`, `[B]` (for GAE).
    public func values(for observations: Matrix) throws -> [Float] {
        try valueFunction(observations)
    }

    // MARK: - The update

    /// One PPO update on `batch` (see the type's documentation).
    ///
    /// - Parameters:
    ///   - batch: `B` rows with advantages and returns; `batch.actions` are the policy's samples `[B, sample]`.
    ///   - stepsSoFar: real steps collected so far, for the linear schedules (`annealSteps`).
    ///   - generator: shuffles the minibatches (and draws one-sample entropy estimates for
    ///     policies without a closed form).
    /// - Returns: the means over the minibatches of what SB3 logs under `train/`.
    /// - Throws: `MBRLError.shapeMismatch` when the batch does not fit the networks,
    ///   `MBRLError.invalidArgument` for an empty batch or one without advantages.
    public mutating func update(on batch: TrajectoryBatch, stepsSoFar: Int,
                                generator: inout RandomGenerator) throws -> ProximalPolicyUpdateMetrics {
        try validate(batch)
        updateCount += 1
        let (learningRate, clipRange) = config.scheduled(afterSteps: stepsSoFar)
        policyOptimizer.learningRate = learningRate
        valueOptimizer.learningRate = learningRate
        let rows = batch.observations.rows
        var sums = ProximalPolicyLossTerms()
        var minibatches = 0
        var stoppedEarly = false
        epochs: for _ in 0..<config.epochs {
            let order = generator.permutation(count: rows)
            for start in stride(from: 0, to: rows, by: config.batchSize) {
                let indices = Array(order[start..<min(start + config.batchSize, rows)])
                var advantages = indices.map { batch.advantages[$0] }
                if config.normalizeAdvantages && indices.count > 1 {
                    advantages = TrustRegionPolicyUpdate<CategoricalMLPPolicy>.normalizedAdvantages(advantages)
                }
                let result = try lossAndGradients(
                    observations: batch.observations.gatherRows(indices), samples: batch.actions.gatherRows(indices),
                    oldLogDensities: indices.map { batch.logProbabilities[$0] }, advantages: advantages,
                    returns: indices.map { batch.returns[$0] }, clipRange: clipRange, generator: &generator)
                if config.targetKullbackLeibler > 0 && result.terms.approximateKullbackLeibler > 1.5 * config.targetKullbackLeibler {
                    stoppedEarly = true
                    break epochs
                }
                var gradients = result.policyGradients + result.valueGradients
                guard result.terms.isFinite, GradientClipping.globalNorm(gradients).isFinite else {
                    nonFiniteSteps += 1
                    continue
                }
                if config.maxGradientNorm > 0 {
                    _ = try GradientClipping.clipByGlobalNorm(&gradients, maxNorm: config.maxGradientNorm)
                }
                let policyCount = result.policyGradients.count
                try policyOptimizer.step(&policy, gradients: Array(gradients[..<policyCount]))
                try valueOptimizer.step(&valueFunction, gradients: Array(gradients[policyCount...]))
                sums = sums + result.terms
                minibatches += 1
            }
        }
        let means = sums.averaged(over: minibatches)
        return ProximalPolicyUpdateMetrics(
            update: updateCount, terms: means, minibatches: minibatches, stoppedEarly: stoppedEarly,
            explainedVariance: TrustRegionPolicyUpdate<CategoricalMLPPolicy>.explainedVariance(values: batch.values, returns: batch.returns),
            learningRate: learningRate, clipRange: clipRange, nonFiniteSteps: nonFiniteSteps)
    }

    // MARK: - The loss (public for tests)

    /// What `lossAndGradients` computes for one minibatch.
    public struct LossResult: Sendable {
        /// The loss terms (and diagnostics) of the minibatch.
        public var terms: ProximalPolicyLossTerms
        /// `d loss / d policy parameters`, in the order of `policy.parameters`.
        public var policyGradients: [Matrix]
        /// `d loss / d value parameters`, in the order of `valueFunction.parameters`.
        public var valueGradients: [Matrix]
    }

    /// The PPO loss `policy + valueCoefficient * value + entropyCoefficient * entropy` of one
    /// minibatch and its gradients (see the type's documentation for the terms).
    ///
    /// - Parameters:
    ///   - observations: `[B, obs]`.
    ///   - samples: `[B, sample]`, the policy's samples.
    ///   - oldLogDensities: `[B]`, their log-densities when drawn.
    ///   - advantages: `[B]`, already normalised if wanted.
    ///   - returns: `[B]`, the value targets.
    ///   - clipRange: epsilon.
    /// - Throws: `MBRLError.shapeMismatch` when the shapes do not fit the networks.
    public func lossAndGradients(observations: Matrix, samples: Matrix, oldLogDensities: [Float], advantages: [Float],
                                 returns: [Float], clipRange: Float, generator: inout RandomGenerator) throws -> LossResult {
        let rows = observations.rows
        guard oldLogDensities.count == rows, advantages.count == rows, returns.count == rows, rows > 0 else {
            throw MBRLError.shapeMismatch(
                "a PPO minibatch needs one old log-density, advantage and return per observation row (\(rows)), got \(oldLogDensities.count), \(advantages.count) and \(returns.count)")
        }
        let scale = 1 / Float(rows)
        var terms = ProximalPolicyLossTerms()

        // MARK: Clipped surrogate
        let (logDensities, logDensityPullback) = try policy.logDensitiesWithPullback(of: samples, for: observations)
        var weights = [Float](repeating: 0, count: rows)
        var policyLoss = 0.0, clipped = 0.0, kullbackLeibler = 0.0
        for row in 0..<rows {
            let logRatio = Double(logDensities[row]) - Double(oldLogDensities[row])
            let ratio = exp(logRatio)
            let advantage = Double(advantages[row])
            let clippedRatio = min(max(ratio, 1 - Double(clipRange)), 1 + Double(clipRange))
            let unclippedTerm = ratio * advantage, clippedTerm = clippedRatio * advantage
            policyLoss -= min(unclippedTerm, clippedTerm)
            // d(-min(...)) / d log pi: the unclipped term's gradient unless the clipped term is
            // the smaller one and the ratio lies outside the clip range (its gradient is then 0).
            if unclippedTerm <= clippedTerm || (ratio > 1 - Double(clipRange) && ratio < 1 + Double(clipRange)) {
                weights[row] = Float(-unclippedTerm) * scale
            }
            if abs(ratio - 1) > Double(clipRange) { clipped += 1 }
            kullbackLeibler += (ratio - 1) - logRatio
        }
        terms.policyLoss = Float(policyLoss / Double(rows))
        terms.clipFraction = Float(clipped / Double(rows))
        terms.approximateKullbackLeibler = Float(kullbackLeibler / Double(rows))
        var policyGradients = try logDensityPullback(weights).parameters

        // MARK: Entropy bonus
        let (entropies, entropyPullback) = try policy.entropiesWithPullback(for: observations, generator: &generator)
        terms.entropyLoss = -Float(entropies.reduce(0.0) { $0 + Double($1) } / Double(rows))
        if config.entropyCoefficient > 0 {
            let entropyGradients = try entropyPullback([Float](repeating: -config.entropyCoefficient * scale, count: rows)).parameters
            for index in policyGradients.indices { policyGradients[index].add(entropyGradients[index]) }
        }

        // MARK: Value loss
        var (valueLoss, valueGradients) = try valueFunction.lossAndGradients(observations: observations, targets: returns)
        terms.valueLoss = valueLoss
        for index in valueGradients.indices { valueGradients[index].scale(by: config.valueCoefficient) }
        terms.loss = terms.policyLoss + config.valueCoefficient * valueLoss + config.entropyCoefficient * terms.entropyLoss
        return LossResult(terms: terms, policyGradients: policyGradients, valueGradients: valueGradients)
    }

    // MARK: - Helpers

    private func validate(_ batch: TrajectoryBatch) throws {
        let rows = batch.observations.rows
        guard rows > 0 else { throw MBRLError.invalidArgument("a PPO update needs a batch of at least one row") }
        guard batch.advantages.count == rows, batch.returns.count == rows else {
            throw MBRLError.invalidArgument(
                "the batch has \(batch.advantages.count) advantages and \(batch.returns.count) returns for \(rows) rows; compute them first (TrajectoryBuffer.computeReturnsAndAdvantages)")
        }
        guard batch.actions.rows == rows, batch.logProbabilities.count == rows, batch.values.count == rows else {
            throw MBRLError.shapeMismatch(
                "the batch's parts disagree: \(rows) observations, \(batch.actions.rows) samples, \(batch.logProbabilities.count) log-probabilities, \(batch.values.count) values")
        }
        guard batch.observations.columns == policy.observationSize, batch.actions.columns == policy.sampleSize else {
            throw MBRLError.shapeMismatch(
                "the learner takes observations [B, \(policy.observationSize)] and samples [B, \(policy.sampleSize)], got "
                    + "\(batch.observations.rows) x \(batch.observations.columns) and \(batch.actions.rows) x \(batch.actions.columns)")
        }
    }
}
