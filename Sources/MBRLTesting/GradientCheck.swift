#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MBRLCore

/// A finite-difference gradient checker for Float code: layers, losses, policies, models.
///
/// ```swift
/// let report = GradientCheck().check("input", at: x, analytic: gradient) { try loss($0) }
/// precondition(report.passed, "\(report)")
/// ```
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
public struct GradientCheck: Sendable {
    /// The perturbation of each entry.
    public var step: Float = 1e-2
    /// The tolerance relative to the larger of the two values.
    public var relativeTolerance: Double = 1e-2
    /// The tolerance relative to the largest numeric entry (at least 1).
    public var absoluteTolerance: Double = 5e-4
    /// Accept an entry whose one-sided difference matches (for piecewise-linear activations).
    public var allowsKinks = false

    /// A checker with the given tolerances (the defaults suit Float layers of moderate size).
    public init(step: Float = 1e-2, relativeTolerance: Double = 1e-2, absoluteTolerance: Double = 5e-4, allowsKinks: Bool = false) {
        self.step = step
        self.relativeTolerance = relativeTolerance
        self.absoluteTolerance = absoluteTolerance
        self.allowsKinks = allowsKinks
    }

    /// The outcome of one check, with the worst entry for the failure message.
    public struct Report: CustomStringConvertible, Sendable {
        /// What was checked (a parameter name, "input", ...).
        public var label: String
        /// Entries compared.
        public var checkedCount = 0
        /// Entries outside the tolerance.
        public var failures = 0
        /// The entry furthest outside (or closest to) the tolerance.
        public var worstIndex = -1
        /// The analytic value at `worstIndex`.
        public var worstAnalytic: Double = 0
        /// The central difference at `worstIndex`.
        public var worstNumeric: Double = 0
        /// How far `worstIndex` lies beyond the tolerance (negative: inside it).
        public var worstExcess: Double = -.infinity

        /// Whether every entry passed (and at least one was checked).
        public var passed: Bool { failures == 0 && checkedCount > 0 }

        public var description: String {
            "\(label): \(failures) of \(checkedCount) entries wrong; worst entry \(worstIndex): analytic \(worstAnalytic), numeric \(worstNumeric)"
        }
    }

    /// Checks `analytic` (same shape as `point`) against finite differences of `function`.
    public func check(
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
    ///
    /// - Throws: `MBRLError.shapeMismatch` when `analytic` does not hold one matrix per parameter.
    public func checkParameters<Container: ParameterContainer>(
        of container: Container,
        analytic: [Matrix],
        _ loss: (Container) throws -> Double
    ) throws -> [Report] {
        let names = container.parameterNames
        guard analytic.count == names.count else {
            throw MBRLError.shapeMismatch("\(analytic.count) gradients for \(names.count) parameters")
        }
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

// MARK: - Helpers shared by gradient tests

/// Random inputs and scalar projections for gradient tests.
public enum TestData {
    /// A `[rows, columns]` matrix of uniform draws in `[-scale, scale)`.
    public static func uniform(_ rows: Int, _ columns: Int, scale: Float = 1, generator: inout RandomGenerator) -> Matrix {
        Matrix(rows: rows, columns: columns,
               values: (0..<(rows * columns)).map { _ in generator.nextUniformFloat(in: -scale, scale) })
    }

    /// `sum(projection * output)` in Double: a scalar loss whose gradient with respect to the
    /// output is `projection`.
    public static func projected(_ output: Matrix, _ projection: Matrix) -> Double {
        precondition(output.rows == projection.rows && output.columns == projection.columns, "projection shape")
        var total = 0.0
        for index in 0..<output.count { total += Double(output.values[index]) * Double(projection.values[index]) }
        return total
    }

    /// Every activation the layers support, with their kink flag.
    public static let activations: [(activation: Activation, hasKinks: Bool)] = [
        (.identity, false), (.relu, true), (.leakyReLU(negativeSlope: 0.1), true), (.silu, false),
        (.tanh, false), (.sigmoid, false), (.elu(alpha: 1), false), (.softplus, false),
    ]
}

