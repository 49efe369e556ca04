import Foundation
import MBRLCore
import MBRLTesting
import Testing

@Suite struct OptimizerTests {
    private let start = [Matrix(rowArrays: [[1, -2], [0.5, 3]]), Matrix(row: [0.25, -1, 4])]
    private let firstGradient = [Matrix(rowArrays: [[0.1, -0.4], [2, 0]]), Matrix(row: [-3, 0.05, 1])]
    private let secondGradient = [Matrix(rowArrays: [[-0.2, 0.3], [1, 0.5]]), Matrix(row: [1, 0.02, -2])]

    /// PyTorch's Adam on one scalar, in Double, for `gradients` in order (coupled decay `l2`,
    /// decoupled decay `decoupled`).
    private func referenceAdam(
        _ parameter: Double, gradients: [Double], learningRate: Double,
        l2: Double = 0, decoupled: Double = 0
    ) -> Double {
        let beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8
        var p = parameter, m = 0.0, v = 0.0
        for (index, rawGradient) in gradients.enumerated() {
            let t = Double(index + 1)
            p *= 1 - learningRate * decoupled
            let g = rawGradient + l2 * p
            m = beta1 * m + (1 - beta1) * g
            v = beta2 * v + (1 - beta2) * g * g
            let denominator = (v.squareRoot() / (1 - pow(beta2, t)).squareRoot()) + epsilon
            p -= learningRate / (1 - pow(beta1, t)) * m / denominator
        }
        return p
    }

