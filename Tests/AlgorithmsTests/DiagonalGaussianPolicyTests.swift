import Algorithms
import Foundation
import MBRLCore
import MBRLTesting
import Testing

/// TRPO/PPO's diagonal Gaussian policy: log-densities of unclipped samples, analytic entropy and
/// KL, the surrogate and the reparameterised sample, with gradients against finite differences.
@Suite struct DiagonalGaussianPolicyTests {
    typealias Checks = PolicyGradientTesting

    /// A policy with small tanh layers, random log standard deviations and the given bounds
    /// (unbounded when `box` is nil, so gradient checks never cross a clip).
    func makePolicy(_ shape: (observationSize: Int, actionSize: Int, hiddenSizes: [Int], rows: Int),
                    box: Box? = nil, activation: Activation = .tanh, generator: inout RandomGenerator) throws
        -> (policy: DiagonalGaussianMLPPolicy, observations: Matrix) {
        let bounds = box ?? Box(lowerBound: -.infinity, upperBound: .infinity, size: shape.actionSize)
        var policy = try DiagonalGaussianMLPPolicy(
            config: .init(hiddenSizes: shape.hiddenSizes, activation: activation, logStandardDeviationInit: -0.3),
            observationSpace: .box(Box(lowerBound: -1, upperBound: 1, size: shape.observationSize)),
            actionSpace: .box(bounds), generator: &generator)
        var parameters = policy.parameters
        parameters[parameters.count - 1] = TestData.uniform(1, shape.actionSize, scale: 0.5, generator: &generator)
        try policy.setParameters(parameters)
        return (policy, TestData.uniform(shape.rows, shape.observationSize, generator: &generator))
    }

