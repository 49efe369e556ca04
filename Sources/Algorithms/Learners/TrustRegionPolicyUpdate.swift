#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MBRLCore

/// One update of trust region policy optimization (Schulman et al. 2015) with a value-network
/// baseline for generalised advantage estimation (Schulman et al. 2016), in the order and with
/// the formulas of sb3-contrib's `TRPO.train()` (`sb3_contrib/trpo/trpo.py`): the model-free
/// learner of the `"trpo"` policy optimizer and of ME-TRPO. It takes a batch of collected steps
/// and knows nothing of environments or models.
///
/// From a `TrajectoryBatch` of `B` rows (observations `s`, the policy's samples `a` as
/// `PolicySample.samples` stored them, their log-densities when drawn, the value estimates `V(s)`
/// of the collection, GAE advantages `A` and returns `R`), `update(on:generator:)`:
/// 1. normalises the advantages, `A <- (A - mean A) / (std A + 1e-8)` (`normalizeAdvantages`);
/// 2. takes the old distributions `pi_old(.|s)` from the policy before the step, the surrogate
///    `L(theta) = mean(exp(log pi_theta(a|s) - log pi_drawn(a|s)) * A)` and its gradient `g`;
/// 3. solves `(F + damping I) x = g` by conjugate gradient with exact Fisher-vector products
///    (`conjugateGradientIterations`, `conjugateGradientDamping`);
/// 4. scales `x` to the trust region's edge, `sqrt(2 delta / x^T (F + damping I) x) * x`, and
///    backtracks (factor `lineSearchShrinkFactor`, `lineSearchSteps` tries) until the mean
///    `KL(pi_old || pi_new)` is at most `targetKullbackLeibler` and the surrogate improves; when
///    no try is accepted, or a value is NaN or infinite, the policy keeps its parameters and the
///    update is counted (`lineSearchFailures`, `nonFiniteSteps`);
/// 5. fits the value network to the returns: `valueEpochs` passes of Adam over shuffled
///    minibatches of `valueBatchSize` rows, loss `mean (V(s) - R)^2`.
///
/// A batch holding NaN or infinite values changes nothing (policy, value network, Adam moments)
/// and is counted as a non-finite step.
///
/// ```swift
/// var generator = RandomGenerator(seed: 0)
/// let policy = try DiagonalGaussianMLPPolicy(config: .init(), observationSpace: observationSpace,
///                                            actionSpace: actionSpace, generator: &generator)
/// var learner = try TrustRegionPolicyUpdate(policy: policy, generator: &generator)
/// try buffer.computeReturnsAndAdvantages(lastValues: learner.values(for: lastObservations),
///                                        discount: 0.99, gaeLambda: 0.95)
/// let metrics = try learner.update(on: buffer.batch(Array(0..<buffer.count)), generator: &generator)
/// ```
public struct TrustRegionPolicyUpdate<LearnedPolicy: FisherVectorProductPolicy>: Sendable {
    /// The settings' type.
    public typealias Config = TrustRegionPolicyUpdateConfig

    /// The settings.
    public let config: Config
    /// The policy being learned.
    public internal(set) var policy: LearnedPolicy
    /// The state-value baseline `V(s)`.
    public internal(set) var valueFunction: StateValueNetwork
    /// The value network's optimiser (Adam with SB3's on-policy `eps` 1e-5).
    public internal(set) var valueOptimizer: Adam
    /// Updates taken (refused ones included).
    public internal(set) var updateCount = 0
    /// Updates whose line search accepted no step.
    public internal(set) var lineSearchFailures = 0
    /// Updates refused for NaN or infinite values.
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
        self.valueOptimizer = try Adam(learningRate: config.valueLearningRate, epsilon: 1e-5)
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

