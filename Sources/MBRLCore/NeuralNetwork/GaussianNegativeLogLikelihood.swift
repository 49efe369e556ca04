#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The Gaussian negative log-likelihood of targets under predicted means and log-variances,
/// with gradients, in mbrl-lib's convention (`mbrl.util.math.gaussian_nll` with
/// `GaussianMLP._nll_loss`'s reduction).
///
/// Per entry: `(mean - target)^2 * exp(-lv) + lv`, which is twice the true negative
/// log-likelihood without the constant `log(2 pi)` (no factor 1/2, no constant; the minimiser
/// is the same). Reduction: the mean over all `B * D` entries; for an ensemble's stacked
/// predictions `[E * B, D]` (pass `memberCount: E`) the sum over members of each member's mean.
/// The target is stacked like the predictions or one `[B, D]` shared by all members.
/// (mbrl-lib's `gaussian_nll(..., reduce=True)` on its own sums over the output dimension
/// instead; its Gaussian ensembles train with the mean used here.)
///
/// The bounded overload takes the raw log-variance head and `LogVarianceBounds`, and also returns
/// the gradients for the bounds; the bound penalty is separate (`LogVarianceBounds.penalty`).
///
/// ```swift
/// let bounds = try LogVarianceBounds(outputSize: 4)
/// let result = try GaussianNegativeLogLikelihood.lossAndGradients(
///     mean: mean, rawLogVariance: raw, target: target, bounds: bounds)   // all [B, 4]
/// // result.meanGradient, result.logVarianceGradient (with respect to raw), result.boundGradients
/// ```
public enum GaussianNegativeLogLikelihood {
    /// A loss with its gradients.
    public struct Result: Sendable {
        /// The reduced loss.
        public var loss: Float
        /// `dL/d mean`, `[N, D]`.
        public var meanGradient: Matrix
        /// `dL/d lv` for the log-variance that was passed in: the raw head's gradient for the
        /// bounded overload, `[N, D]`.
        public var logVarianceGradient: Matrix
        /// `[dL/d maxLogVariance [1, D], dL/d minLogVariance [1, D]]` (the order of
        /// `LogVarianceBounds.parameters`) for the bounded overload; empty otherwise.
        public var boundGradients: [Matrix]
        /// The log-variance the loss used (after bounding), `[N, D]`.
        public var logVariance: Matrix
    }

    /// The loss alone, for a log-variance used as it is.
    ///
    /// - Throws: `MBRLError.shapeMismatch` when shapes do not fit.
    public static func loss(mean: Matrix, logVariance: Matrix, target: Matrix, memberCount: Int = 1) throws -> Float {
        try compute(mean: mean, logVariance: logVariance, target: target, memberCount: memberCount, gradients: nil)
    }

    /// The loss and gradients for a log-variance used as it is (no bounds).
    ///
    /// - Parameters:
    ///   - mean: `[N, D]` with `N = E * B`.
    ///   - logVariance: `[N, D]`.
    ///   - target: `[N, D]`, or `[B, D]` shared by the `memberCount` members.
    /// - Throws: `MBRLError.shapeMismatch` when shapes do not fit.
    public static func lossAndGradients(
        mean: Matrix,
        logVariance: Matrix,
        target: Matrix,
        memberCount: Int = 1
    ) throws -> Result {
        var meanGradient = Matrix.unfilled(rows: mean.rows, columns: mean.columns)
        var logVarianceGradient = Matrix.unfilled(rows: mean.rows, columns: mean.columns)
        let loss = try meanGradient.withUnsafeMutableBufferPointer { meanBuffer in
            try logVarianceGradient.withUnsafeMutableBufferPointer { logVarianceBuffer in
                try compute(mean: mean, logVariance: logVariance, target: target, memberCount: memberCount,
                            gradients: (meanBuffer.baseAddress, logVarianceBuffer.baseAddress))
            }
        }
        return Result(loss: loss, meanGradient: meanGradient, logVarianceGradient: logVarianceGradient,
                      boundGradients: [], logVariance: logVariance)
    }

    /// The loss and gradients for a raw log-variance head passed through `bounds`.
    ///
    /// - Parameters:
    ///   - mean: `[N, D]` with `N = E * B`.
    ///   - rawLogVariance: the unbounded head, `[N, D]`.
    ///   - target: `[N, D]`, or `[B, D]` shared by the `memberCount` members.
    ///   - bounds: the soft bounds (`D` dimensions).
    /// - Returns: gradients for the mean, the raw log-variance and both bounds.
    /// - Throws: `MBRLError.shapeMismatch` when shapes do not fit.
    public static func lossAndGradients(
        mean: Matrix,
        rawLogVariance: Matrix,
        target: Matrix,
        bounds: LogVarianceBounds,
        memberCount: Int = 1
    ) throws -> Result {
        let (logVariance, tape) = try bounds.forward(rawLogVariance)
        var result = try lossAndGradients(mean: mean, logVariance: logVariance, target: target, memberCount: memberCount)
        let (boundGradients, rawGradient) = try bounds.backward(result.logVarianceGradient, tape: tape)
        result.logVarianceGradient = rawGradient
        result.boundGradients = boundGradients
        return result
    }

    private static func compute(
        mean: Matrix, logVariance: Matrix, target: Matrix, memberCount: Int,
        gradients: (mean: UnsafeMutablePointer<Float>?, logVariance: UnsafeMutablePointer<Float>?)?
    ) throws -> Float {
        guard logVariance.matchesShape(of: mean) else {
            throw MBRLError.shapeMismatch(
                "the mean is \(mean.shapeText) but the log-variance is \(logVariance.shapeText); they must match")
        }
        let sharing = try LossReduction.validate(prediction: mean, target: target, memberCount: memberCount, predictionName: "mean")
        let scale = LossReduction.scale(rows: mean.rows, columns: mean.columns, memberCount: memberCount)
        let entryScale = Float(scale)
        let targetCount = target.count
        var total = 0.0
        mean.withUnsafeBufferPointer { m in
            logVariance.withUnsafeBufferPointer { lv in
                target.withUnsafeBufferPointer { t in
                    guard targetCount > 0 else { return }
                    for block in 0..<sharing {
                        let offset = block * targetCount
                        for index in 0..<targetCount {
                            let entry = offset + index
                            let difference = m[entry] - t[index]
                            let inverseVariance = expf(-lv[entry])
                            let weightedSquare = difference * difference * inverseVariance
                            total += Double(weightedSquare + lv[entry])
                            if let gradients {
                                gradients.mean?[entry] = entryScale * 2 * difference * inverseVariance
                                gradients.logVariance?[entry] = entryScale * (1 - weightedSquare)
                            }
                        }
                    }
                }
            }
        }
        return Float(total * scale)
    }
}
