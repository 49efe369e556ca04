#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Learnable soft bounds on a Gaussian head's log-variance, as in PETS (Chua et al., 2018,
/// appendix A.1) and mbrl-lib's `GaussianMLP`:
///
///     lv = maxLogVariance - softplus(maxLogVariance - raw)
///     lv = minLogVariance + softplus(lv - minLogVariance)
///
/// `maxLogVariance` and `minLogVariance` are `[1, D]` parameters (one per output dimension,
/// shared by every row and every ensemble member). Their gradients come from `backward`, and the
/// penalty `weight * (sum(maxLogVariance) - sum(minLogVariance))` that keeps them from drifting
/// apart comes from `penalty(weight:)` (mbrl-lib adds it with weight 0.01).
///
/// ```swift
/// var bounds = try LogVarianceBounds(outputSize: 4)            // min -10, max 0.5
/// let (logVariance, tape) = try bounds.forward(rawLogVariance)  // [N, 4] -> [N, 4]
/// let (rawGradient, boundGradients) = try bounds.backward(logVarianceGradient, tape: tape)
/// let (penalty, penaltyGradients) = bounds.penalty()
/// ```
public struct LogVarianceBounds: Sendable, Equatable, ParameterContainer {
    /// The soft upper bound per output dimension, `[1, D]`.
    public internal(set) var maxLogVariance: Matrix
    /// The soft lower bound per output dimension, `[1, D]`.
    public internal(set) var minLogVariance: Matrix

    /// mbrl-lib's initial lower bound, -10.
    public static let defaultMinLogVariance: Float = -10
    /// mbrl-lib's initial upper bound, 0.5.
    public static let defaultMaxLogVariance: Float = 0.5
    /// mbrl-lib's weight of the bound penalty, 0.01.
    public static let defaultPenaltyWeight: Float = 0.01

    /// The number of output dimensions `D`.
    public var outputSize: Int { maxLogVariance.columns }

    /// Bounds for `outputSize` dimensions, all starting at the same values.
    ///
    /// - Throws: `MBRLError.invalidArgument` when `outputSize` is not positive or the lower bound
    ///   is not below the upper bound.
    public init(
        outputSize: Int,
        minLogVariance: Float = LogVarianceBounds.defaultMinLogVariance,
        maxLogVariance: Float = LogVarianceBounds.defaultMaxLogVariance
    ) throws {
        try self.init(minLogVariance: Array(repeating: minLogVariance, count: max(outputSize, 0)),
                      maxLogVariance: Array(repeating: maxLogVariance, count: max(outputSize, 0)))
    }

    /// Bounds with one value per output dimension.
    ///
    /// - Throws: `MBRLError.invalidArgument` when empty or a lower bound is not below its upper
    ///   bound, `MBRLError.shapeMismatch` when the counts differ.
    public init(minLogVariance: [Float], maxLogVariance: [Float]) throws {
        guard !maxLogVariance.isEmpty else {
            throw MBRLError.invalidArgument("log-variance bounds need at least one output dimension")
        }
        guard minLogVariance.count == maxLogVariance.count else {
            throw MBRLError.shapeMismatch(
                "\(minLogVariance.count) lower bounds but \(maxLogVariance.count) upper bounds; they must match")
        }
        for index in maxLogVariance.indices where !(minLogVariance[index] < maxLogVariance[index]) {
            throw MBRLError.invalidArgument(
                "log-variance bound \(index): the minimum \(minLogVariance[index]) must be below the maximum \(maxLogVariance[index])")
        }
        self.maxLogVariance = Matrix(row: maxLogVariance)
        self.minLogVariance = Matrix(row: minLogVariance)
    }

    // MARK: - Forward and backward

    /// The bounded log-variance of every entry: `[N, D] -> [N, D]`.
    ///
    /// - Throws: `MBRLError.shapeMismatch` when `raw` does not have `outputSize` columns.
    public func callAsFunction(_ raw: Matrix) throws -> Matrix {
        try forward(raw).logVariance
    }

    /// What `backward` needs: the raw log-variance `[N, D]`.
    public struct Tape: Sendable {
        /// The raw (unbounded) log-variance, `[N, D]`.
        public let raw: Matrix
    }

    /// The bounded log-variance `[N, D]` and the tape for `backward`.
    ///
    /// - Throws: `MBRLError.shapeMismatch` when `raw` does not have `outputSize` columns.
    public func forward(_ raw: Matrix) throws -> (logVariance: Matrix, tape: Tape) {
        guard raw.columns == outputSize else {
            throw MBRLError.shapeMismatch(
                "log-variance bounds for \(outputSize) outputs got a raw log-variance of \(raw.shapeText)")
        }
        var result = Matrix.unfilled(rows: raw.rows, columns: raw.columns)
        let columns = outputSize
        result.withUnsafeMutableBufferPointer { output in
            raw.withUnsafeBufferPointer { input in
                maxLogVariance.withUnsafeBufferPointer { upper in
                    minLogVariance.withUnsafeBufferPointer { lower in
                        for row in 0..<raw.rows {
                            for column in 0..<columns {
                                let index = row * columns + column
                                let upperBounded = upper[column] - Activation.softplus(upper[column] - input[index])
                                output[index] = lower[column] + Activation.softplus(upperBounded - lower[column])
                            }
                        }
                    }
                }
            }
        }
        return (result, Tape(raw: raw))
    }

