#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MBRLCore
import Testing

/// A finite-difference gradient checker for the Float code of the neural-network layers.
///
/// Each entry of the point is perturbed by `+-step` and the scalar function (evaluated in the
/// layers' Float arithmetic and summed in Double) is re-evaluated; the central difference is
/// compared to the analytic gradient with `|analytic - numeric| <= absolute + relative * max(|a|, |n|)`,
/// where `absolute` is `absoluteTolerance` times the largest numeric entry (at least 1).
///
/// Piecewise-linear activations (ReLU, leaky ReLU) have kinks; with `allowsKinks`, an entry also
/// passes when one of the one-sided differences matches, which is what the subgradient gives
/// when the perturbation crosses a kink on the other side. Along one scalar parameter a ReLU
/// network is piecewise linear, so the one-sided differences are exact away from kinks and the
/// check stays strict.
struct GradientCheck {
    var step: Float = 1e-2
    var relativeTolerance: Double = 1e-2
    var absoluteTolerance: Double = 5e-4
    var allowsKinks = false

    /// The outcome of one check, with the worst entry for the failure message.
    struct Report: CustomStringConvertible {
        var label: String
        var checkedCount = 0
        var failures = 0
        var worstIndex = -1
        var worstAnalytic: Double = 0
        var worstNumeric: Double = 0
        var worstExcess: Double = -.infinity

        var passed: Bool { failures == 0 && checkedCount > 0 }

        var description: String {
            "\(label): \(failures) of \(checkedCount) entries wrong; worst entry \(worstIndex): analytic \(worstAnalytic), numeric \(worstNumeric)"
        }
    }

    /// Checks `analytic` (same shape as `point`) against finite differences of `function`.
    func check(
        _ label: String,
        at point: Matrix,
        analytic: Matrix,
        _ function: (Matrix) throws -> Double
    ) rethrows -> Report {
        precondition(point.rows == analytic.rows && point.columns == analytic.columns, "analytic gradient shape")
        let center = try function(point)
        var numeric = [Double](repeating: 0, count: point.count)
        var forward = numeric, backward = numeric
        for index in 0..<point.count {
            var plus = point, minus = point
            plus.withUnsafeMutableBufferPointer { $0[index] += step }
            minus.withUnsafeMutableBufferPointer { $0[index] -= step }
            let up = try function(plus), down = try function(minus)
            // The actual perturbation after rounding to Float.
            let h = Double(plus.values[index]) - Double(point.values[index])
            let hDown = Double(point.values[index]) - Double(minus.values[index])
            numeric[index] = (up - down) / (h + hDown)
            forward[index] = (up - center) / h
            backward[index] = (center - down) / hDown
        }
        let scale = max(1, numeric.map(abs).max() ?? 0)
        var report = Report(label: label)
        for index in 0..<point.count {
            let a = Double(analytic.values[index])
            func excess(_ n: Double) -> Double {
                abs(a - n) - (absoluteTolerance * scale + relativeTolerance * max(abs(a), abs(n)))
            }
            var worst = excess(numeric[index])
            if allowsKinks { worst = min(worst, excess(forward[index]), excess(backward[index])) }
            report.checkedCount += 1
            if worst > 0 { report.failures += 1 }
            if worst > report.worstExcess {
                report.worstExcess = worst
                report.worstIndex = index
                report.worstAnalytic = a
                report.worstNumeric = numeric[index]
            }
        }
        return report
    }

    /// Checks `analytic` (one matrix per parameter of `container`) against finite differences of
    /// `loss` with respect to every parameter; one report per parameter, labelled with its name.
    func checkParameters<Container: ParameterContainer>(
        of container: Container,
        analytic: [Matrix],
        _ loss: (Container) throws -> Double
    ) throws -> [Report] {
        let names = container.parameterNames
        #expect(analytic.count == names.count, "one gradient per parameter")
        var reports: [Report] = []
        for (index, name) in names.enumerated() {
            let point = container.parameters[index]
            reports.append(try check(name, at: point, analytic: analytic[index]) { perturbed in
                var copy = container
                var parameters = copy.parameters
                parameters[index] = perturbed
                try copy.setParameters(parameters)
                return try loss(copy)
            })
        }
        return reports
    }
}

// MARK: - Helpers shared by the layer tests

enum TestData {
    /// A `[rows, columns]` matrix of uniform draws in `[-scale, scale)`.
    static func uniform(_ rows: Int, _ columns: Int, scale: Float = 1, generator: inout RandomGenerator) -> Matrix {
        Matrix(rows: rows, columns: columns,
               values: (0..<(rows * columns)).map { _ in generator.nextUniformFloat(in: -scale, scale) })
    }

    /// `sum(projection * output)` in Double: a scalar loss whose gradient with respect to the
    /// output is `projection`.
    static func projected(_ output: Matrix, _ projection: Matrix) -> Double {
        precondition(output.rows == projection.rows && output.columns == projection.columns, "projection shape")
        var total = 0.0
        for index in 0..<output.count { total += Double(output.values[index]) * Double(projection.values[index]) }
        return total
    }

    /// Every activation the layers support, with their kink flag.
    static let activations: [(activation: Activation, hasKinks: Bool)] = [
        (.identity, false), (.relu, true), (.leakyReLU(negativeSlope: 0.1), true), (.silu, false),
        (.tanh, false), (.sigmoid, false), (.elu(alpha: 1), false), (.softplus, false),
    ]
}

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
