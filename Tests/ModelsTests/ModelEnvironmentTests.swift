import MBRLCore
import Models
import Testing

@Suite struct ModelEnvironmentTests {
    let model = LinearToyModel(stateMatrix: Matrix(rows: 2, columns: 2, values: [0.9, 0.1, -0.2, 1.0]),
                               actionMatrix: Matrix(rows: 2, columns: 1, values: [0.5, -0.3]))
    let actionSpace = Space.box(Box(lowerBound: [-1], upperBound: [1]))

    @Test func returnsMatchAHandRollout() throws {
        let evaluator = try ModelEnvironment(model: model, actionSpace: actionSpace, rewardFunction: QuadraticReward(),
                                             terminationFunction: nil, config: .init(particleCount: 3))
        var generator = RandomGenerator(seed: 0)
        let sequences = Matrix(rows: 2, columns: 3, values: [0.5, -0.5, 1.0, 0, 0, 0])
        let returns = try evaluator.evaluate(from: [1, -1], actionSequences: sequences, horizon: 3, generator: &generator)
        for sequence in 0..<2 {
            var state = Matrix(row: [1, -1])
            var expected: Float = 0
            for step in 0..<3 {
                let action = Matrix(row: [sequences[sequence, step]])
                let next = try model.predict(observations: state, actions: action, generator: &generator).nextObservations
                expected += QuadraticReward().rewards(observations: state, actions: action, nextObservations: next)[0]
                state = next
            }
            #expect(abs(returns[sequence] - expected) < 1e-4)
        }
    }

    @Test func rewardsStopAfterTermination() throws {
        let ensemble = OffsetEnsemble(memberCount: 1)
        let evaluator = try ModelEnvironment(model: ensemble, actionSpace: actionSpace, rewardFunction: FirstCoordinateReward(),
                                             terminationFunction: ThresholdTermination(threshold: 1.5),
                                             config: .init(particleCount: 1))
        var generator = RandomGenerator(seed: 0)
        // States 1, 2 (terminates, still paid), 3 (not paid), 4 (not paid).
        let returns = try evaluator.evaluate(from: [0], actionSequences: Matrix(row: [1, 1, 1, 1]), horizon: 4, generator: &generator)
        #expect(returns == [3])
    }

    /// A model whose learned head terminates with a fixed probability at every step.
    struct LeakyModel: DynamicsModel {
        var observationSize: Int { 1 }
        var actionSize: Int { 1 }
        let probabilities: [Float]
        var predictsTerminations: Bool { true }
        func predict(observations: Matrix, actions: Matrix, generator: inout RandomGenerator) throws -> ModelPrediction {
            let next = Matrix(rows: observations.rows, columns: 1, values: observations.values.map { $0 + 1 })
            let step = Int(observations[0, 0])
            let probability = probabilities[min(step, probabilities.count - 1)]
            return ModelPrediction(nextObservations: next, terminations: Array(repeating: probability > 0.5, count: observations.rows),
                                   terminationProbabilities: Array(repeating: probability, count: observations.rows))
        }
    }

    @Test func learnedTerminationProbabilitiesWeightTheRestOfTheReturn() throws {
        // Rewards 1, 2, 3, 4 (the next state); continuation 1, 0.9, 0.9 * 0.6, 0.9 * 0.6 * 0.5.
        let model = LeakyModel(probabilities: [0.1, 0.4, 0.5, 0.9])
        let evaluator = try ModelEnvironment(model: model, actionSpace: actionSpace, rewardFunction: FirstCoordinateReward(),
                                             terminationFunction: nil, config: .init(particleCount: 1))
        var generator = RandomGenerator(seed: 0)
        let returns = try evaluator.evaluate(from: [0], actionSequences: Matrix(row: [1, 1, 1, 1]), horizon: 4, generator: &generator)
        let expected: Float = 1 + 0.9 * 2 + 0.9 * 0.6 * 3 + 0.9 * 0.6 * 0.5 * 4
        #expect(abs(returns[0] - expected) < 1e-5, "\(returns[0]) vs \(expected)")
        // A known termination rule is still a hard cut.
        let known = try ModelEnvironment(model: model, actionSpace: actionSpace, rewardFunction: FirstCoordinateReward(),
                                         terminationFunction: ThresholdTermination(threshold: 1.5), config: .init(particleCount: 1))
        #expect(try known.evaluate(from: [0], actionSequences: Matrix(row: [1, 1, 1, 1]), horizon: 4, generator: &generator) == [3])
    }