    private func expectMatchesReference<Optimizer: GradientOptimizer>(
        _ optimizer: inout Optimizer, steps: Int,
        reference: (Double, [Double]) -> Double, tolerance: Float = 2e-6
    ) throws {
        var parameters = start
        let gradientSequence = [firstGradient, secondGradient]
        for step in 0..<steps { try optimizer.step(parameters: &parameters, gradients: gradientSequence[step]) }
        #expect(optimizer.stepCount == steps)
        for index in parameters.indices {
            for entry in 0..<parameters[index].count {
                let history = (0..<steps).map { Double(gradientSequence[$0][index].values[entry]) }
                let expected = Float(reference(Double(start[index].values[entry]), history))
                #expect(abs(parameters[index].values[entry] - expected) <= tolerance,
                        "parameter \(index) entry \(entry) after \(steps) steps")
            }
        }
    }

    // MARK: - Hand-computed steps

    @Test func adamFirstStepIsASignStep() throws {
        var optimizer = try Adam(learningRate: 0.1)
        var parameters = start
        try optimizer.step(parameters: &parameters, gradients: firstGradient)
        // m / (1 - beta1) = g and sqrt(v / (1 - beta2)) = |g|: the first step is lr * g / (|g| + eps).
        #expect(abs(parameters[0][0, 0] - 0.9) < 1e-6)
        #expect(abs(parameters[0][0, 1] - -1.9) < 1e-6)
        #expect(parameters[0][1, 1] == 3)                  // zero gradient: no move
        #expect(abs(parameters[1][0, 0] - 0.35) < 1e-6)
    }

    @Test func adamAndAdamWMatchPyTorchRule() throws {
        var adam = try Adam(learningRate: 0.1)
        try expectMatchesReference(&adam, steps: 2) { referenceAdam($0, gradients: $1, learningRate: 0.1) }
        var adamL2 = try Adam(learningRate: 0.1, weightDecay: 0.5)
        try expectMatchesReference(&adamL2, steps: 2) { referenceAdam($0, gradients: $1, learningRate: 0.1, l2: 0.5) }
        var adamW = try AdamW(learningRate: 0.1, weightDecay: 0.5)
        try expectMatchesReference(&adamW, steps: 2) { referenceAdam($0, gradients: $1, learningRate: 0.1, decoupled: 0.5) }
    }

    @Test(arguments: [(Float(0), Float(0)), (0.3, 0), (0, 0.2)])
    func adamStepsEveryEntryAlikeWhateverItsPlaceInTheTensor(l2: Float, decoupled: Float) throws {
        // 37 entries: two 16-entry chunks and a tail of 5. Each entry must get exactly what a
        // one-entry tensor with the same history gets.
        var generator = RandomGenerator(seed: 9)
        let start = TestData.uniform(1, 37, scale: 2, generator: &generator)
        let gradients = (0..<3).map { _ in TestData.uniform(1, 37, scale: 3, generator: &generator) }
        func optimizer() throws -> any GradientOptimizer {
            decoupled > 0 ? try AdamW(learningRate: 0.05, weightDecay: decoupled) : try Adam(learningRate: 0.05, weightDecay: l2)
        }
        var whole = [start]
        var wholeOptimizer = try optimizer()
        for gradient in gradients { try wholeOptimizer.step(parameters: &whole, gradients: [gradient]) }
        for entry in 0..<37 {
            var single = [Matrix(row: [start.values[entry]])]
            var singleOptimizer = try optimizer()
            for gradient in gradients { try singleOptimizer.step(parameters: &single, gradients: [Matrix(row: [gradient.values[entry]])]) }
            #expect(whole[0].values[entry] == single[0].values[0], "entry \(entry)")
        }
    }

    @Test func adamWFirstStepShrinksThenSteps() throws {
        var optimizer = try AdamW(learningRate: 0.1, weightDecay: 0.5)
        var parameters = start
        try optimizer.step(parameters: &parameters, gradients: firstGradient)
        // p (1 - 0.1 * 0.5) - 0.1 * sign(g)
        #expect(abs(parameters[0][0, 0] - (1 * 0.95 - 0.1)) < 1e-6)
        #expect(abs(parameters[0][1, 1] - 3 * 0.95) < 1e-6)
        #expect(abs(parameters[1][0, 2] - (4 * 0.95 - 0.1)) < 1e-6)
    }

    @Test func defaultsFollowPyTorch() throws {
        let adam = try Adam()
        #expect(adam.learningRate == 1e-3 && adam.beta1 == 0.9 && adam.beta2 == 0.999 && adam.epsilon == 1e-8 && adam.weightDecay == 0)
        let adamW = try AdamW()
        #expect(adamW.learningRate == 1e-3 && adamW.beta1 == 0.9 && adamW.beta2 == 0.999 && adamW.epsilon == 1e-8 && adamW.weightDecay == 1e-2)
        let sgd = try SGD()
        #expect(sgd.learningRate == 1e-3 && sgd.momentum == 0 && sgd.weightDecay == 0 && !sgd.nesterov)
        #expect(throws: MBRLError.self) { _ = try Adam(beta1: 1) }
        #expect(throws: MBRLError.self) { _ = try AdamW(learningRate: -1) }
        #expect(throws: MBRLError.self) { _ = try SGD(nesterov: true) }
    }

    @Test func sgdSteps() throws {
        var plain = try SGD(learningRate: 0.1)
        var parameters = start
        try plain.step(parameters: &parameters, gradients: firstGradient)
        #expect(abs(parameters[0][1, 0] - (0.5 - 0.1 * 2)) < 1e-6)
        #expect(plain.state.velocities.isEmpty)

        var momentum = try SGD(learningRate: 0.1, momentum: 0.9)
        parameters = start
        try momentum.step(parameters: &parameters, gradients: firstGradient)
        try momentum.step(parameters: &parameters, gradients: secondGradient)
        // b1 = g1; b2 = 0.9 g1 + g2; p = p0 - lr (b1 + b2)
        let expected = 0.5 - 0.1 * (2 + (0.9 * 2 + 1))
        #expect(abs(parameters[0][1, 0] - Float(expected)) < 1e-6)

        var nesterov = try SGD(learningRate: 0.1, momentum: 0.9, nesterov: true)
        parameters = start
        try nesterov.step(parameters: &parameters, gradients: firstGradient)
        // b1 = g1; d = g1 + 0.9 b1
        #expect(abs(parameters[1][0, 0] - Float(0.25 - 0.1 * (-3 * 1.9))) < 1e-6)

        var decay = try SGD(learningRate: 0.1, weightDecay: 0.5)
        parameters = start
        try decay.step(parameters: &parameters, gradients: firstGradient)
        #expect(abs(parameters[1][0, 2] - Float(4 - 0.1 * (1 + 0.5 * 4))) < 1e-6)
    }

    // MARK: - Minimising a quadratic

    /// f(p) = 0.5 sum a_i (p_i - c_i)^2 over a 2 x 3 parameter.
    private let curvature = Matrix(rowArrays: [[1, 10, 0.5], [2, 4, 8]])
    private let minimum = Matrix(rowArrays: [[3, -1, 0.5], [-2, 0, 1]])

    private func quadratic(_ p: Matrix) -> (value: Double, gradient: Matrix) {
        let difference = p - minimum
        let gradient = curvature * difference
        return (0.5 * (difference * gradient).sum(), gradient)
    }

    private func minimise<Optimizer: GradientOptimizer>(_ optimizer: inout Optimizer, steps: Int) throws -> Matrix {
        var parameters = [Matrix(rows: 2, columns: 3)]
        for _ in 0..<steps {
            try optimizer.step(parameters: &parameters, gradients: [quadratic(parameters[0]).gradient])
        }
        return parameters[0]
    }

    @Test func optimisersMinimiseAQuadratic() throws {
        let initial = quadratic(Matrix(rows: 2, columns: 3)).value
        var adam = try Adam(learningRate: 0.05)
        let adamResult = try minimise(&adam, steps: 2000)
        #expect(adamResult.maxAbsoluteDifference(minimum) < 1e-2)
        var sgd = try SGD(learningRate: 0.02, momentum: 0.9)
        let sgdResult = try minimise(&sgd, steps: 1000)
        #expect(sgdResult.maxAbsoluteDifference(minimum) < 1e-4)
        var adamW = try AdamW(learningRate: 0.05, weightDecay: 1e-3)
        let adamWResult = try minimise(&adamW, steps: 2000)
        #expect(quadratic(adamWResult).value < 1e-3 * initial)
    }

    // MARK: - Clipping

    @Test func clippingByGlobalNorm() throws {
        var gradients = [Matrix(row: [3, 4]), Matrix(row: [0, 12])]
        #expect(GradientClipping.globalNorm(gradients) == 13)
        let original = gradients
        #expect(try GradientClipping.clipByGlobalNorm(&gradients, maxNorm: 20) == 13)
        #expect(gradients == original)
        let norm = try GradientClipping.clipByGlobalNorm(&gradients, maxNorm: 6.5)
        #expect(norm == 13)
        #expect(abs(GradientClipping.globalNorm(gradients) - 6.5) < 1e-5)
        #expect(abs(gradients[0][0, 1] - 2) < 1e-5)
        #expect(throws: MBRLError.self) { try GradientClipping.clipByGlobalNorm(&gradients, maxNorm: 0) }
    }

    // MARK: - State

    private func roundTrip<Optimizer: GradientOptimizer>(_ make: () throws -> Optimizer) throws {
        var original = try make()
        var parameters = start
        try original.step(parameters: &parameters, gradients: firstGradient)
        try original.step(parameters: &parameters, gradients: secondGradient)
        let data = try JSONEncoder().encode(original.state)
        var restored = try make()
        restored.state = try JSONDecoder().decode(Optimizer.State.self, from: data)
        #expect(restored.state == original.state)
        #expect(restored.stepCount == 2)
        var continued = parameters, resumed = parameters
        try original.step(parameters: &continued, gradients: firstGradient)
        try restored.step(parameters: &resumed, gradients: firstGradient)
        #expect(continued == resumed)
        // A state for other shapes is refused without changing anything.
        var mismatched = [Matrix(rows: 3, columns: 3)]
        #expect(throws: MBRLError.self) { try restored.step(parameters: &mismatched, gradients: [Matrix(rows: 3, columns: 3)]) }
        #expect(mismatched == [Matrix(rows: 3, columns: 3)])
        restored.reset()
        #expect(restored.stepCount == 0)
    }

    @Test func stateRoundTripsThroughCodable() throws {
        try roundTrip { try Adam(learningRate: 0.01) }
        try roundTrip { try AdamW(learningRate: 0.01) }
        try roundTrip { try SGD(learningRate: 0.01, momentum: 0.9) }
    }

    @Test func stepOnAContainerEqualsStepOnItsParameters() throws {
        var generator = RandomGenerator(seed: 50)
        var network = try MLP(inputSize: 3, hiddenSizes: [4], outputSize: 2, generator: &generator)
        let gradients = network.parameters.map { TestData.uniform($0.rows, $0.columns, generator: &generator) }
        var listParameters = network.parameters
        var first = try Adam(learningRate: 0.01), second = try Adam(learningRate: 0.01)
        try first.step(&network, gradients: gradients)
        try second.step(parameters: &listParameters, gradients: gradients)
        #expect(network.parameters == listParameters)
        let before = network
        #expect(throws: MBRLError.self) { try first.step(&network, gradients: Array(gradients.dropLast())) }
        #expect(network == before)
        // A network and its loss head updated together by one optimiser.
        var bounds = try LogVarianceBounds(outputSize: 2)
        let boundGradients = bounds.penalty().gradients
        var sgd = try SGD(learningRate: 1)
        try network.updateParameters(together: &bounds) { parameters in
            try sgd.step(parameters: &parameters, gradients: gradients + boundGradients)
        }
        #expect(bounds.maxLogVariance == Matrix(row: [0.49, 0.49]))
        #expect(network.layers[0].weight.maxAbsoluteDifference(before.layers[0].weight - gradients[0]) < 1e-6)
    }
}
