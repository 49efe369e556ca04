import Algorithms
import Foundation
import MBRLCore
import MBRLTesting
import Testing

/// DDPG/TD3's deterministic policy: the pullback in both modes, the bounds, the noise scale.
@Suite struct DeterministicPolicyTests {
    typealias Checks = PolicyGradientTesting

    func makePolicy(_ shape: (observationSize: Int, actionSize: Int, hiddenSizes: [Int], rows: Int),
                    activation: Activation = .tanh, noise: Float = 0.1, generator: inout RandomGenerator) throws
        -> (policy: DeterministicMLPPolicy, observations: Matrix) {
        let policy = try DeterministicMLPPolicy(
            config: .init(hiddenSizes: shape.hiddenSizes, activation: activation, explorationNoise: noise),
            observationSpace: .box(Box(lowerBound: -1, upperBound: 1, size: shape.observationSize)),
            actionSpace: .box(Checks.randomBox(size: shape.actionSize, generator: &generator)), generator: &generator)
        return (policy, TestData.uniform(shape.rows, shape.observationSize, generator: &generator))
    }

    @Test func actionsWithPullbackInBothModes() throws {
        for shape in Checks.shapes {
            for seed in Checks.seeds {
                for (activation, kinks) in [(Activation.tanh, false), (.relu, true)] {
                    for mode in [ActionMode.exploration, .evaluation] {
                        var generator = RandomGenerator(seed: seed)
                        let (policy, observations) = try makePolicy(shape, activation: activation, noise: 0.3, generator: &generator)
                        let projection = TestData.uniform(shape.rows, shape.actionSize, generator: &generator)
                        var noise = RandomGenerator(seed: seed + 3)
                        let (actions, pullback) = try policy.actionsWithPullback(for: observations, mode: mode, generator: &noise)
                        var again = RandomGenerator(seed: seed + 3)
                        #expect(actions == (try policy.actions(for: observations, mode: mode, generator: &again)))
                        var checker = Checks.checker
                        checker.allowsKinks = kinks || mode == .exploration   // the clip is a kink
                        try Checks.expectGradients(policy, observations: observations, analytic: try pullback(projection),
                                                   checker: checker) { candidate, inputs in
                            var noise = RandomGenerator(seed: seed + 3)
                            return TestData.projected(try candidate.actionsWithPullback(for: inputs, mode: mode, generator: &noise).actions,
                                                      projection)
                        }
                    }
                }
            }
        }
    }

    @Test func boundsAndNoiseScale() throws {
        var generator = RandomGenerator(seed: 4)
        let box = Box(lowerBound: [-3, 0], upperBound: [1, 10])
        let layer = try Dense(weight: Matrix(rows: 2, columns: 2), bias: [0.2, -0.1])
        let policy = try DeterministicMLPPolicy(network: try MLP(layers: [layer]), actionBounds: box, explorationNoise: 0.1)
        let observations = Matrix(rows: 20_000, columns: 2)
        let evaluation = try policy.actions(for: observations, mode: .evaluation, generator: &generator)
        let expected: [Float] = [-3 + (tanhf(0.2) + 1) / 2 * 4, 0 + (tanhf(-0.1) + 1) / 2 * 10]
        #expect(abs(evaluation[0, 0] - expected[0]) < 1e-5 && abs(evaluation[0, 1] - expected[1]) < 1e-5)
        let exploring = try policy.actions(for: observations, mode: .exploration, generator: &generator)
        for column in 0..<2 {
            let deviations = (0..<observations.rows).map { Double(exploring[$0, column] - expected[column]) }
            let standardDeviation = (deviations.reduce(0) { $0 + $1 * $1 } / Double(deviations.count)).squareRoot()
            let halfWidth = Double(box.upperBound[column] - box.lowerBound[column]) / 2
            #expect(abs(standardDeviation - 0.1 * halfWidth) < 0.03 * 0.1 * halfWidth, "column \(column): \(standardDeviation)")
        }
        // Large inputs saturate tanh and large noise hits the clip: every action stays in the box.
        var (wide, _) = try makePolicy((3, 2, [8], 1), noise: 2, generator: &generator)
        wide.explorationNoise = 2
        let extreme = TestData.uniform(500, 3, scale: 50, generator: &generator)
        for mode in [ActionMode.exploration, .evaluation] {
            let actions = try wide.actions(for: extreme, mode: mode, generator: &generator)
            for row in 0..<actions.rows { #expect(wide.actionBounds.contains(actions.row(row)), "\(actions.row(row))") }
        }
    }

    @Test func checkpointRoundTripAndRefusals() throws {
        var generator = RandomGenerator(seed: 9)
        let (policy, observations) = try makePolicy((3, 2, [5, 4], 3), generator: &generator)
        var blank = policy
        try blank.setFlattenedParameters(policy.flattenedParameters().map { $0 + 1 })
        let restored = try Checks.roundTrip(policy, into: blank)
        #expect(restored == policy)
        #expect(try restored.actions(for: observations, mode: .evaluation, generator: &generator)
                == (try policy.actions(for: observations, mode: .evaluation, generator: &generator)))
        #expect(throws: MBRLError.self) {
            try DeterministicMLPPolicy(config: .init(), observationSpace: .box(Box(lowerBound: -1, upperBound: 1, size: 3)),
                                       actionSpace: .discrete(Discrete(count: 2)), generator: &generator)
        }
        #expect(throws: MBRLError.self) {
            try DeterministicMLPPolicy(config: .init(), observationSpace: .discrete(Discrete(count: 5)),
                                       actionSpace: .box(Box(lowerBound: -1, upperBound: 1, size: 1)), generator: &generator)
        }
        let decoded = try JSONDecoder().decode(DeterministicMLPPolicy.Config.self, from: Data(#"{"explorationNoise": 0.2}"#.utf8))
        #expect(decoded == .init(explorationNoise: 0.2))
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(DeterministicMLPPolicy.Config.self, from: Data(#"{"explorationNoise": -1}"#.utf8))
        }
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(DeterministicMLPPolicy.Config.self, from: Data(#"{"noise": 0.1}"#.utf8))
        }
    }
}