    @Test func fixedModelKeepsEachParticleOnOneMember() throws {
        let ensemble = OffsetEnsemble(memberCount: 4)
        let sequences = Matrix(rows: 1, columns: 5, values: [0, 0, 0, 0, 0])
        var generator = RandomGenerator(seed: 3)
        let fixed = try ModelEnvironment(model: ensemble, actionSpace: actionSpace, rewardFunction: FirstCoordinateReward(),
                                         terminationFunction: nil, config: .init(particleCount: 4, propagation: .fixedModel))
        // Member m contributes m * (1 + 2 + ... + 5) = 15 m; mean over members 0...3 is 22.5.
        let fixedReturn = try fixed.evaluate(from: [0], actionSequences: sequences, horizon: 5, generator: &generator)
        #expect(abs(fixedReturn[0] - 22.5) < 1e-4)
        let random = try ModelEnvironment(model: ensemble, actionSpace: actionSpace, rewardFunction: FirstCoordinateReward(),
                                          terminationFunction: nil, config: .init(particleCount: 4, propagation: .randomModel))
        // Balanced assignment every step: each step adds 1.5 on average, so the mean return is the same.
        let randomReturn = try random.evaluate(from: [0], actionSequences: sequences, horizon: 5, generator: &generator)
        #expect(abs(randomReturn[0] - 22.5) < 1e-4)
        // With a convex reward the two modes differ: a particle that keeps member m reaches
        // states m, 2m, ..., 5m and earns 55 m^2, a mean of 55 * 14 / 4 = 192.5 over members.
        let fixedSquares = try ModelEnvironment(model: ensemble, actionSpace: actionSpace, rewardFunction: SquaredReward(),
                                                terminationFunction: nil, config: .init(particleCount: 4, propagation: .fixedModel))
        let fixedSquaresReturn = try fixedSquares.evaluate(from: [0], actionSequences: sequences, horizon: 5, generator: &generator)
        #expect(abs(fixedSquaresReturn[0] - 192.5) < 1e-3)
        // Re-drawn members: E[sum s_t^2] = sum (1.25 t + 2.25 t^2) = 142.5.
        let randomSquares = try ModelEnvironment(model: ensemble, actionSpace: actionSpace, rewardFunction: SquaredReward(),
                                                 terminationFunction: nil, config: .init(particleCount: 400, propagation: .randomModel))
        let randomSquaresReturn = try randomSquares.evaluate(from: [0], actionSequences: sequences, horizon: 5, generator: &generator)
        #expect(abs(randomSquaresReturn[0] - 142.5) < 10)
        let expectation = try ModelEnvironment(model: ensemble, actionSpace: actionSpace, rewardFunction: FirstCoordinateReward(),
                                               terminationFunction: nil, config: .init(particleCount: 1, propagation: .expectation))
        let expectedReturn = try expectation.evaluate(from: [0], actionSequences: sequences, horizon: 5, generator: &generator)
        #expect(abs(expectedReturn[0] - 22.5) < 1e-4)
    }

    struct SquaredReward: RewardFunction {
        func rewards(observations: Matrix, actions: Matrix, nextObservations: Matrix) -> [Float] {
            (0..<nextObservations.rows).map { nextObservations[$0, 0] * nextObservations[$0, 0] }
        }
    }