    /// One TRPO update on `batch` (see the type's documentation for the order).
    ///
    /// - Parameters:
    ///   - batch: `B` rows with advantages and returns (`B >= 2` when advantages are normalised);
    ///     `batch.actions` are the policy's samples `[B, sample]`.
    ///   - generator: shuffles the value network's minibatches.
    /// - Returns: what the step did and the diagnostics sb3-contrib logs.
    /// - Throws: `MBRLError.shapeMismatch` when the batch does not fit the networks,
    ///   `MBRLError.invalidArgument` for a batch too small or without advantages.
    public mutating func update(on batch: TrajectoryBatch, generator: inout RandomGenerator) throws -> TrustRegionPolicyUpdateMetrics {
        try validate(batch)
        updateCount += 1
        let observations = batch.observations
        let explained = Self.explainedVariance(values: batch.values, returns: batch.returns)

        // MARK: A batch with NaN or Inf changes nothing
        let finite = observations.values.allSatisfy(\.isFinite) && batch.actions.values.allSatisfy(\.isFinite)
            && batch.advantages.allSatisfy(\.isFinite) && batch.returns.allSatisfy(\.isFinite)
            && batch.logProbabilities.allSatisfy(\.isFinite)
        guard finite else {
            nonFiniteSteps += 1
            return try metrics(outcome: .nonFinite, surrogateBefore: .nan, step: nil, iterations: 0, evaluations: 0,
                               valueLoss: 0, explainedVariance: explained, observations: observations, generator: &generator)
        }

        // MARK: Policy step
        let advantages = config.normalizeAdvantages ? Self.normalizedAdvantages(batch.advantages) : batch.advantages
        let step = try policyStep(observations: observations, samples: batch.actions, oldLogDensities: batch.logProbabilities,
                                  advantages: advantages)
        switch step.outcome {
        case .accepted: break
        case .lineSearchFailed: lineSearchFailures += 1
        case .nonFinite: nonFiniteSteps += 1
        }

        // MARK: Value network
        let valueLoss = try fitValueFunction(observations: observations, returns: batch.returns, generator: &generator)
        return try metrics(outcome: step.outcome, surrogateBefore: step.surrogateBefore, step: step.accepted,
                           iterations: step.conjugateGradientIterations, evaluations: step.lineSearchEvaluations,
                           valueLoss: valueLoss, explainedVariance: explained, observations: observations, generator: &generator)
    }

    // MARK: - The pieces (public for tests and for learners that reuse them)

    /// What `policyStep` did.
    public struct PolicyStepResult: Sendable {
        /// Accepted, refused by the line search, or refused for a non-finite value.
        public var outcome: TrustRegionPolicyUpdateMetrics.Outcome
        /// The surrogate at the old parameters.
        public var surrogateBefore: Float
        /// The accepted candidate (nil unless accepted).
        public var accepted: KullbackLeiblerLineSearch.Step?
        /// Conjugate-gradient iterations spent.
        public var conjugateGradientIterations: Int
        /// Line-search candidates evaluated.
        public var lineSearchEvaluations: Int
    }

