import Algorithms
import Foundation
import MBRLCore
import MBRLTesting
import Testing

/// SAC's squashed Gaussian policy: sampling, log-densities, entropy estimate, KL and their
/// gradients against finite differences; the log-density against a histogram of samples.
@Suite struct SquashedGaussianPolicyTests {
    typealias Checks = PolicyGradientTesting

    /// A policy with small tanh layers and random bounds.
    func makePolicy(_ shape: (observationSize: Int, actionSize: Int, hiddenSizes: [Int], rows: Int),
                    generator: inout RandomGenerator, activation: Activation = .tanh) throws
        -> (policy: SquashedGaussianMLPPolicy, observations: Matrix) {
        let box = Checks.randomBox(size: shape.actionSize, generator: &generator)
        let policy = try SquashedGaussianMLPPolicy(
            config: .init(hiddenSizes: shape.hiddenSizes, activation: activation),
            observationSpace: .box(Box(lowerBound: -1, upperBound: 1, size: shape.observationSize)),
            actionSpace: .box(box), generator: &generator)
        return (policy, TestData.uniform(shape.rows, shape.observationSize, generator: &generator))
    }

    @Test func sampleGradientsThroughActionsAndLogDensities() throws {
        for shape in Checks.shapes {
            for seed in Checks.seeds {
                var generator = RandomGenerator(seed: seed)
                let (policy, observations) = try makePolicy(shape, generator: &generator)
                let projection = TestData.uniform(shape.rows, shape.actionSize, generator: &generator)
                let weights = Checks.weights(shape.rows, generator: &generator)
                let noiseSeed = seed + 100
                var noise = RandomGenerator(seed: noiseSeed)
                let (_, pullback) = try policy.sampleWithPullback(for: observations, generator: &noise)
                let analytic = try pullback(projection, weights)
                try Checks.expectGradients(policy, observations: observations, analytic: analytic) { candidate, inputs in
                    var noise = RandomGenerator(seed: noiseSeed)
                    let draw = try candidate.sampleWithPullback(for: inputs, generator: &noise).sample
                    return TestData.projected(draw.actions, projection) + Checks.weighted(draw.logDensities, weights)
                }
            }
        }
    }

    @Test func actionsWithPullbackInBothModes() throws {
        for shape in Checks.shapes {
            for seed in Checks.seeds {
                for mode in [ActionMode.exploration, .evaluation] {
                    var generator = RandomGenerator(seed: seed)
                    let (policy, observations) = try makePolicy(shape, generator: &generator, activation: .relu)
                    let projection = TestData.uniform(shape.rows, shape.actionSize, generator: &generator)
                    var noise = RandomGenerator(seed: seed + 7)
                    let (actions, pullback) = try policy.actionsWithPullback(for: observations, mode: mode, generator: &noise)
                    var again = RandomGenerator(seed: seed + 7)
                    #expect(actions == (try policy.actions(for: observations, mode: mode, generator: &again)))
                    let analytic = try pullback(projection)
                    var kinked = Checks.checker
                    kinked.allowsKinks = true
                    try Checks.expectGradients(policy, observations: observations, analytic: analytic, checker: kinked) { candidate, inputs in
                        var noise = RandomGenerator(seed: seed + 7)
                        return TestData.projected(try candidate.actionsWithPullback(for: inputs, mode: mode, generator: &noise).actions, projection)
                    }
                }
            }
        }
    }

