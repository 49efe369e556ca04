import Algorithms
import Foundation
import MBRLCore
import MBRLTesting
import Testing

/// The softmax policy for discrete actions: log-probabilities, entropy, KL and the surrogate
/// with their gradients; sample frequencies against the softmax.
@Suite struct CategoricalPolicyTests {
    typealias Checks = PolicyGradientTesting

    /// A policy over `actionCount` actions with small tanh layers.
    func makePolicy(observationSize: Int, actionCount: Int, hiddenSizes: [Int], rows: Int,
                    generator: inout RandomGenerator) throws -> (policy: CategoricalMLPPolicy, observations: Matrix) {
        let policy = try CategoricalMLPPolicy(
            config: .init(hiddenSizes: hiddenSizes, activation: .tanh),
            observationSpace: .box(Box(lowerBound: -1, upperBound: 1, size: observationSize)),
            actionSpace: .discrete(Discrete(count: actionCount)), generator: &generator)
        return (policy, TestData.uniform(rows, observationSize, scale: 2, generator: &generator))
    }

    static let shapes: [(observationSize: Int, actionCount: Int, hiddenSizes: [Int], rows: Int)] = [
        (3, 2, [4], 3), (2, 4, [5, 3], 4), (4, 3, [6], 2),
    ]

    @Test func logProbabilityEntropyKLAndSurrogateGradients() throws {
        for shape in Self.shapes {
            for seed in Checks.seeds {
                var generator = RandomGenerator(seed: seed)
                let (policy, observations) = try makePolicy(observationSize: shape.observationSize, actionCount: shape.actionCount,
                                                            hiddenSizes: shape.hiddenSizes, rows: shape.rows, generator: &generator)
                let weights = Checks.weights(shape.rows, generator: &generator)
                let draw = try policy.sample(for: observations, generator: &generator)
                #expect(draw.actions == draw.samples)
                let (_, logPullback) = try policy.logDensitiesWithPullback(of: draw.samples, for: observations)
                try Checks.expectGradients(policy, observations: observations, analytic: try logPullback(weights)) {
                    Checks.weighted(try $0.logDensities(of: draw.samples, for: $1), weights)
                }
                var unused = RandomGenerator(seed: 0)
                let (entropies, entropyPullback) = try policy.entropiesWithPullback(for: observations, generator: &unused)
                #expect(entropies.allSatisfy { $0 > 0 && $0 <= logf(Float(shape.actionCount)) + 1e-5 })
                try Checks.expectGradients(policy, observations: observations, analytic: try entropyPullback(weights)) {
                    Checks.weighted(try $0.entropies(for: $1, generator: &unused), weights)
                }
                var old = policy
                try old.setFlattenedParameters(policy.flattenedParameters().map { $0 + generator.nextUniformFloat(in: -0.3, 0.3) })
                let oldDistribution = try old.distribution(for: observations)
                let (kl, klPullback) = try policy.klDivergencesWithPullback(from: oldDistribution, for: observations)
                #expect(kl.allSatisfy { $0 > 0 })
                #expect(try policy.klDivergences(from: policy, for: observations).allSatisfy { abs($0) < 1e-5 })
                try Checks.expectGradients(policy, observations: observations, analytic: try klPullback(weights)) {
                    Checks.weighted(try $0.klDivergencesWithPullback(from: oldDistribution, for: $1).values, weights)
                }
                try Checks.checkSurrogateAndSampleDensities(policy, observations: observations, generator: &generator)
            }
        }
    }

    @Test func sampleFrequenciesMatchTheSoftmax() throws {
        let logits: [Float] = [0.5, -1, 1.2, 0]
        let layer = try Dense(weight: Matrix(rows: 2, columns: 4), bias: logits)
        let policy = CategoricalMLPPolicy(network: try MLP(layers: [layer]))
        let count = 100_000
        var generator = RandomGenerator(seed: 2)
        let draw = try policy.sample(for: Matrix(rows: count, columns: 2), generator: &generator)
        var counts = [Int](repeating: 0, count: 4)
        for row in 0..<count { counts[Int(draw.actions[row, 0])] += 1 }
        let total = logits.reduce(0) { $0 + exp(Double($1)) }
        for action in 0..<4 {
            let probability = exp(Double(logits[action])) / total
            let frequency = Double(counts[action]) / Double(count)
            let standardError = (probability * (1 - probability) / Double(count)).squareRoot()
            #expect(abs(frequency - probability) < 4 * standardError, "action \(action): \(frequency) against \(probability)")
            #expect(abs(Double(draw.logDensities[0]) - log(exp(Double(logits[Int(draw.actions[0, 0])])) / total)) < 1e-5)
        }
        var unused = RandomGenerator(seed: 0)
        #expect(try policy.actions(for: Matrix(rows: 1, columns: 2), mode: .evaluation, generator: &unused)[0, 0] == 2)
        let probabilities = try policy.distribution(for: Matrix(rows: 1, columns: 2)).probabilities
        #expect(abs(Double(probabilities[0, 2]) - exp(1.2) / total) < 1e-6)
    }

    @Test func checkpointRoundTripAndRefusals() throws {
        var generator = RandomGenerator(seed: 9)
        let (policy, observations) = try makePolicy(observationSize: 3, actionCount: 3, hiddenSizes: [5], rows: 4, generator: &generator)
        let (blank, _) = try makePolicy(observationSize: 3, actionCount: 3, hiddenSizes: [5], rows: 4, generator: &generator)
        #expect(blank != policy)
        let restored = try Checks.roundTrip(policy, into: blank)
        #expect(restored == policy)
        #expect(try restored.actions(for: observations, mode: .evaluation, generator: &generator)
                == (try policy.actions(for: observations, mode: .evaluation, generator: &generator)))
        do {
            _ = try CategoricalMLPPolicy(config: .init(), observationSpace: .box(Box(lowerBound: -1, upperBound: 1, size: 3)),
                                         actionSpace: .box(Box(lowerBound: -1, upperBound: 1, size: 2)), generator: &generator)
            Issue.record("a Box action space was accepted")
        } catch let error as MBRLError {
            #expect("\(error)".contains("Discrete"), "\(error)")
        }
        #expect(throws: MBRLError.self) {
            try policy.logDensities(of: Matrix(rows: 4, columns: 1, values: [0, 1, 3, 2]), for: observations)   // index 3 of 3
        }
        #expect(throws: MBRLError.self) {
            try policy.logDensities(of: Matrix(rows: 4, columns: 1, values: [0, 1, 0.5, 2]), for: observations)
        }
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(CategoricalMLPPolicy.Config.self, from: Data(#"{"logStandardDeviationInit": 0}"#.utf8))
        }
    }
}