    /// Steps 2-4 of the update: the surrogate's natural-gradient step under the KL bound,
    /// applied to `policy` when the line search accepts it.
    ///
    /// - Parameters:
    ///   - observations: `[B, obs]`.
    ///   - samples: `[B, sample]`, the policy's samples.
    ///   - oldLogDensities: `[B]`, their log-densities when drawn.
    ///   - advantages: `[B]`, already normalised if wanted.
    /// - Throws: `MBRLError.shapeMismatch` when the shapes do not fit the policy.
    public mutating func policyStep(observations: Matrix, samples: Matrix, oldLogDensities: [Float],
                                    advantages: [Float]) throws -> PolicyStepResult {
        var result = PolicyStepResult(outcome: .nonFinite, surrogateBefore: .nan, accepted: nil,
                                      conjugateGradientIterations: 0, lineSearchEvaluations: 0)
        let oldDistribution = try policy.distribution(for: observations)
        let surrogate = try policy.surrogateWithGradient(samples: samples, observations: observations,
                                                        oldLogDensities: oldLogDensities, advantages: advantages)
        result.surrogateBefore = surrogate.value
        let gradient = surrogate.gradients.parameters.flatMap(\.values)
        guard surrogate.value.isFinite, gradient.allSatisfy(\.isFinite) else { return result }

        // MARK: Natural gradient direction by conjugate gradient
        let damping = config.conjugateGradientDamping
        let current = policy
        func fisherProduct(_ vector: [Float]) throws -> [Float] {
            try current.fisherVectorProduct(vector, for: observations, damping: damping)
        }
        let solution: ConjugateGradient.Result
        do {
            solution = try ConjugateGradient(maximumIterations: config.conjugateGradientIterations)
                .solve(rightHandSide: gradient, product: fisherProduct)
        } catch MBRLError.nonFinite {
            return result
        }
        result.conjugateGradientIterations = solution.iterations
        let direction = solution.solution
        guard direction.allSatisfy(\.isFinite) else { return result }

        // MARK: Step to the trust region's edge (the curvature with damping, as sb3-contrib)
        let curvatureProduct = try fisherProduct(direction)
        var curvature = 0.0
        for index in direction.indices { curvature += Double(direction[index]) * Double(curvatureProduct[index]) }
        guard curvature.isFinite else { return result }
        let search = KullbackLeiblerLineSearch(maximumKullbackLeibler: config.targetKullbackLeibler,
                                               shrinkFactor: config.lineSearchShrinkFactor, maximumSteps: config.lineSearchSteps)
        guard curvature > 0 else {
            // A zero gradient (nothing to improve): no step.
            result.outcome = .lineSearchFailed
            return result
        }
        let fullStep = try search.fullStep(direction: direction, curvature: Float(curvature))
        guard fullStep.allSatisfy(\.isFinite) else { return result }

        // MARK: Backtracking line search
        var finiteCandidates = 0
        let accepted = try search.search(from: current.flattenedParameters(), fullStep: fullStep) { candidate in
            result.lineSearchEvaluations += 1
            var trial = current
            try trial.setFlattenedParameters(candidate)
            let logDensities = try trial.logDensities(of: samples, for: observations)
            var objective = 0.0
            for row in 0..<observations.rows {
                objective += exp(Double(logDensities[row]) - Double(oldLogDensities[row])) * Double(advantages[row])
            }
            objective /= Double(max(observations.rows, 1))
            let divergences = try trial.klDivergencesWithPullback(from: oldDistribution, for: observations).values
            let divergence = Float(divergences.reduce(0.0) { $0 + Double($1) } / Double(max(divergences.count, 1)))
            let improvement = Float(objective) - surrogate.value
            guard improvement.isFinite, divergence.isFinite else { return (.nan, .nan) }
            finiteCandidates += 1
            return (improvement, divergence)
        }
        if let accepted {
            try policy.setFlattenedParameters(accepted.parameters)
            result.accepted = accepted
            result.outcome = .accepted
        } else {
            result.outcome = finiteCandidates == 0 ? .nonFinite : .lineSearchFailed
        }
        return result
    }

    /// Step 5 of the update: `valueEpochs` passes of Adam over shuffled minibatches of
    /// `valueBatchSize` rows (the last one of a pass may be smaller, as SB3's rollout buffer
    /// gives it); returns the mean minibatch loss (0 with no pass).
    ///
    /// - Parameters:
    ///   - observations: `[B, obs]`.
    ///   - returns: `[B]` regression targets.
    /// - Throws: `MBRLError.shapeMismatch` when the shapes do not fit the value network.
    public mutating func fitValueFunction(observations: Matrix, returns: [Float], generator: inout RandomGenerator) throws -> Float {
        let rows = observations.rows
        guard returns.count == rows else {
            throw MBRLError.shapeMismatch("\(rows) observation rows but \(returns.count) returns; pass one return per row")
        }
        var total = 0.0, batches = 0
        for _ in 0..<config.valueEpochs where rows > 0 {
            let order = generator.permutation(count: rows)
            for start in stride(from: 0, to: rows, by: config.valueBatchSize) {
                let indices = Array(order[start..<min(start + config.valueBatchSize, rows)])
                let (loss, gradients) = try valueFunction.lossAndGradients(observations: observations.gatherRows(indices),
                                                                          targets: indices.map { returns[$0] })
                try valueOptimizer.step(&valueFunction, gradients: gradients)
                total += Double(loss)
                batches += 1
            }
        }
        return batches == 0 ? 0 : Float(total / Double(batches))
    }