    @Test func particlesAverageNoise() throws {
        let noisy = OffsetEnsemble(memberCount: 1, noise: 1)
        let evaluator = try ModelEnvironment(model: noisy, actionSpace: actionSpace, rewardFunction: FirstCoordinateReward(),
                                             terminationFunction: nil, config: .init(particleCount: 2000))
        var generator = RandomGenerator(seed: 1)
        let returns = try evaluator.evaluate(from: [0], actionSequences: Matrix(row: [1]), horizon: 1, generator: &generator)
        #expect(abs(returns[0] - 1) < 0.1)
    }

    @Test func rejectsBadInputsWithClearErrors() throws {
        let evaluator = try ModelEnvironment(model: model, actionSpace: actionSpace, rewardFunction: QuadraticReward(),
                                             terminationFunction: nil)
        var generator = RandomGenerator(seed: 0)
        #expect(throws: MBRLError.self) {
            try evaluator.evaluate(from: [1], actionSequences: Matrix(row: [0, 0]), horizon: 2, generator: &generator)
        }
        #expect(throws: MBRLError.self) {
            try evaluator.evaluate(from: [1, 1], actionSequences: Matrix(row: [0, 0, 0]), horizon: 2, generator: &generator)
        }
        #expect(throws: MBRLError.self) {
            try ModelEnvironment(model: model, actionSpace: actionSpace, rewardFunction: nil, terminationFunction: nil)
        }
        #expect(throws: MBRLError.self) {
            try ModelEnvironment(model: model, actionSpace: actionSpace, rewardFunction: QuadraticReward(),
                                 terminationFunction: nil, config: .init(particleCount: 0))
        }
    }

    @Test func returnGradientsMatchFiniteDifferences() throws {
        let evaluator = try ModelEnvironment(model: model, actionSpace: actionSpace, rewardFunction: QuadraticReward(),
                                             terminationFunction: nil, config: .init(particleCount: 1, discount: 0.9))
        #expect(evaluator.capabilities.contains(.returnGradients))
        var generator = RandomGenerator(seed: 0)
        let sequences = Matrix(rows: 2, columns: 4, values: [0.3, -0.2, 0.8, 0.1, -0.5, 0.4, 0.0, 0.9])
        let (returns, gradients) = try evaluator.evaluateWithGradients(
            from: [0.7, -0.4], actionSequences: sequences, horizon: 4, generator: &generator)
        let plain = try evaluator.evaluate(from: [0.7, -0.4], actionSequences: sequences, horizon: 4, generator: &generator)
        for row in 0..<2 { #expect(abs(returns[row] - plain[row]) < 1e-5) }
        let epsilon: Float = 1e-2
        for row in 0..<2 {
            for column in 0..<4 {
                var plus = sequences, minus = sequences
                plus[row, column] += epsilon
                minus[row, column] -= epsilon
                let up = try evaluator.evaluate(from: [0.7, -0.4], actionSequences: plus, horizon: 4, generator: &generator)[row]
                let down = try evaluator.evaluate(from: [0.7, -0.4], actionSequences: minus, horizon: 4, generator: &generator)[row]
                let numeric = (up - down) / (2 * epsilon)
                #expect(abs(numeric - gradients[row, column]) < 2e-3 * max(1, abs(numeric)),
                        "d return / d a[\(row), \(column)]: analytic \(gradients[row, column]), numeric \(numeric)")
            }
        }
    }

    @Test func gradientsNeedADifferentiableReward() throws {
        let evaluator = try ModelEnvironment(model: model, actionSpace: actionSpace, rewardFunction: FirstCoordinateReward(),
                                             terminationFunction: nil)
        #expect(!evaluator.capabilities.contains(.returnGradients))
        var generator = RandomGenerator(seed: 0)
        #expect(throws: MBRLError.self) {
            try evaluator.evaluateWithGradients(from: [0, 0], actionSequences: Matrix(row: [0]), horizon: 1, generator: &generator)
        }
    }
}
