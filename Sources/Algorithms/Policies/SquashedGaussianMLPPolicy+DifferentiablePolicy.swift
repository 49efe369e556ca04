#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MBRLCore

extension SquashedGaussianMLPPolicy: ReparameterizedPolicy {
    /// A reparameterised squashed sample per row, `u = mean + std * eps`,
    /// `a = center + halfWidth * tanh(u)`, with its log-density, and the pullback from
    /// `dL/da` `[B, act]` and `dL/d log p` `[B]` (nil for zero) with `eps` held fixed.
    public func sampleWithPullback(for observations: Matrix, generator: inout RandomGenerator) throws
        -> (sample: PolicySample, pullback: @Sendable (Matrix?, [Float]?) throws -> PolicyGradients) {
        let head = try head(for: observations)
        var noise = Matrix(rows: observations.rows, columns: actionSize)
        generator.fillStandardNormal(&noise)
        let fixedNoise = noise
        let standardDeviation = head.logStandardDeviation.map { expf($0) }
        let u = head.mean + standardDeviation * noise
        let (actions, t) = squash(u)
        let corrections = squashingCorrections(tanh: t)
        var logDensities = [Float](repeating: 0, count: observations.rows)
        for row in 0..<observations.rows {
            var total: Float = 0
            for column in 0..<actionSize {
                let eps = noise[row, column]
                total += -0.5 * eps * eps - head.logStandardDeviation[row, column] - DiagonalGaussianMath.halfLogTwoPi
            }
            logDensities[row] = total - corrections[row]
        }
        let policy = self
        let sample = PolicySample(actions: actions, samples: u, logDensities: logDensities)
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
                    let value = t[row, column], width = policy.halfWidth[column]
                    let slope = width * (1 - value * value)            // da/du
                    var uGradient = (actionGradient?[row, column] ?? 0) * slope
                    // d/du of -log(halfWidth (1 - t^2) + 1e-6).
                    uGradient += weight * 2 * value * slope / (slope + SquashedGaussianMLPPolicy.squashingEpsilon)
                    meanGradient[row, column] = uGradient
                    // u depends on log std through std * eps; log N(u) has -log std with eps fixed.
                    logStdGradient[row, column] = uGradient * standardDeviation[row, column] * fixedNoise[row, column] - weight
                }
            }
            return try policy.pullback(head, meanGradient: meanGradient, logStandardDeviationGradient: logStdGradient)
        })
    }
}

extension SquashedGaussianMLPPolicy: DifferentiablePolicy {
    /// `.exploration`: a reparameterised squashed sample (noise held fixed in the pullback);
    /// `.evaluation`: `center + halfWidth * tanh(mean)`. Actions `[B, act]` inside the box.
    public func actionsWithPullback(for observations: Matrix, mode: ActionMode, generator: inout RandomGenerator) throws
        -> (actions: Matrix, pullback: @Sendable (Matrix) throws -> PolicyGradients) {
        switch mode {
        case .exploration:
            let (draw, pullback) = try sampleWithPullback(for: observations, generator: &generator)
            return (draw.actions, { try pullback($0, nil) })
        case .evaluation:
            let head = try head(for: observations)
            let (actions, t) = squash(head.mean)
            let policy = self
            return (actions, { actionGradient in
                try PolicySupport.checkShape(actionGradient, rows: actions.rows, columns: actions.columns, role: "dL/d actions")
                var meanGradient = actionGradient
                for row in 0..<actions.rows {
                    for column in 0..<actions.columns {
                        let value = t[row, column]
                        meanGradient[row, column] *= policy.halfWidth[column] * (1 - value * value)
                    }
                }
                return try policy.pullback(head, meanGradient: meanGradient,
                                           logStandardDeviationGradient: Matrix(rows: actions.rows, columns: actions.columns))
            })
        }
    }
}
