import Foundation
import MBRLCore
import MBRLTesting
import Testing

@Suite struct DenseLayerTests {
    /// A naive reference: `activation(x · W + b)` with scalar loops.
    static func reference(_ layer: Dense, _ input: Matrix) -> Matrix {
        var output = Matrix(rows: input.rows, columns: layer.outputSize)
        for row in 0..<input.rows {
            for column in 0..<layer.outputSize {
                var total = layer.bias[0, column]
                for inner in 0..<layer.inputSize { total += input[row, inner] * layer.weight[inner, column] }
                output[row, column] = layer.activation.value(total)
            }
        }
        return output
    }

    @Test(arguments: TestData.activations.map(\.activation))
    func forwardMatchesReference(activation: Activation) throws {
        var generator = RandomGenerator(seed: 10)
        var layer = try Dense(inputSize: 5, outputSize: 7, activation: activation, generator: &generator)
        try layer.setParameters([layer.weight, TestData.uniform(1, 7, generator: &generator)])
        let input = TestData.uniform(9, 5, scale: 2, generator: &generator)
        let expected = Self.reference(layer, input)
        #expect(try layer(input).maxAbsoluteDifference(expected) < 1e-5)
        let (output, tape) = try layer.forward(input)
        #expect(output.maxAbsoluteDifference(expected) < 1e-5)
        #expect((tape.activationDerivative != nil) == activation.backwardNeedsPreActivation)
    }

    @Test(arguments: TestData.activations)
    func gradientsMatchFiniteDifferences(activation: Activation, hasKinks: Bool) throws {
        var generator = RandomGenerator(seed: 11)
        var layer = try Dense(inputSize: 4, outputSize: 3, activation: activation,
                              initializer: .glorotUniform, generator: &generator)
        try layer.setParameters([layer.weight, TestData.uniform(1, 3, scale: 0.5, generator: &generator)])
        let input = TestData.uniform(6, 4, scale: 1.5, generator: &generator)
        let projection = TestData.uniform(6, 3, generator: &generator)
        let (_, tape) = try layer.forward(input)
        let (parameterGradients, inputGradient) = try layer.backward(projection, tape: tape)
        var checker = GradientCheck()
        checker.allowsKinks = hasKinks
        let parameterReports = try checker.checkParameters(of: layer, analytic: parameterGradients) {
            TestData.projected(try $0(input), projection)
        }
        for report in parameterReports { #expect(report.passed, "\(activation.name) \(report)") }
        let inputReport = try checker.check("input", at: input, analytic: try #require(inputGradient)) {
            TestData.projected(try layer($0), projection)
        }
        #expect(inputReport.passed, "\(activation.name) \(inputReport)")
    }

    @Test func standaloneActivationBackwardMatchesDerivative() throws {
        var generator = RandomGenerator(seed: 12)
        let x = TestData.uniform(3, 5, scale: 3, generator: &generator)
        let upstream = TestData.uniform(3, 5, generator: &generator)
        for (activation, _) in TestData.activations {
            let y = activation.applied(to: x)
            let gradient = try activation.backward(outputGradient: upstream, output: y, preActivation: x)
            for index in 0..<x.count {
                let expected = upstream.values[index] * activation.derivative(preActivation: x.values[index], output: y.values[index])
                #expect(abs(gradient.values[index] - expected) < 1e-6, "\(activation.name)")
            }
        }
        #expect(throws: MBRLError.self) {
            _ = try Activation.silu.backward(outputGradient: upstream, output: x)
        }
    }

    /// The backward pass from the derivative a layer's forward pass kept gives the bits of the
    /// backward pass from the pre-activations; a missing or misshapen derivative is refused.
    @Test func backwardFromTheKeptDerivativeMatchesBackwardFromThePreActivations() throws {
        var generator = RandomGenerator(seed: 14)
        let input = TestData.uniform(33, 6, scale: 2, generator: &generator)
        for (activation, _) in TestData.activations {
            let layer = try Dense(inputSize: 6, outputSize: 37, activation: activation, generator: &generator)
            let (output, tape) = try layer.forward(input)
            let upstream = TestData.uniform(33, 37, generator: &generator)
            let preActivation = input.matmul(layer.weight).addingRow(layer.bias.values)
            let fromKept = try activation.backward(outputGradient: upstream, output: output, keptDerivative: tape.activationDerivative)
            let fromInput = try activation.backward(outputGradient: upstream, output: output, preActivation: preActivation)
            #expect(fromKept.values.map(\.bitPattern) == fromInput.values.map(\.bitPattern), "\(activation.name)")
        }
        let (output, tape) = try Dense(inputSize: 6, outputSize: 4, activation: .silu, generator: &generator).forward(input)
        #expect(throws: MBRLError.self) { _ = try Activation.silu.backward(outputGradient: output, output: output, keptDerivative: nil) }
        let wrongShape = Matrix(rows: 2, columns: 4)
        #expect(throws: MBRLError.self) {
            _ = try Activation.silu.backward(outputGradient: output, output: output, keptDerivative: wrongShape)
        }
        #expect(tape.activationDerivative != nil)
    }

    @Test func shapeErrorsThrow() throws {
        var generator = RandomGenerator(seed: 13)
        let layer = try Dense(inputSize: 3, outputSize: 2, generator: &generator)
        #expect(throws: MBRLError.self) { _ = try layer(Matrix(rows: 4, columns: 2)) }
        let (_, tape) = try layer.forward(Matrix(rows: 4, columns: 3))
        #expect(throws: MBRLError.self) { _ = try layer.backward(Matrix(rows: 4, columns: 3), tape: tape) }
        #expect(throws: MBRLError.self) { _ = try layer.backward(Matrix(rows: 3, columns: 2), tape: tape) }
        #expect(throws: MBRLError.self) { _ = try Dense(inputSize: 0, outputSize: 2, generator: &generator) }
        #expect(throws: MBRLError.self) { _ = try Dense(weight: Matrix(rows: 3, columns: 2), bias: [1, 2, 3]) }
        var copy = layer
        #expect(throws: MBRLError.self) { try copy.setParameters([Matrix(rows: 2, columns: 3), layer.bias]) }
        #expect(copy == layer)
    }

    @Test func emptyBatchGivesEmptyOutputAndZeroGradients() throws {
        var generator = RandomGenerator(seed: 14)
        let layer = try Dense(inputSize: 3, outputSize: 2, activation: .silu, generator: &generator)
        let empty = Matrix(rows: 0, columns: 3)
        #expect(try layer(empty).shape == (0, 2))
        let (output, tape) = try layer.forward(empty)
        let (gradients, inputGradient) = try layer.backward(output, tape: tape)
        #expect(gradients[0] == Matrix(rows: 3, columns: 2))
        #expect(gradients[1] == Matrix(rows: 1, columns: 2))
        #expect(try #require(inputGradient).shape == (0, 3))
    }

    @Test func codableRoundTrip() throws {
        var generator = RandomGenerator(seed: 15)
        let layer = try Dense(inputSize: 3, outputSize: 2, activation: .leakyReLU(negativeSlope: 0.2), generator: &generator)
        let decoded = try JSONDecoder().decode(Dense.self, from: try JSONEncoder().encode(layer))
        #expect(decoded == layer)
        let bad = #"{"weight": {"rows": 2, "columns": 2, "values": [1, 2, 3, 4]}, "bias": {"rows": 1, "columns": 3, "values": [0, 0, 0]}}"#
        #expect(throws: DecodingError.self) { _ = try JSONDecoder().decode(Dense.self, from: Data(bad.utf8)) }
    }
}
