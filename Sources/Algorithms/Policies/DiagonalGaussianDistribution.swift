#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MBRLCore

/// The per-row parameters of a diagonal Gaussian: `mean` and `logStandardDeviation`, both
/// `[B, act]`. The `Distribution` of `DiagonalGaussianMLPPolicy` and of
/// `SquashedGaussianMLPPolicy` (the Gaussian before the squashing).
///
/// ```swift
/// let old = try policy.distribution(for: observations)     // before the update
/// // ... update the policy ...
/// let kl = try policy.klDivergencesWithPullback(from: old, for: observations).values
/// ```
public struct DiagonalGaussianDistribution: Sendable, Equatable {
    /// `[B, act]`.
    public var mean: Matrix
    /// `[B, act]`.
    public var logStandardDeviation: Matrix

    /// A batch of diagonal Gaussians; both matrices must have the same shape.
    ///
    /// - Throws: `MBRLError.shapeMismatch` naming both shapes when they differ.
    public init(mean: Matrix, logStandardDeviation: Matrix) throws {
        guard mean.rows == logStandardDeviation.rows, mean.columns == logStandardDeviation.columns else {
            throw MBRLError.shapeMismatch(
                "a diagonal Gaussian needs a mean and a log standard deviation of one shape, got \(mean.rows) x \(mean.columns) and \(logStandardDeviation.rows) x \(logStandardDeviation.columns)")
        }
        self.mean = mean
        self.logStandardDeviation = logStandardDeviation
    }

    /// A batch whose shapes the caller has already checked.
    init(uncheckedMean mean: Matrix, logStandardDeviation: Matrix) {
        self.mean = mean
        self.logStandardDeviation = logStandardDeviation
    }
}

/// The formulas of a diagonal Gaussian with their gradients with respect to the mean and the log
/// standard deviation, row by row (everything `[B, act]`, results `[B]`).
enum DiagonalGaussianMath {
    /// `log(2 pi) / 2`.
    static let halfLogTwoPi = Float(0.5 * log(2 * Double.pi))

    /// `log N(x; mean, exp(logStd)^2)` summed over each row, and, for upstream weights `w`, the
    /// gradients of `sum_i w_i log p_i` with respect to the mean and the log standard deviation.
    static func logDensities(of x: Matrix, mean: Matrix, logStandardDeviation: Matrix) -> [Float] {
        let columns = mean.columns
        var result = [Float](repeating: 0, count: mean.rows)
        for row in 0..<mean.rows {
            var total: Float = 0
            for column in 0..<columns {
                let index = row * columns + column
                let logStd = logStandardDeviation.values[index]
                let z = (x.values[index] - mean.values[index]) * expf(-logStd)
                total += -0.5 * z * z - logStd - halfLogTwoPi
            }
            result[row] = total
        }
        return result
    }

    /// The gradients of `sum_i weights_i log p_i(x_i)` with respect to the mean and the log
    /// standard deviation (`x` held fixed): `w (x - m) / s^2` and `w (z^2 - 1)`.
    static func logDensityGradients(of x: Matrix, mean: Matrix, logStandardDeviation: Matrix, weights: [Float])
        -> (mean: Matrix, logStandardDeviation: Matrix) {
        var meanGradient = mean, logStdGradient = mean
        let columns = mean.columns
        for row in 0..<mean.rows {
            for column in 0..<columns {
                let index = row * columns + column
                let inverseStd = expf(-logStandardDeviation.values[index])
                let z = (x.values[index] - mean.values[index]) * inverseStd
                meanGradient[row, column] = weights[row] * z * inverseStd
                logStdGradient[row, column] = weights[row] * (z * z - 1)
            }
        }
        return (meanGradient, logStdGradient)
    }

    /// `KL(old || new)` per row: `sum_j log s_new - log s_old + (s_old^2 + (m_old - m_new)^2) / (2 s_new^2) - 1/2`.
    static func klDivergences(old: DiagonalGaussianDistribution, new: DiagonalGaussianDistribution) -> [Float] {
        let columns = new.mean.columns
        var result = [Float](repeating: 0, count: new.mean.rows)
        for row in 0..<new.mean.rows {
            var total: Float = 0
            for column in 0..<columns {
                let index = row * columns + column
                let oldLogStd = old.logStandardDeviation.values[index], newLogStd = new.logStandardDeviation.values[index]
                let difference = old.mean.values[index] - new.mean.values[index]
                let ratio = expf(2 * (oldLogStd - newLogStd)) + difference * difference * expf(-2 * newLogStd)
                total += newLogStd - oldLogStd + 0.5 * ratio - 0.5
            }
            result[row] = total
        }
        return result
    }

    /// The gradients of `sum_i w_i KL_i(old || new)` with respect to the new mean,
    /// `w (m_new - m_old) / s_new^2`, and the new log standard deviation,
    /// `w (1 - (s_old^2 + (m_old - m_new)^2) / s_new^2)`.
    static func klDivergenceGradients(old: DiagonalGaussianDistribution, new: DiagonalGaussianDistribution, weights: [Float])
        -> (mean: Matrix, logStandardDeviation: Matrix) {
        var meanGradient = new.mean, logStdGradient = new.mean
        let columns = new.mean.columns
        for row in 0..<new.mean.rows {
            for column in 0..<columns {
                let index = row * columns + column
                let newLogStd = new.logStandardDeviation.values[index]
                let inverseVariance = expf(-2 * newLogStd)
                let difference = new.mean.values[index] - old.mean.values[index]
                let oldVarianceRatio = expf(2 * (old.logStandardDeviation.values[index] - newLogStd))
                meanGradient[row, column] = weights[row] * difference * inverseVariance
                logStdGradient[row, column] = weights[row] * (1 - oldVarianceRatio - difference * difference * inverseVariance)
            }
        }
        return (meanGradient, logStdGradient)
    }

    /// The entropy per row: `sum_j log s_j + log(2 pi e) / 2`.
    static func entropies(logStandardDeviation: Matrix) -> [Float] {
        let constant = 0.5 + halfLogTwoPi
        return logStandardDeviation.rowSums().map { $0 + Float(logStandardDeviation.columns) * constant }
    }
}