    @Test func logDensityGradientsOfGivenSamplesAndActions() throws {
        for shape in Checks.shapes {
            for seed in Checks.seeds {
                var generator = RandomGenerator(seed: seed)
                let (policy, observations) = try makePolicy(shape, generator: &generator)
                let draw = try policy.sample(for: observations, generator: &generator)
                let weights = Checks.weights(shape.rows, generator: &generator)
                let (values, pullback) = try policy.logDensitiesWithPullback(of: draw.samples, for: observations)
                try Checks.expectGradients(policy, observations: observations, analytic: try pullback(weights)) {
                    Checks.weighted(try $0.logDensities(of: draw.samples, for: $1), weights)
                }
                // Given actions: atanh recovers u, so the log-densities agree with the sample's.
                let (fromActions, actionPullback) = try policy.logDensitiesWithPullback(ofActions: draw.actions, for: observations)
                for row in 0..<shape.rows {
                    #expect(abs(fromActions[row] - values[row]) < 2e-2 * max(1, abs(values[row])), "row \(row)")
                }
                try Checks.expectGradients(policy, observations: observations, analytic: try actionPullback(weights)) {
                    Checks.weighted(try $0.logDensitiesWithPullback(ofActions: draw.actions, for: $1).values, weights)
                }
            }
        }
    }

