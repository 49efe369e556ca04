import MBRLCore
import Models
import Testing

/// Prediction paths of `DynamicsEnsemble`: the routed (trajectory-sampling) call, the
/// expectation, the predictive distribution, elites and Gaussian sampling.
@Suite struct DynamicsEnsemblePredictionTests {
    static let actionSpace = Space.box(Box(lowerBound: -1, upperBound: 1, size: 2))

    static func model(_ kind: DynamicsModelKind, members: Int = 4, heads: Bool = false) throws -> (DynamicsEnsemble, TransitionBatch) {
        var generator = RandomGenerator(seed: 21)
        var config = DynamicsModelConfig(kind: kind, ensembleSize: members, eliteCount: members, hiddenSizes: [16, 16],
                                         normalizeOutputs: true, learnedReward: heads, learnedTermination: heads)
        config.noDeltaDimensions = [2]
        var model = try DynamicsEnsemble(config: config, observationSize: 3, actionSpace: actionSpace, generator: &generator)
        let data = NeuralModelTestSupport.syntheticTransitions(count: 40, observationSize: 3, actionSize: 2, scale: 2,
                                                               generator: &generator)
        try model.fitNormalizers(to: data)
        return (model, data)
    }

    @Test(arguments: [false, true])
    func routedRowsMatchEachMembersOwnPrediction(heads: Bool) throws {
        let (model, data) = try Self.model(.deterministic, heads: heads)
        var generator = RandomGenerator(seed: 1)
        let rows = data.count
        // Each member alone on every row, then a mixed routing: every row must match its member.
        var alone: [ModelPrediction] = []
        for member in 0..<model.memberCount {
            alone.append(try model.predict(observations: data.observations, actions: data.actions,
                                           members: Array(repeating: member, count: rows), generator: &generator))
        }
        let routing = (0..<rows).map { ($0 * 7 + $0 / 3) % model.memberCount }
        let mixed = try model.predict(observations: data.observations, actions: data.actions, members: routing, generator: &generator)
        for row in 0..<rows {
            let own = alone[routing[row]]
            #expect(zip(mixed.nextObservations.row(row), own.nextObservations.row(row)).allSatisfy { abs($0 - $1) < 1e-5 })
            if heads {
                #expect(abs((mixed.rewards?[row] ?? .nan) - (own.rewards?[row] ?? .nan)) < 1e-5)
                #expect(mixed.terminations?[row] == own.terminations?[row])
                let probability = mixed.terminationProbabilities?[row] ?? .nan
                #expect(abs(probability - (own.terminationProbabilities?[row] ?? .nan)) < 1e-5)
                #expect(probability > 0 && probability < 1 && (probability > 0.5) == mixed.terminations?[row])
            } else {
                #expect(mixed.terminationProbabilities == nil)
            }
        }
        // The expectation and the distribution's mean are the members' average.
        let expectation = try model.predict(observations: data.observations, actions: data.actions, generator: &generator)
        if heads, let probabilities = expectation.terminationProbabilities, let terminations = expectation.terminations {
            #expect(probabilities.count == rows && zip(probabilities, terminations).allSatisfy { ($0 > 0.5) == $1 })
        } else {
            #expect(!heads && expectation.terminationProbabilities == nil)
        }
        let distribution = try model.predictiveDistribution(observations: data.observations, actions: data.actions)
        var average = Matrix(rows: rows, columns: 3)
        for prediction in alone { average.add(prediction.nextObservations, scaledBy: 1 / Float(model.memberCount)) }
        #expect(expectation.nextObservations.maxAbsoluteDifference(average) < 1e-4)
        #expect(distribution.mean.maxAbsoluteDifference(average) < 1e-4)
        #expect(distribution.aleatoricVariance.norm() == 0)
        // Epistemic variance is the members' spread.
        for row in 0..<3 {
            for column in 0..<3 {
                let values = alone.map { Double($0.nextObservations[row, column]) }
                let mean = values.reduce(0, +) / Double(values.count)
                let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)
                #expect(abs(Double(distribution.epistemicVariance[row, column]) - variance) <= 1e-4 * max(variance, 1e-2))
            }
        }
    }

    @Test func elitesRenumberTheMembers() throws {
        var (model, data) = try Self.model(.deterministic, members: 5)
        var generator = RandomGenerator(seed: 2)
        let before = try model.predict(observations: data.observations, actions: data.actions,
                                       members: Array(repeating: 3, count: data.count), generator: &generator)
        try model.setElites([3, 1])
        #expect(model.elites == [1, 3])
        #expect(model.memberCount == 2)
        let after = try model.predict(observations: data.observations, actions: data.actions,
                                      members: Array(repeating: 1, count: data.count), generator: &generator)
        #expect(after.nextObservations == before.nextObservations)
        #expect(throws: MBRLError.self) {
            try model.predict(observations: data.observations, actions: data.actions,
                              members: Array(repeating: 2, count: data.count), generator: &generator)
        }
        #expect(throws: MBRLError.self) { try model.setElites([0, 0]) }
        #expect(throws: MBRLError.self) { try model.setElites([5]) }
    }

    @Test func gaussianSamplesHaveThePredictedVariance() throws {
        let (model, data) = try Self.model(.gaussian, members: 2)
        let rows = 20_000
        let observation = data.observations.row(0), action = data.actions.row(0)
        var observations = Matrix(rows: rows, columns: 3), actions = Matrix(rows: rows, columns: 2)
        for row in 0..<rows {
            observations.setRow(row, to: observation)
            actions.setRow(row, to: action)
        }
        var generator = RandomGenerator(seed: 9)
        let samples = try model.predict(observations: observations, actions: actions,
                                        members: Array(repeating: 1, count: rows), generator: &generator)
        var elite = model
        try elite.setElites([model.elites[1]])
        let distribution = try elite.predictiveDistribution(observations: observations.rows(0..<1), actions: actions.rows(0..<1))
        for column in 0..<3 {
            let values = (0..<rows).map { Double(samples.nextObservations[$0, column]) }
            let mean = values.reduce(0, +) / Double(rows)
            let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(rows - 1)
            let expected = Double(distribution.aleatoricVariance[0, column])
            #expect(abs(mean - Double(distribution.mean[0, column])) < 4 * (expected / Double(rows)).squareRoot())
            #expect(abs(variance / expected - 1) < 0.05, "column \(column): \(variance) vs \(expected)")
        }
        // The same generator state gives the same samples; another state gives others.
        var first = RandomGenerator(seed: 4), second = RandomGenerator(seed: 4), third = RandomGenerator(seed: 5)
        let a = try model.predict(observations: data.observations, actions: data.actions, generator: &first)
        let b = try model.predict(observations: data.observations, actions: data.actions, generator: &second)
        let c = try model.predict(observations: data.observations, actions: data.actions, generator: &third)
        #expect(a == b)
        #expect(a != c)
    }

    @Test func rejectsInputsOfTheWrongShape() throws {
        let (model, data) = try Self.model(.deterministic)
        var generator = RandomGenerator(seed: 0)
        #expect(throws: MBRLError.self) {
            try model.predict(observations: data.actions, actions: data.actions, generator: &generator)
        }
        #expect(throws: MBRLError.self) {
            try model.predict(observations: data.observations, actions: data.actions, members: [0], generator: &generator)
        }
        let empty = try model.predict(observations: Matrix(rows: 0, columns: 3), actions: Matrix(rows: 0, columns: 2),
                                      members: [], generator: &generator)
        #expect(empty.nextObservations.rows == 0)
    }

    @Test func plansThroughModelEnvironment() throws {
        let (model, _) = try Self.model(.gaussian, members: 3)
        let evaluator = try ModelEnvironment(
            model: model, actionSpace: Self.actionSpace, rewardFunction: FirstCoordinateReward(), terminationFunction: nil,
            config: .init(particleCount: 4, propagation: .fixedModel))
        var generator = RandomGenerator(seed: 0)
        var sequences = Matrix(rows: 10, columns: 5 * 2)
        generator.fillUniform(&sequences, lower: -1, upper: 1)
        let returns = try evaluator.evaluate(from: [0.1, -0.2, 0.3], actionSequences: sequences, horizon: 5, generator: &generator)
        #expect(returns.count == 10 && returns.allSatisfy(\.isFinite))
        #expect(evaluator.capabilities.contains(.sequenceScoring))
    }
}