    @Test func logDensityEntropyKLAndSurrogateGradients() throws {
        for shape in Checks.shapes {
            for seed in Checks.seeds {
                var generator = RandomGenerator(seed: seed)
                let (policy, observations) = try makePolicy(shape, generator: &generator)
                let weights = Checks.weights(shape.rows, generator: &generator)
                let draw = try policy.sample(for: observations, generator: &generator)
                let (_, logPullback) = try policy.logDensitiesWithPullback(of: draw.samples, for: observations)
                try Checks.expectGradients(policy, observations: observations, analytic: try logPullback(weights)) {
                    Checks.weighted(try $0.logDensities(of: draw.samples, for: $1), weights)
                }
                let (entropies, entropyPullback) = try policy.entropiesWithPullback(for: observations, generator: &generator)
                // The entropy of N(m, s^2) is log s + log(2 pi e) / 2 per entry.
                let expected = policy.logStandardDeviation.values.reduce(0) { $0 + Double($1) + 0.5 * log(2 * Double.pi * M_E) }
                #expect(abs(Double(entropies[0]) - expected) < 1e-4)
                try Checks.expectGradients(policy, observations: observations, analytic: try entropyPullback(weights)) { candidate, inputs in
                    var unused = RandomGenerator(seed: 0)
                    return Checks.weighted(try candidate.entropies(for: inputs, generator: &unused), weights)
                }
                var old = policy
                try old.setFlattenedParameters(policy.flattenedParameters().map { $0 + generator.nextUniformFloat(in: -0.2, 0.2) })
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

    @Test func klMatchesAMonteCarloEstimate() throws {
        var generator = RandomGenerator(seed: 4)
        let (policy, observations) = try makePolicy((2, 2, [4], 1), generator: &generator)
        var old = policy
        try old.setFlattenedParameters(policy.flattenedParameters().map { $0 + generator.nextUniformFloat(in: -0.3, 0.3) })
        let kl = try policy.klDivergences(from: old, for: observations)[0]
        // KL(old || new) = E_old[log p_old - log p_new].
        let count = 100_000
        let repeated = observations.gatherRows(Array(repeating: 0, count: count))
        let draw = try old.sample(for: repeated, generator: &generator)
        let newLog = try policy.logDensities(of: draw.samples, for: repeated)
        let estimate = zip(draw.logDensities, newLog).reduce(0.0) { $0 + Double($1.0 - $1.1) } / Double(count)
        #expect(abs(estimate - Double(kl)) < 0.02 + 0.05 * Double(kl), "Monte Carlo \(estimate), analytic \(kl)")
    }

    @Test func sampleAndActionsWithPullbackGradients() throws {
        for shape in Checks.shapes {
            for seed in Checks.seeds {
                var generator = RandomGenerator(seed: seed)
                let (policy, observations) = try makePolicy(shape, generator: &generator)
                let projection = TestData.uniform(shape.rows, shape.actionSize, generator: &generator)
                let weights = Checks.weights(shape.rows, generator: &generator)
                var noise = RandomGenerator(seed: seed + 100)
                let (_, pullback) = try policy.sampleWithPullback(for: observations, generator: &noise)
                try Checks.expectGradients(policy, observations: observations, analytic: try pullback(projection, weights)) { candidate, inputs in
                    var noise = RandomGenerator(seed: seed + 100)
                    let draw = try candidate.sampleWithPullback(for: inputs, generator: &noise).sample
                    return TestData.projected(draw.actions, projection) + Checks.weighted(draw.logDensities, weights)
                }
                // Bounded, ReLU: actionsWithPullback in both modes (clipped entries pass nothing).
                let box = Checks.randomBox(size: shape.actionSize, generator: &generator)
                let (bounded, boundedObservations) = try makePolicy(shape, box: box, activation: .relu, generator: &generator)
                var kinked = Checks.checker
                kinked.allowsKinks = true
                for mode in [ActionMode.exploration, .evaluation] {
                    var noise = RandomGenerator(seed: seed + 7)
                    let (actions, pullback) = try bounded.actionsWithPullback(for: boundedObservations, mode: mode, generator: &noise)
                    var again = RandomGenerator(seed: seed + 7)
                    #expect(actions == (try bounded.actions(for: boundedObservations, mode: mode, generator: &again)))
                    try Checks.expectGradients(bounded, observations: boundedObservations, analytic: try pullback(projection),
                                               checker: kinked) { candidate, inputs in
                        var noise = RandomGenerator(seed: seed + 7)
                        return TestData.projected(try candidate.actionsWithPullback(for: inputs, mode: mode, generator: &noise).actions,
                                                  projection)
                    }
                }
            }
        }
    }

    @Test func actionsAreClippedButLogDensitiesAreOfTheUnclippedSamples() throws {
        var generator = RandomGenerator(seed: 6)
        let box = Box(lowerBound: -0.2, upperBound: 0.2, size: 2)
        let (policy, _) = try makePolicy((3, 2, [5], 1), box: box, generator: &generator)
        let observations = TestData.uniform(400, 3, generator: &generator)
        let draw = try policy.sample(for: observations, generator: &generator)
        var clippedCount = 0
        for row in 0..<observations.rows {
            #expect(box.contains(draw.actions.row(row)))
            if draw.actions.row(row) != draw.samples.row(row) { clippedCount += 1 }
            #expect(box.clamp(draw.samples.row(row)) == draw.actions.row(row))
        }
        #expect(clippedCount > 100)   // std about 0.6 against a half-width of 0.2
        let recomputed = try policy.logDensities(of: draw.samples, for: observations)
        #expect(zip(recomputed, draw.logDensities).allSatisfy { abs($0 - $1) < 1e-4 })
        let evaluation = try policy.actions(for: observations, mode: .evaluation, generator: &generator)
        for row in 0..<observations.rows { #expect(box.contains(evaluation.row(row))) }
    }

    @Test func checkpointRoundTripAndRefusals() throws {
        var generator = RandomGenerator(seed: 9)
        let (policy, observations) = try makePolicy((3, 2, [5, 4], 3), generator: &generator)
        let (blank, _) = try makePolicy((3, 2, [5, 4], 3), generator: &generator)
        #expect(blank != policy)
        let restored = try Checks.roundTrip(policy, into: blank)
        #expect(restored == policy)
        #expect(try restored.logDensities(of: observations.columns(0..<2), for: observations)
                == (try policy.logDensities(of: observations.columns(0..<2), for: observations)))
        #expect(policy.parameterNames.last == "logStandardDeviation")
        do {
            _ = try DiagonalGaussianMLPPolicy(config: .init(), observationSpace: .box(Box(lowerBound: -1, upperBound: 1, size: 3)),
                                              actionSpace: .discrete(Discrete(count: 3)), generator: &generator)
            Issue.record("a Discrete action space was accepted")
        } catch let error as MBRLError {
            #expect("\(error)".contains("CategoricalMLPPolicy"), "\(error)")
        }
        let decoded = try JSONDecoder().decode(DiagonalGaussianMLPPolicy.Config.self,
                                               from: Data(#"{"logStandardDeviationInit": -0.5}"#.utf8))
        #expect(decoded == .init(logStandardDeviationInit: -0.5))
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(DiagonalGaussianMLPPolicy.Config.self, from: Data(#"{"logStdInit": 0}"#.utf8))
        }
    }
}
