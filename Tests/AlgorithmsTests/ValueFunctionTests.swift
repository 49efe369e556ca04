import Foundation
import Testing
import MBRLCore
import MBRLTesting
import Algorithms

@Suite struct ValueFunctionTests {
    static func smallCritics(criticCount: Int, activation: Activation = .tanh, seed: UInt64) throws -> ActionValueCritics {
        var generator = RandomGenerator(seed: seed)
        return try ActionValueCritics(
            observationSize: 3, actionSize: 2,
            config: .init(hiddenSizes: [5, 4], activation: activation, criticCount: criticCount), generator: &generator)
    }

    @Test(arguments: [(1, UInt64(1)), (2, UInt64(2)), (3, UInt64(3))])
    func criticLossGradientMatchesFiniteDifferences(criticCount: Int, seed: UInt64) throws {
        let critics = try Self.smallCritics(criticCount: criticCount, seed: seed)
        var generator = RandomGenerator(seed: seed + 100)
        let observations = TestData.uniform(6, 3, generator: &generator)
        let actions = TestData.uniform(6, 2, generator: &generator)
        let targets = (0..<6).map { _ in generator.nextUniformFloat(in: -1, 1) }
        let analytic = try critics.lossAndGradients(observations: observations, actions: actions, targets: targets)
        // The loss is SB3's: 0.5 * sum_k mean_b (Q_k - y)^2.
        let values = try critics(observations: observations, actions: actions)
        var expected = 0.0
        for critic in 0..<criticCount {
            var total = 0.0
            for row in 0..<6 { total += pow(Double(values.perCritic[critic, row] - targets[row]), 2) }
            expected += 0.5 * total / 6
        }
        #expect(abs(Double(analytic.loss) - expected) < 1e-5)
        let reports = try GradientCheck(step: 1e-2).checkParameters(of: critics, analytic: analytic.gradients) { candidate in
            Double(try candidate.lossAndGradients(observations: observations, actions: actions, targets: targets).loss)
        }
        for report in reports { #expect(report.passed, "\(report)") }
    }

    @Test(arguments: [(CriticReduction.minimum, 2, UInt64(4)), (.minimum, 3, UInt64(5)), (.mean, 2, UInt64(6)), (.minimum, 1, UInt64(7))])
    func actionGradientMatchesFiniteDifferences(reduction: CriticReduction, criticCount: Int, seed: UInt64) throws {
        let critics = try Self.smallCritics(criticCount: criticCount, seed: seed)
        var generator = RandomGenerator(seed: seed + 100)
        let observations = TestData.uniform(5, 3, generator: &generator)
        let actions = TestData.uniform(5, 2, generator: &generator)
        let weights = (0..<5).map { _ in generator.nextUniformFloat(in: -1, 1) }
        let (values, gradient) = try critics.actionGradient(
            observations: observations, actions: actions, reduction: reduction, weights: weights)
        #expect(values == (try critics(observations: observations, actions: actions)).reduced(reduction))
        // The minimum has kinks where two critics cross; a small step stays away from them.
        let report = try GradientCheck(step: 1e-3, relativeTolerance: 2e-2, allowsKinks: reduction == .minimum)
            .check("actions", at: actions, analytic: gradient) { perturbed in
                let reduced = try critics(observations: observations, actions: perturbed).reduced(reduction)
                return zip(reduced, weights).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            }
        #expect(report.passed, "\(report)")
    }

    @Test func reluCriticsActionGradientMatchesFiniteDifferences() throws {
        let critics = try Self.smallCritics(criticCount: 2, activation: .relu, seed: 8)
        var generator = RandomGenerator(seed: 108)
        let observations = TestData.uniform(4, 3, generator: &generator)
        let actions = TestData.uniform(4, 2, generator: &generator)
        let (_, gradient) = try critics.actionGradient(observations: observations, actions: actions)
        let report = try GradientCheck(step: 1e-3, allowsKinks: true).check("actions", at: actions, analytic: gradient) { perturbed in
            try critics(observations: observations, actions: perturbed).minimum.reduce(0.0) { $0 + Double($1) }
        }
        #expect(report.passed, "\(report)")
    }

    @Test func criticsMatchSeparateNetworksAndTakeTheRowWiseMinimum() throws {
        let critics = try Self.smallCritics(criticCount: 3, seed: 9)
        var generator = RandomGenerator(seed: 109)
        let observations = TestData.uniform(4, 3, generator: &generator)
        let actions = TestData.uniform(4, 2, generator: &generator)
        let values = try critics(observations: observations, actions: actions)
        #expect(values.perCritic.rows == 3 && values.perCritic.columns == 4)
        let inputs = observations.concatenatedColumns(actions)
        for critic in 0..<3 {
            let separate = try critics.networks.member(critic)(inputs)
            for row in 0..<4 { #expect(abs(separate[row, 0] - values.perCritic[critic, row]) < 1e-5) }
        }
        for row in 0..<4 {
            let column = (0..<3).map { values.perCritic[$0, row] }
            #expect(values.minimum[row] == column.min())
            #expect(abs(values.mean[row] - column.reduce(0, +) / 3) < 1e-6)
        }
    }

    @Test func stateValueLossGradientMatchesFiniteDifferences() throws {
        for seed in UInt64(10)...12 {
            var generator = RandomGenerator(seed: seed)
            let value = try StateValueNetwork(observationSize: 3, config: .init(hiddenSizes: [6, 5], activation: .tanh),
                                              generator: &generator)
            let observations = TestData.uniform(7, 3, generator: &generator)
            let targets = (0..<7).map { _ in generator.nextUniformFloat(in: -2, 2) }
            let estimates = try value(observations)
            #expect(estimates.count == 7)
            let (loss, gradients) = try value.lossAndGradients(observations: observations, targets: targets)
            let expected = zip(estimates, targets).reduce(0.0) { $0 + pow(Double($1.0 - $1.1), 2) } / 7
            #expect(abs(Double(loss) - expected) < 1e-5)
            let reports = try GradientCheck().checkParameters(of: value, analytic: gradients) { candidate in
                Double(try candidate.lossAndGradients(observations: observations, targets: targets).loss)
            }
            for report in reports { #expect(report.passed, "\(report)") }
        }
    }

    @Test func polyakUpdateIsExactAndInPlace() throws {
        var target = try MLP(layers: [Dense(weight: Matrix(rows: 2, columns: 1, values: [1, 2]), bias: [4])])
        let source = try MLP(layers: [Dense(weight: Matrix(rows: 2, columns: 1, values: [3, -2]), bias: [0])])
        try target.polyakUpdate(toward: source, rate: 0.25)
        // (1 - 0.25) * target + 0.25 * source
        #expect(target.layers[0].weight.values == [1.5, 1])
        #expect(target.layers[0].bias.values == [3])
        try target.polyakUpdate(toward: source, rate: 1)
        #expect(target == source)
        try target.polyakUpdate(toward: source, rate: 0)
        #expect(target == source)
        #expect(throws: MBRLError.self) { try target.polyakUpdate(toward: source, rate: 1.5) }
        let wider = try MLP(layers: [Dense(weight: Matrix(rows: 3, columns: 1), bias: [0])])
        #expect(throws: MBRLError.self) { try target.polyakUpdate(toward: wider, rate: 0.5) }

        // Critics: the update touches every parameter.
        var targetCritics = try Self.smallCritics(criticCount: 2, seed: 13)
        let critics = try Self.smallCritics(criticCount: 2, seed: 14)
        let before = targetCritics.flattenedParameters(), online = critics.flattenedParameters()
        try targetCritics.polyakUpdate(toward: critics, rate: 0.005)
        for (index, value) in targetCritics.flattenedParameters().enumerated() {
            #expect(abs(value - (0.995 * before[index] + 0.005 * online[index])) < 1e-6)
        }
    }

    @Test func checkpointRoundTrip() throws {
        let critics = try Self.smallCritics(criticCount: 2, seed: 15)
        var generator = RandomGenerator(seed: 16)
        let value = try StateValueNetwork(observationSize: 3, config: .init(hiddenSizes: [4]), generator: &generator)
        var writer = CheckpointWriter()
        try critics.write(to: &writer, prefix: "critics")
        try value.write(to: &writer, prefix: "value")
        let checkpoint = try Checkpoint(data: writer.encodedData())
        var freshCritics = try Self.smallCritics(criticCount: 2, seed: 17)
        var freshValue = try StateValueNetwork(observationSize: 3, config: .init(hiddenSizes: [4]), generator: &generator)
        #expect(freshCritics != critics && freshValue != value)
        try freshCritics.read(from: checkpoint, prefix: "critics")
        try freshValue.read(from: checkpoint, prefix: "value")
        #expect(freshCritics == critics && freshValue == value)
        var threeCritics = try Self.smallCritics(criticCount: 3, seed: 18)
        #expect(throws: MBRLError.self) { try threeCritics.read(from: checkpoint, prefix: "critics") }
    }

    @Test func configsDecodeStrictlyWithDefaults() throws {
        let decoded = try JSONDecoder().decode(ActionValueCritics.Config.self, from: Data("{}".utf8))
        #expect(decoded == ActionValueCritics.Config())
        #expect(decoded.hiddenSizes == [256, 256] && decoded.activation == .relu && decoded.criticCount == 2)
        let custom = try JSONDecoder().decode(
            ActionValueCritics.Config.self, from: Data(#"{"hiddenSizes": [64], "activation": "tanh", "criticCount": 5}"#.utf8))
        #expect(custom.hiddenSizes == [64] && custom.activation == .tanh && custom.criticCount == 5)
        #expect { try JSONDecoder().decode(ActionValueCritics.Config.self, from: Data(#"{"criticCont": 2}"#.utf8)) }
            throws: { "\($0)".contains("criticCount") }
        #expect(throws: (any Error).self) {
            try JSONDecoder().decode(ActionValueCritics.Config.self, from: Data(#"{"criticCount": 0}"#.utf8))
        }
        let value = try JSONDecoder().decode(StateValueNetwork.Config.self, from: Data("{}".utf8))
        #expect(value == StateValueNetwork.Config())
        #expect(throws: (any Error).self) {
            try JSONDecoder().decode(StateValueNetwork.Config.self, from: Data(#"{"hidden": [3]}"#.utf8))
        }
    }

    @Test func shapeErrorsNameBothShapes() throws {
        let critics = try Self.smallCritics(criticCount: 2, seed: 19)
        #expect {
            try critics(observations: Matrix(rows: 2, columns: 4), actions: Matrix(rows: 2, columns: 2))
        } throws: { "\($0)".contains("[B, 3]") && "\($0)".contains("2 x 4") }
        #expect(throws: MBRLError.self) {
            try critics.lossAndGradients(observations: Matrix(rows: 2, columns: 3), actions: Matrix(rows: 2, columns: 2), targets: [1])
        }
    }
}