    @Test func entropyEstimateKLAndSurrogateGradients() throws {
        for shape in Checks.shapes {
            for seed in Checks.seeds {
                var generator = RandomGenerator(seed: seed)
                let (policy, observations) = try makePolicy(shape, generator: &generator)
                let weights = Checks.weights(shape.rows, generator: &generator)
                // Entropy: -log p of a reparameterised sample, the noise fixed by the seed.
                var noise = RandomGenerator(seed: seed + 11)
                let (_, entropyPullback) = try policy.entropiesWithPullback(for: observations, generator: &noise)
                try Checks.expectGradients(policy, observations: observations, analytic: try entropyPullback(weights)) { candidate, inputs in
                    var noise = RandomGenerator(seed: seed + 11)
                    return Checks.weighted(try candidate.entropies(for: inputs, generator: &noise), weights)
                }
                // KL(old || new) from a perturbed copy, the old distribution held fixed.
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

    /// A one-dimensional policy whose network ignores the observation: mean 0.3, log std -0.2,
    /// bounds [-2, 1] (center -0.5, half-width 1.5).
    func fixedPolicy() throws -> SquashedGaussianMLPPolicy {
        let layer = try Dense(weight: Matrix(rows: 2, columns: 2), bias: [0.3, -0.2])
        return try SquashedGaussianMLPPolicy(network: try MLP(layers: [layer]),
                                             actionBounds: Box(lowerBound: [-2], upperBound: [1]))
    }

    @Test func logDensityMatchesAHistogramOfSamples() throws {
        let policy = try fixedPolicy()
        let count = 200_000, binCount = 40
        let observations = Matrix(rows: count, columns: 2, repeating: 0.5)
        var generator = RandomGenerator(seed: 3)
        let draw = try policy.sample(for: observations, generator: &generator)
        var histogram = [Int](repeating: 0, count: binCount)
        let low: Float = -2, width: Float = 3 / Float(binCount)
        var outside = 0
        for row in 0..<count {
            let action = draw.actions[row, 0]
            if !(action >= -2 && action <= 1) { outside += 1 }
            histogram[min(binCount - 1, max(0, Int((action - low) / width)))] += 1
        }
        #expect(outside == 0)
        // exp(log p) at every bin's edges and centre (2 * bins + 1 points).
        let points = Matrix(rows: 2 * binCount + 1, columns: 1,
                            values: (0...(2 * binCount)).map { low + Float($0) * width / 2 })
        let atPoints = try policy.logDensitiesWithPullback(ofActions: points, for: observations.rows(0..<points.rows))
            .values.map { Double(exp($0)) }
        let densities = (0..<binCount).map { atPoints[2 * $0 + 1] }
        for bin in 0..<binCount {
            let empirical = Double(histogram[bin]) / (Double(count) * Double(width))
            let exact = densities[bin]
            // The histogram estimates the bin's mean density, which differs from the centre's by
            // about (p(left) - 2 p(centre) + p(right)) / 6 (the midpoint rule's error); allow
            // that, three standard errors of the bin count, and 1%.
            let curvature = abs(atPoints[2 * bin] - 2 * exact + atPoints[2 * bin + 2]) / 6
            let tolerance = 3 * (exact / (Double(count) * Double(width))).squareRoot() + 1.5 * curvature + 0.01 * exact + 1e-3
            #expect(abs(empirical - exact) <= tolerance, "bin \(bin): histogram \(empirical), exp(log p) \(exact), curvature \(curvature)")
        }
        // The densities integrate to about 1 over the box.
        let integral = densities.reduce(0) { $0 + $1 * Double(width) }
        #expect(abs(integral - 1) < 0.02, "integral \(integral)")
    }

    @Test func actionsStayInsideTheBox() throws {
        var generator = RandomGenerator(seed: 5)
        let (policy, _) = try makePolicy((3, 2, [8], 1), generator: &generator)
        let observations = TestData.uniform(500, 3, scale: 50, generator: &generator)   // large inputs: saturated tanh
        for mode in [ActionMode.exploration, .evaluation] {
            let actions = try policy.actions(for: observations, mode: mode, generator: &generator)
            for row in 0..<actions.rows { #expect(policy.actionSpace.contains(actions.row(row)), "\(actions.row(row))") }
        }
        let draw = try policy.sample(for: observations, generator: &generator)
        #expect(draw.logDensities.allSatisfy { $0.isFinite })
    }

    @Test func evaluationModeIsTheSquashedMean() throws {
        let policy = try fixedPolicy()
        var generator = RandomGenerator(seed: 0)
        let action = try policy.action(for: [0, 0], mode: .evaluation, generator: &generator)
        #expect(abs(action[0] - (-0.5 + 1.5 * tanhf(0.3))) < 1e-6)
    }

    @Test func checkpointRoundTrip() throws {
        var generator = RandomGenerator(seed: 9)
        let (policy, observations) = try makePolicy((3, 2, [5, 4], 3), generator: &generator)
        let blank = try SquashedGaussianMLPPolicy(
            config: .init(hiddenSizes: [5, 4], activation: .tanh),
            observationSpace: .box(Box(lowerBound: -1, upperBound: 1, size: 3)), actionSpace: policy.actionSpace,
            generator: &generator)
        #expect(blank != policy)
        let restored = try Checks.roundTrip(policy, into: blank)
        #expect(restored == policy)
        #expect(try restored.actions(for: observations, mode: .evaluation, generator: &generator)
                == (try policy.actions(for: observations, mode: .evaluation, generator: &generator)))
        // A checkpoint of another shape is refused.
        var other = try makePolicy((3, 2, [6], 3), generator: &generator).policy
        var writer = CheckpointWriter()
        try policy.write(to: &writer, prefix: "policy")
        #expect(throws: MBRLError.self) { try other.read(from: try Checkpoint(data: try writer.encodedData()), prefix: "policy") }
    }

    @Test func wrongSpacesAndConfigKeysAreRefused() throws {
        var generator = RandomGenerator(seed: 0)
        let observations = Space.box(Box(lowerBound: -1, upperBound: 1, size: 3))
        #expect(throws: MBRLError.self) {
            try SquashedGaussianMLPPolicy(config: .init(), observationSpace: observations,
                                          actionSpace: .discrete(Discrete(count: 2)), generator: &generator)
        }
        #expect(throws: MBRLError.self) {
            try SquashedGaussianMLPPolicy(config: .init(), observationSpace: observations,
                                          actionSpace: .box(Box(lowerBound: -.infinity, upperBound: .infinity, size: 1)),
                                          generator: &generator)
        }
        do {
            _ = try SquashedGaussianMLPPolicy(config: .init(), observationSpace: observations,
                                              actionSpace: .discrete(Discrete(count: 2)), generator: &generator)
        } catch let error as MBRLError {
            #expect("\(error)".contains("Box") && "\(error)".contains("Discrete(2)"), "\(error)")
        }
        let decoded = try JSONDecoder().decode(SquashedGaussianMLPPolicy.Config.self, from: Data(#"{"hiddenSizes": [64]}"#.utf8))
        #expect(decoded == .init(hiddenSizes: [64]))
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(SquashedGaussianMLPPolicy.Config.self, from: Data(#"{"hiddenSize": [64]}"#.utf8))
        }
    }
}
