#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MBRLCore
import MBRLTesting
import Testing

// MARK: - Tests of the checker itself

@Suite struct GradientCheckTests {
    /// f(x) = sum(sin(x_i) * x_i^2): its gradient is cos(x) x^2 + 2 x sin(x).
    private func function(_ x: Matrix) -> Double {
        x.values.reduce(0.0) { $0 + Double(sinf($1) * $1 * $1) }
    }

    private func gradient(_ x: Matrix) -> Matrix {
        x.map { cosf($0) * $0 * $0 + 2 * $0 * sinf($0) }
    }

    @Test func acceptsACorrectGradient() {
        var generator = RandomGenerator(seed: 1)
        let x = TestData.uniform(3, 4, scale: 2, generator: &generator)
        let report = GradientCheck().check("sin x^2", at: x, analytic: gradient(x), function)
        #expect(report.passed, "\(report)")
    }

    @Test func catchesAWrongGradient() {
        var generator = RandomGenerator(seed: 2)
        let x = TestData.uniform(3, 4, scale: 2, generator: &generator)
        let checker = GradientCheck()
        // One entry 10% too large.
        var oneEntryScaled = gradient(x)
        oneEntryScaled[1, 2] *= 1.1
        #expect(!checker.check("scaled entry", at: x, analytic: oneEntryScaled, function).passed)
        // A dropped term (the 2 x sin x part).
        let droppedTerm = x.map { cosf($0) * $0 * $0 }
        #expect(!checker.check("dropped term", at: x, analytic: droppedTerm, function).passed)
        // The same wrong gradients fail with kinks allowed too.
        var kinkChecker = checker
        kinkChecker.allowsKinks = true
        #expect(!kinkChecker.check("scaled entry", at: x, analytic: oneEntryScaled, function).passed)
        #expect(!kinkChecker.check("dropped term", at: x, analytic: droppedTerm, function).passed)
    }

    @Test func catchesAWrongLayerGradient() throws {
        // A Dense layer's true weight gradient with one row's sign flipped must fail.
        var generator = RandomGenerator(seed: 3)
        let layer = try Dense(inputSize: 3, outputSize: 2, activation: .tanh, generator: &generator)
        let input = TestData.uniform(5, 3, generator: &generator)
        let projection = TestData.uniform(5, 2, generator: &generator)
        let (_, tape) = try layer.forward(input)
        var gradients = try layer.backward(projection, tape: tape).parameterGradients
        gradients[0][1, 0] = -gradients[0][1, 0]
        gradients[0][1, 1] = -gradients[0][1, 1]
        let reports = try GradientCheck().checkParameters(of: layer, analytic: gradients) {
            TestData.projected(try $0(input), projection)
        }
        #expect(!reports[0].passed, "\(reports[0])")
        #expect(reports[1].passed, "\(reports[1])")
    }
}
