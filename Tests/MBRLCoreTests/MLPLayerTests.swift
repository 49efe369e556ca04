import Foundation
import MBRLCore
import MBRLTesting
import Testing

@Suite struct MLPLayerTests {
    private func makeNetwork(activation: Activation, seed: UInt64 = 20) throws -> MLP {
        var generator = RandomGenerator(seed: seed)
        var network = try MLP(inputSize: 3, hiddenSizes: [5, 4], outputSize: 2, activation: activation,
                              initializer: .glorotUniform, generator: &generator)
        // Non-zero biases so the bias paths are exercised.
        let parameters = network.parameters.map { parameter in
            parameter.rows == 1 ? TestData.uniform(1, parameter.columns, scale: 0.3, generator: &generator) : parameter
        }
        try network.setParameters(parameters)
        return network
    }

    @Test func forwardMatchesLayerByLayer() throws {
        let network = try makeNetwork(activation: .silu)
        var generator = RandomGenerator(seed: 21)
        let input = TestData.uniform(7, 3, generator: &generator)
        var expected = input
        for layer in network.layers { expected = DenseLayerTests.reference(layer, expected) }
        #expect(try network(input).maxAbsoluteDifference(expected) < 1e-5)
        #expect(try network.forward(input).output.maxAbsoluteDifference(expected) < 1e-5)
        #expect(network.layers.map(\.activation) == [.silu, .silu, .identity])
        #expect(network.hiddenSizes == [5, 4])
        #expect(network.inputSize == 3 && network.outputSize == 2)
    }

    @Test(arguments: [(Activation.tanh, false), (.silu, false), (.relu, true), (.elu(alpha: 1), false)])
    func gradientsMatchFiniteDifferences(activation: Activation, hasKinks: Bool) throws {
        let network = try makeNetwork(activation: activation)
        var generator = RandomGenerator(seed: 22)
        let input = TestData.uniform(6, 3, scale: 1.5, generator: &generator)
        let projection = TestData.uniform(6, 2, generator: &generator)
        let (_, tape) = try network.forward(input)
        let (parameterGradients, inputGradient) = try network.backward(projection, tape: tape)
        var checker = GradientCheck()
        checker.allowsKinks = hasKinks
        let reports = try checker.checkParameters(of: network, analytic: parameterGradients) {
            TestData.projected(try $0(input), projection)
        }
        #expect(reports.count == 6)
        for report in reports { #expect(report.passed, "\(activation.name) \(report)") }
        let inputReport = try checker.check("input", at: input, analytic: try #require(inputGradient)) {
            TestData.projected(try network($0), projection)
        }
        #expect(inputReport.passed, "\(activation.name) \(inputReport)")
        // Skipping the input gradient changes nothing else.
        let withoutInput = try network.backward(projection, tape: tape, needsInputGradient: false)
        #expect(withoutInput.inputGradient == nil)
        #expect(withoutInput.parameterGradients == parameterGradients)
    }

    @Test func parameterBookkeeping() throws {
        var network = try makeNetwork(activation: .relu)
        #expect(network.parameterCount == 3 * 5 + 5 + 5 * 4 + 4 + 4 * 2 + 2)
        #expect(network.parameterNames == ["layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias",
                                           "layers.2.weight", "layers.2.bias"])
        #expect(network.parameters.map(\.shape.rows) == [3, 1, 5, 1, 4, 1])
        let flat = network.flattenedParameters()
        #expect(flat.count == network.parameterCount)
        #expect(Array(flat[0..<15]) == network.layers[0].weight.values)
        try network.setFlattenedParameters(flat.map { $0 * 2 })
        #expect(network.flattenedParameters() == flat.map { $0 * 2 })
        #expect(throws: MBRLError.self) { try network.setFlattenedParameters([1, 2, 3]) }
        #expect(throws: MBRLError.self) { try network.setParameters(Array(network.parameters.dropLast())) }
        // In-place updates keep the values that were written.
        network.updateParameters { parameters in parameters[1].fill(with: 0.5) }
        #expect(network.layers[0].bias == Matrix(rows: 1, columns: 5, repeating: 0.5))
    }

    @Test func constructionErrorsAndDeterminism() throws {
        var generator = RandomGenerator(seed: 23)
        #expect(throws: MBRLError.self) { _ = try MLP(inputSize: 3, hiddenSizes: [0], outputSize: 2, generator: &generator) }
        let first = try Dense(inputSize: 3, outputSize: 4, generator: &generator)
        let second = try Dense(inputSize: 5, outputSize: 2, generator: &generator)
        #expect(throws: MBRLError.self) { _ = try MLP(layers: [first, second]) }
        #expect(throws: MBRLError.self) { _ = try MLP(layers: []) }
        var generatorA = RandomGenerator(seed: 24), generatorB = RandomGenerator(seed: 24)
        let a = try MLP(inputSize: 3, hiddenSizes: [8], outputSize: 2, generator: &generatorA)
        let b = try MLP(inputSize: 3, hiddenSizes: [8], outputSize: 2, generator: &generatorB)
        #expect(a == b)
        #expect(a.layers[1].bias == Matrix(rows: 1, columns: 2))
        let network = try makeNetwork(activation: .tanh)
        #expect(throws: MBRLError.self) { _ = try network(Matrix(rows: 2, columns: 4)) }
    }

    @Test func codableRoundTrip() throws {
        let network = try makeNetwork(activation: .elu(alpha: 0.5))
        let decoded = try JSONDecoder().decode(MLP.self, from: try JSONEncoder().encode(network))
        #expect(decoded == network)
    }

    @Test func trainingReducesTheLoss() throws {
        // Fit y = sin(3 x) on [-1, 1] with a small network: the loss must fall at least tenfold.
        var generator = RandomGenerator(seed: 25)
        var network = try MLP(inputSize: 1, hiddenSizes: [32, 32], outputSize: 1, activation: .silu, generator: &generator)
        let inputs = TestData.uniform(64, 1, generator: &generator)
        let targets = inputs.map { sinf(3 * $0) }
        var optimizer = try Adam(learningRate: 1e-2)
        let initialLoss = try MeanSquaredError.loss(prediction: try network(inputs), target: targets)
        for _ in 0..<300 {
            let (prediction, tape) = try network.forward(inputs)
            let (_, gradient) = try MeanSquaredError.lossAndGradient(prediction: prediction, target: targets)
            let gradients = try network.backward(gradient, tape: tape, needsInputGradient: false)
            try optimizer.step(&network, gradients: gradients.parameterGradients)
        }
        let finalLoss = try MeanSquaredError.loss(prediction: try network(inputs), target: targets)
        #expect(finalLoss < initialLoss / 10, "loss \(initialLoss) -> \(finalLoss)")
    }
}