    /// The backward pass from `dL/d lv`.
    ///
    /// With `lv1 = max - softplus(max - raw)`:
    /// `d lv / d raw = sigmoid(lv1 - min) * sigmoid(max - raw)`,
    /// `d lv / d max = sigmoid(lv1 - min) * (1 - sigmoid(max - raw))`,
    /// `d lv / d min = 1 - sigmoid(lv1 - min)`.
    ///
    /// - Parameters:
    ///   - logVarianceGradient: `dL/d lv`, `[N, D]`.
    ///   - tape: from `forward(_:)` with the same bounds.
    /// - Returns: `parameterGradients` `[dL/d max [1, D], dL/d min [1, D]]` (the order of
    ///   `parameters`, summed over rows) and `inputGradient` `dL/d raw`, `[N, D]`.
    /// - Throws: `MBRLError.shapeMismatch` when the gradient does not match the tape.
    public func backward(_ logVarianceGradient: Matrix, tape: Tape) throws -> (parameterGradients: [Matrix], inputGradient: Matrix) {
        guard logVarianceGradient.matchesShape(of: tape.raw), tape.raw.columns == outputSize else {
            throw MBRLError.shapeMismatch(
                "the log-variance gradient is \(logVarianceGradient.shapeText), the tape holds \(tape.raw.shapeText) for \(outputSize) outputs")
        }
        let columns = outputSize
        var rawGradient = Matrix.unfilled(rows: tape.raw.rows, columns: columns)
        var upperSums = [Double](repeating: 0, count: columns)
        var lowerSums = [Double](repeating: 0, count: columns)
        rawGradient.withUnsafeMutableBufferPointer { output in
            tape.raw.withUnsafeBufferPointer { raw in
                logVarianceGradient.withUnsafeBufferPointer { upstream in
                    maxLogVariance.withUnsafeBufferPointer { upper in
                        minLogVariance.withUnsafeBufferPointer { lower in
                            for row in 0..<tape.raw.rows {
                                for column in 0..<columns {
                                    let index = row * columns + column
                                    let distanceToUpper = upper[column] - raw[index]
                                    let upperBounded = upper[column] - Activation.softplus(distanceToUpper)
                                    let throughUpper = Self.sigmoid(distanceToUpper)
                                    let throughLower = Self.sigmoid(upperBounded - lower[column])
                                    let gradient = upstream[index]
                                    output[index] = gradient * throughLower * throughUpper
                                    upperSums[column] += Double(gradient * throughLower * (1 - throughUpper))
                                    lowerSums[column] += Double(gradient * (1 - throughLower))
                                }
                            }
                        }
                    }
                }
            }
        }
        return ([Matrix(row: upperSums.map { Float($0) }), Matrix(row: lowerSums.map { Float($0) })], rawGradient)
    }

    /// The bound penalty `weight * (sum(maxLogVariance) - sum(minLogVariance))` and its gradients
    /// `[weight everywhere [1, D], -weight everywhere [1, D]]` (the order of `parameters`).
    public func penalty(weight: Float = LogVarianceBounds.defaultPenaltyWeight) -> (value: Float, gradients: [Matrix]) {
        let value = Double(weight) * (maxLogVariance.sum() - minLogVariance.sum())
        return (Float(value), [Matrix(rows: 1, columns: outputSize, repeating: weight),
                               Matrix(rows: 1, columns: outputSize, repeating: -weight)])
    }

    // MARK: - Parameters

    /// `["maxLogVariance", "minLogVariance"]`.
    public var parameterNames: [String] { ["maxLogVariance", "minLogVariance"] }

    /// `[maxLogVariance [1, D], minLogVariance [1, D]]`.
    public var parameters: [Matrix] { [maxLogVariance, minLogVariance] }

    public mutating func updateParameters<Result>(_ body: (inout [Matrix]) throws -> Result) rethrows -> Result {
        var list = [maxLogVariance, minLogVariance]
        let shape = maxLogVariance.shape
        maxLogVariance = .movedOutPlaceholder
        minLogVariance = .movedOutPlaceholder
        defer {
            precondition(list.count == 2 && list[0].shape == shape && list[1].shape == shape,
                         "updateParameters must keep the parameter shapes")
            maxLogVariance = list[0]
            minLogVariance = list[1]
        }
        return try body(&list)
    }

    @inline(__always)
    static func sigmoid(_ x: Float) -> Float { 1 / (1 + expf(-x)) }
}
