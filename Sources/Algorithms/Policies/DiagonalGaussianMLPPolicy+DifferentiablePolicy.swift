#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MBRLCore

extension DiagonalGaussianMLPPolicy: ReparameterizedPolicy {
    /// A reparameterised draw per row, `samples = mean + std * eps`, `actions` the samples
    /// clipped to the box, `logDensities` of the unclipped samples; the pullback from `dL/da`
    /// `[B, act]` (zero through clipped entries) and `dL/d log p` `[B]`, `eps` held fixed.
    public func sampleWithPullback(for observations: Matrix, generator: inout RandomGenerator) throws
        -> (sample: PolicySample, pullback: @Sendable (Matrix?, [Float]?) throws -> PolicyGradients) {
        let head = try head(for: observations)
        var noise = Matrix(rows: observations.rows, columns: actionSize)
        generator.fillStandardNormal(&noise)
        let fixedNoise = noise
        let standardDeviation = head.logStandardDeviation.map { expf($0) }
        let samples = head.mean + standardDeviation * fixedNoise
        let (actions, mask) = clipped(samples)
        var logDensities = [Float](repeating: 0, count: observations.rows)
        for row in 0..<observations.rows {
            var total: Float = 0
            for column in 0..<actionSize {
                let eps = fixedNoise[row, column]
                total += -0.5 * eps * eps - head.logStandardDeviation[row, column] - DiagonalGaussianMath.halfLogTwoPi
            }
            logDensities[row] = total
        }
        let policy = self
        let sample = PolicySample(actions: actions, samples: samples, logDensities: logDensities)
        return (sample, { actionGradient, logDensityGradient in
            let rows = head.mean.rows, columns = policy.actionSize
            if let actionGradient {
                try PolicySupport.checkShape(actionGradient, rows: rows, columns: columns, role: "dL/d actions")
            }
            if let logDensityGradient { try PolicySupport.checkWeights(logDensityGradient, rows: rows) }
            var meanGradient = Matrix(rows: rows, columns: columns)
            var logStdGradient = Matrix(rows: rows, columns: columns)
            for row in 0..<rows {
                let weight = logDensityGradient?[row] ?? 0
                for column in 0..<columns {
                    let sampleGradient = (actionGradient?[row, column] ?? 0) * mask[row, column]
                    meanGradient[row, column] = sampleGradient
                    logStdGradient[row, column] = sampleGradient * standardDeviation[row, column] * fixedNoise[row, column] - weight
                }
            }
            return try policy.pullback(tape: head.tape, meanGradient: meanGradient, logStandardDeviationGradient: logStdGradient)
        })
    }
}

extension DiagonalGaussianMLPPolicy: DifferentiablePolicy {
    /// `.exploration`: a reparameterised draw clipped to the box; `.evaluation`: the clipped
    /// mean. Gradients through clipped entries are zero.
    public func actionsWithPullback(for observations: Matrix, mode: ActionMode, generator: inout RandomGenerator) throws
        -> (actions: Matrix, pullback: @Sendable (Matrix) throws -> PolicyGradients) {
        switch mode {
        case .exploration:
            let (draw, pullback) = try sampleWithPullback(for: observations, generator: &generator)
            return (draw.actions, { try pullback($0, nil) })
        case .evaluation:
            let head = try head(for: observations)
            let (actions, mask) = clipped(head.mean)
            let policy = self
            return (actions, { actionGradient in
                try PolicySupport.checkShape(actionGradient, rows: actions.rows, columns: actions.columns, role: "dL/d actions")
                return try policy.pullback(tape: head.tape, meanGradient: actionGradient * mask,
                                           logStandardDeviationGradient: Matrix(rows: actions.rows, columns: actions.columns))
            })
        }
    }
}
