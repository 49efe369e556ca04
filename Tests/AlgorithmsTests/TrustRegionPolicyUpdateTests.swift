import Foundation
import Testing
import MBRLCore
import MBRLTesting
import Algorithms

/// The TRPO learner: accepted steps stay in the trust region and improve the surrogate, refused
/// steps (NaN, no improvement) change nothing and are counted, the config is strict, a
/// checkpoint resumes identically, and it learns a contextual bandit.
@Suite struct TrustRegionPolicyUpdateTests {
    static let observationSpace = Space.box(Box(lowerBound: -1, upperBound: 1, size: 3))

    static func gaussianLearner(seed: UInt64, config: TrustRegionPolicyUpdateConfig = .init(valueFunction: .init(hiddenSizes: [8], activation: .tanh)))
        throws -> TrustRegionPolicyUpdate<DiagonalGaussianMLPPolicy> {
        var generator = RandomGenerator(seed: seed)
        let policy = try DiagonalGaussianMLPPolicy(config: .init(hiddenSizes: [8, 8]), observationSpace: observationSpace,
                                                   actionSpace: .box(Box(lowerBound: -2, upperBound: 2, size: 2)), generator: &generator)
        return try TrustRegionPolicyUpdate(policy: policy, config: config, generator: &generator)
    }

    static func categoricalLearner(seed: UInt64, config: TrustRegionPolicyUpdateConfig = .init(valueFunction: .init(hiddenSizes: [8], activation: .tanh)))
        throws -> TrustRegionPolicyUpdate<CategoricalMLPPolicy> {
        var generator = RandomGenerator(seed: seed)
        let policy = try CategoricalMLPPolicy(config: .init(hiddenSizes: [8, 8]), observationSpace: observationSpace,
                                              actionSpace: .discrete(Discrete(count: 3)), generator: &generator)
        return try TrustRegionPolicyUpdate(policy: policy, config: config, generator: &generator)
    }

    /// Steps drawn from `policy` with random advantages and returns.
    static func batch<P: FisherVectorProductPolicy>(policy: P, rows: Int, seed: UInt64) throws -> TrajectoryBatch {
        var generator = RandomGenerator(seed: seed)
        let observations = TestData.uniform(rows, policy.observationSize, generator: &generator)
        let draw = try policy.sample(for: observations, generator: &generator)
        let advantages = (0..<rows).map { _ in generator.nextUniformFloat(in: -1, 1) }
        let returns = (0..<rows).map { _ in generator.nextUniformFloat(in: -2, 2) }
        let values = (0..<rows).map { _ in generator.nextUniformFloat(in: -2, 2) }
        return TrajectoryBatch(observations: observations, actions: draw.samples, logProbabilities: draw.logDensities,
                               values: values, advantages: advantages, returns: returns)
    }