    /// `(A - mean A) / (std A + 1e-8)` with the unbiased standard deviation (as `torch.std`).
    public static func normalizedAdvantages(_ advantages: [Float]) -> [Float] {
        let count = Double(advantages.count)
        guard advantages.count > 1 else { return advantages }
        let mean = advantages.reduce(0.0) { $0 + Double($1) } / count
        let variance = advantages.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / (count - 1)
        let scale = 1 / (variance.squareRoot() + 1e-8)
        return advantages.map { Float((Double($0) - mean) * scale) }
    }

    /// SB3's `explained_variance(values, returns)`: `1 - Var(R - V) / Var(R)`, 0 when `Var(R) = 0`.
    public static func explainedVariance(values: [Float], returns: [Float]) -> Float {
        let count = Double(returns.count)
        guard returns.count > 0, values.count == returns.count else { return 0 }
        func variance(_ numbers: [Double]) -> Double {
            let mean = numbers.reduce(0, +) / count
            return numbers.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / count
        }
        let returnVariance = variance(returns.map(Double.init))
        guard returnVariance > 0 else { return 0 }
        let residualVariance = variance(zip(returns, values).map { Double($0) - Double($1) })
        return Float(1 - residualVariance / returnVariance)
    }

    // MARK: - Helpers

    private func metrics(outcome: TrustRegionPolicyUpdateMetrics.Outcome, surrogateBefore: Float, step: KullbackLeiblerLineSearch.Step?,
                         iterations: Int, evaluations: Int, valueLoss: Float, explainedVariance: Float, observations: Matrix,
                         generator: inout RandomGenerator) throws -> TrustRegionPolicyUpdateMetrics {
        var entropy: Float = .nan
        if observations.values.allSatisfy(\.isFinite) {
            let entropies = try policy.entropies(for: observations, generator: &generator)
            entropy = Float(entropies.reduce(0.0) { $0 + Double($1) } / Double(max(entropies.count, 1)))
        }
        var standardDeviation: Float?
        if let gaussian = policy as? DiagonalGaussianMLPPolicy {
            let values = gaussian.logStandardDeviation.values
            standardDeviation = Float(values.reduce(0.0) { $0 + exp(Double($1)) } / Double(max(values.count, 1)))
        }
        return TrustRegionPolicyUpdateMetrics(
            outcome: outcome, update: updateCount, surrogateBefore: surrogateBefore,
            surrogateImprovement: step?.improvement ?? 0, kullbackLeibler: step?.kullbackLeibler ?? 0,
            stepFraction: step?.coefficient ?? 0, lineSearchEvaluations: evaluations, conjugateGradientIterations: iterations,
            valueLoss: valueLoss, explainedVariance: explainedVariance, entropy: entropy, policyStandardDeviation: standardDeviation,
            lineSearchFailures: lineSearchFailures, nonFiniteSteps: nonFiniteSteps)
    }

    private func validate(_ batch: TrajectoryBatch) throws {
        let rows = batch.observations.rows
        guard rows > 0 else { throw MBRLError.invalidArgument("a TRPO update needs a batch of at least one row") }
        guard !(config.normalizeAdvantages && rows < 2) else {
            throw MBRLError.invalidArgument("normalised advantages need at least 2 rows, got 1; collect more steps or set normalizeAdvantages false")
        }
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