    /// The surrogate gain and mean `KL(old || new)` recomputed from the two policies.
    static func check<P: FisherVectorProductPolicy>(old: P, new: P, batch: TrajectoryBatch) throws -> (improvement: Double, divergence: Double) {
        let advantages = TrustRegionPolicyUpdate<P>.normalizedAdvantages(batch.advantages)
        func surrogate(_ policy: P) throws -> Double {
            let logDensities = try policy.logDensities(of: batch.actions, for: batch.observations)
            return zip(zip(logDensities, batch.logProbabilities), advantages)
                .reduce(0.0) { $0 + exp(Double($1.0.0) - Double($1.0.1)) * Double($1.1) } / Double(batch.count)
        }
        let divergences = try new.klDivergences(from: old, for: batch.observations)
        return (try surrogate(new) - surrogate(old), divergences.reduce(0.0) { $0 + Double($1) } / Double(batch.count))
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func acceptedStepsStayInTheTrustRegionAndImproveTheSurrogate(seed: UInt64) throws {
        var gaussian = try Self.gaussianLearner(seed: seed)
        let gaussianBatch = try Self.batch(policy: gaussian.policy, rows: 64, seed: seed + 10)
        let gaussianOld = gaussian.policy
        var generator = RandomGenerator(seed: seed + 20)
        let gaussianMetrics = try gaussian.update(on: gaussianBatch, generator: &generator)

        var categorical = try Self.categoricalLearner(seed: seed)
        let categoricalBatch = try Self.batch(policy: categorical.policy, rows: 64, seed: seed + 10)
        let categoricalOld = categorical.policy
        let categoricalMetrics = try categorical.update(on: categoricalBatch, generator: &generator)

        let target = Double(TrustRegionPolicyUpdateConfig.defaults.targetKullbackLeibler)
        for (metrics, measured, moved) in [
            (gaussianMetrics, try Self.check(old: gaussianOld, new: gaussian.policy, batch: gaussianBatch), gaussianOld != gaussian.policy),
            (categoricalMetrics, try Self.check(old: categoricalOld, new: categorical.policy, batch: categoricalBatch),
             categoricalOld != categorical.policy),
        ] {
            #expect(metrics.outcome == .accepted, "\(metrics)")
            #expect(moved)
            #expect(measured.divergence <= target + 1e-6 && measured.divergence > 0, "KL \(measured.divergence)")
            #expect(measured.improvement > 0, "surrogate change \(measured.improvement)")
            #expect(abs(Double(metrics.kullbackLeibler) - measured.divergence) < 1e-5)
            #expect(abs(Double(metrics.surrogateImprovement) - measured.improvement) < 1e-4)
            // The quadratic model puts the full step on the trust region's edge: the step taken is
            // a clear fraction of it, not a vanishing one.
            #expect(metrics.stepFraction >= 0.8 * 0.8 * 0.8 && metrics.conjugateGradientIterations >= 1)
            #expect(metrics.lineSearchFailures == 0 && metrics.nonFiniteSteps == 0 && metrics.update == 1)
            #expect(metrics.valueLoss > 0 && metrics.entropy.isFinite)
        }
        #expect(gaussianMetrics.policyStandardDeviation != nil && categoricalMetrics.policyStandardDeviation == nil)
    }

    @Test func aPoisonedBatchChangesNothingAndIsCounted() throws {
        var learner = try Self.gaussianLearner(seed: 4)
        var batch = try Self.batch(policy: learner.policy, rows: 32, seed: 5)
        batch.advantages[7] = .nan
        let before = learner
        var generator = RandomGenerator(seed: 6)
        let metrics = try learner.update(on: batch, generator: &generator)
        #expect(metrics.outcome == .nonFinite && metrics.nonFiniteSteps == 1 && learner.nonFiniteSteps == 1)
        #expect(learner.policy == before.policy && learner.valueFunction == before.valueFunction)
        #expect(learner.valueOptimizer == before.valueOptimizer)
        let named = Dictionary(uniqueKeysWithValues: metrics.named.map { ($0.name, $0.value) })
        #expect(named["nonFiniteStepIteration"] == 1 && named["stepAccepted"] == 0)

        // Finite data whose ratio overflows: the policy stays, the value network still learns.
        var overflowing = try Self.batch(policy: learner.policy, rows: 32, seed: 7)
        overflowing.logProbabilities[3] -= 200
        let second = try learner.update(on: overflowing, generator: &generator)
        #expect(second.outcome == .nonFinite && second.nonFiniteSteps == 2 && second.update == 2)
        #expect(learner.policy == before.policy && learner.valueFunction != before.valueFunction)
        #expect(second.named.contains { $0.name == "nonFiniteStepIteration" && $0.value == 2 })

        // A good batch afterwards is accepted.
        let third = try learner.update(on: try Self.batch(policy: learner.policy, rows: 32, seed: 8), generator: &generator)
        #expect(third.outcome == .accepted && learner.policy != before.policy && third.nonFiniteSteps == 2)
    }

    @Test func aBatchWithNothingToImproveFailsTheLineSearchAndIsCounted() throws {
        var learner = try Self.categoricalLearner(seed: 9)
        var batch = try Self.batch(policy: learner.policy, rows: 32, seed: 10)
        batch.advantages = [Float](repeating: 0.5, count: 32)   // normalised to zero: no gradient
        let before = learner.policy
        var generator = RandomGenerator(seed: 11)
        let metrics = try learner.update(on: batch, generator: &generator)
        #expect(metrics.outcome == .lineSearchFailed && learner.lineSearchFailures == 1 && learner.policy == before)
        #expect(metrics.named.contains { $0.name == "lineSearchFailureIteration" && $0.value == 1 })
        #expect(metrics.kullbackLeibler == 0 && metrics.surrogateImprovement == 0)
    }

    @Test func normalisedAdvantagesAndExplainedVarianceFollowSB3() {
        let normalized = TrustRegionPolicyUpdate<CategoricalMLPPolicy>.normalizedAdvantages([1, 2, 3, 6])
        // mean 3, unbiased std sqrt(14/3)
        let std = (14.0 / 3).squareRoot()
        for (got, value) in zip(normalized, [1.0, 2, 3, 6]) { #expect(abs(Double(got) - (value - 3) / std) < 1e-5) }
        let explained = TrustRegionPolicyUpdate<CategoricalMLPPolicy>.explainedVariance(values: [1, 2, 2, 5], returns: [1, 2, 3, 6])
        // Var(R) = 3.5, Var(R - V) = Var([0, 0, 1, 1]) = 0.25
        #expect(abs(explained - Float(1 - 0.25 / 3.5)) < 1e-6)
        #expect(TrustRegionPolicyUpdate<CategoricalMLPPolicy>.explainedVariance(values: [1, 2], returns: [3, 3]) == 0)
    }

    @Test func configIsStrictWithTRPODefaults() throws {
        let defaults = try JSONValue(parsing: "{}").decode(TrustRegionPolicyUpdateConfig.self)
        #expect(defaults == TrustRegionPolicyUpdateConfig())
        #expect(defaults.conjugateGradientIterations == 15 && defaults.conjugateGradientDamping == 0.1 && defaults.targetKullbackLeibler == 0.01)
        #expect(defaults.valueEpochs == 10 && defaults.valueBatchSize == 128 && defaults.valueLearningRate == 1e-3)
        #expect(defaults.valueFunction.hiddenSizes == [64, 64] && defaults.valueFunction.activation == .tanh)
        // A partial value network keeps TRPO's tanh default.
        let partial = try JSONValue(parsing: #"{"valueFunction": {"hiddenSizes": [32]}}"#).decode(TrustRegionPolicyUpdateConfig.self)
        #expect(partial.valueFunction.hiddenSizes == [32] && partial.valueFunction.activation == .tanh)
        for json in [#"{"targetKL": 0.01}"#, #"{"valueFunction": {"hiddenSize": [32]}}"#, #"{"lineSearchShrinkFactor": 1.5}"#] {
            #expect(throws: (any Error).self, "\(json) was accepted") {
                _ = try JSONValue(parsing: json).decode(TrustRegionPolicyUpdateConfig.self)
            }
        }
        do {
            _ = try JSONValue(parsing: #"{"targetKullbackLiebler": 0.02}"#).decode(TrustRegionPolicyUpdateConfig.self)
        } catch {
            #expect("\(error)".contains("targetKullbackLeibler"), "\(error)")
        }
        let encoded = try JSONValue(encoding: partial)
        #expect(try encoded.decode(TrustRegionPolicyUpdateConfig.self) == partial)
    }

    @Test func aCheckpointRoundTripResumesIdentically() throws {
        var learner = try Self.gaussianLearner(seed: 12)
        var generator = RandomGenerator(seed: 13)
        _ = try learner.update(on: try Self.batch(policy: learner.policy, rows: 40, seed: 14), generator: &generator)
        var writer = CheckpointWriter()
        try learner.write(to: &writer, prefix: "trpo")
        var restored = try Self.gaussianLearner(seed: 99)          // other weights, same shapes
        #expect(restored.policy != learner.policy)
        try restored.read(from: try Checkpoint(data: try writer.encodedData()), prefix: "trpo")
        #expect(restored.policy == learner.policy && restored.valueFunction == learner.valueFunction)
        #expect(restored.valueOptimizer == learner.valueOptimizer && restored.updateCount == 1)

        let next = try Self.batch(policy: learner.policy, rows: 40, seed: 15)
        var left = generator, right = generator
        let original = try learner.update(on: next, generator: &left)
        let resumed = try restored.update(on: next, generator: &right)
        #expect(original == resumed && original.update == 2)
        #expect(learner.policy == restored.policy && learner.valueFunction == restored.valueFunction)

        // A checkpoint of another shape is refused and changes nothing.
        var other = try Self.categoricalLearner(seed: 1)
        let before = other.policy
        #expect(throws: (any Error).self) { try other.read(from: try Checkpoint(data: try writer.encodedData()), prefix: "trpo") }
        #expect(other.policy == before)
    }

    /// A contextual bandit: observations uniform in [-1, 1]^3, action `k` of 3 pays 1 when `k`
    /// is the region of the first entry (below -1/3, middle, above 1/3), else 0. Advantages are
    /// `r - V(s)` (one-step episodes). 25 updates of 256 draws take the greedy policy from about
    /// chance (1/3) to nearly always right.
    @Test func itLearnsAContextualBanditFarBeyondTheUntrainedPolicy() throws {
        var learner = try Self.categoricalLearner(seed: 21, config: .init(valueEpochs: 5, valueBatchSize: 64,
                                                                          valueFunction: .init(hiddenSizes: [16], activation: .tanh)))
        func region(_ value: Float) -> Int { value < -1.0 / 3 ? 0 : (value < 1.0 / 3 ? 1 : 2) }
        var generator = RandomGenerator(seed: 22)
        let test = TestData.uniform(500, 3, generator: &generator)
        func accuracy(_ policy: CategoricalMLPPolicy) throws -> Double {
            var unused = RandomGenerator(seed: 0)
            let actions = try policy.actions(for: test, mode: .evaluation, generator: &unused)
            return Double((0..<test.rows).filter { Int(actions[$0, 0]) == region(test[$0, 0]) }.count) / Double(test.rows)
        }
        let untrained = try accuracy(learner.policy)
        var lastValueLoss: Float = .infinity, firstValueLoss: Float = 0
        for update in 0..<25 {
            let observations = TestData.uniform(256, 3, generator: &generator)
            let draw = try learner.policy.sample(for: observations, generator: &generator)
            let rewards = (0..<256).map { Float(Int(draw.actions[$0, 0]) == region(observations[$0, 0]) ? 1 : 0) }
            let values = try learner.values(for: observations)
            let batch = TrajectoryBatch(observations: observations, actions: draw.samples, logProbabilities: draw.logDensities,
                                        values: values, advantages: zip(rewards, values).map { $0 - $1 }, returns: rewards)
            let metrics = try learner.update(on: batch, generator: &generator)
            if update == 0 { firstValueLoss = metrics.valueLoss }
            lastValueLoss = metrics.valueLoss
            #expect(metrics.outcome == .accepted)
        }
        let trained = try accuracy(learner.policy)
        #expect(untrained < 0.6 && trained > 0.9, "greedy accuracy \(untrained) untrained, \(trained) after 25 updates")
        #expect(lastValueLoss < firstValueLoss)
    }
}
