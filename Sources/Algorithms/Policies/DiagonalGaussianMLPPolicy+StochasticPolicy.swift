#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MBRLCore

extension DiagonalGaussianMLPPolicy: StochasticPolicy {
    /// The Gaussian of every row (the log standard deviations repeated per row).
    public typealias Distribution = DiagonalGaussianDistribution

    /// The action space, `Box(actionBounds)`.
    public var actionSpace: Space { .box(actionBounds) }
    /// Samples are the unclipped Gaussian draws, one per action entry.
    public var sampleSize: Int { actionSize }

    /// The means and log standard deviations `[B, act]` for observations `[B, obs]`.
    public func distribution(for observations: Matrix) throws -> DiagonalGaussianDistribution {
        let head = try head(for: observations)
        return DiagonalGaussianDistribution(uncheckedMean: head.mean, logStandardDeviation: head.logStandardDeviation)
    }

    /// One Gaussian draw per row: `samples` unclipped, `actions` clipped to the box,
    /// `logDensities` of the unclipped samples. Draws `B * act` standard normals.
    public func sample(for observations: Matrix, generator: inout RandomGenerator) throws -> PolicySample {
        try sampleWithPullback(for: observations, generator: &generator).sample
    }

    /// `log N(samples; mean, std^2)` per row for unclipped samples `[B, act]`, held fixed in the pullback.
    public func logDensitiesWithPullback(of samples: Matrix, for observations: Matrix) throws
        -> (values: [Float], pullback: PerRowPullback) {
        let head = try head(for: observations)
        try PolicySupport.checkShape(samples, rows: observations.rows, columns: actionSize, role: "the samples")
        let values = DiagonalGaussianMath.logDensities(of: samples, mean: head.mean, logStandardDeviation: head.logStandardDeviation)
        let policy = self
        return (values, { weights in
            try PolicySupport.checkWeights(weights, rows: head.mean.rows)
            let gradients = DiagonalGaussianMath.logDensityGradients(
                of: samples, mean: head.mean, logStandardDeviation: head.logStandardDeviation, weights: weights)
            return try policy.pullback(tape: head.tape, meanGradient: gradients.mean,
                                       logStandardDeviationGradient: gradients.logStandardDeviation)
        })
    }

    /// The analytic entropy `sum_j log std_j + act * log(2 pi e) / 2`, the same for every row
    /// (it depends on the log standard deviations only; `generator` is not used).
    public func entropiesWithPullback(for observations: Matrix, generator: inout RandomGenerator) throws
        -> (values: [Float], pullback: PerRowPullback) {
        try PolicySupport.checkObservations(observations, size: observationSize, policy: "DiagonalGaussianMLPPolicy")
        let rows = observations.rows
        let entropy = DiagonalGaussianMath.entropies(logStandardDeviation: logStandardDeviation)[0]
        let policy = self
        return (Array(repeating: entropy, count: rows), { weights in
            try PolicySupport.checkWeights(weights, rows: rows)
            var gradients = PolicySupport.zeroGradients(policy.parameters, rows: rows, observationSize: policy.observationSize)
            let total = weights.reduce(0, +)
            gradients.parameters[gradients.parameters.count - 1] = Matrix(rows: 1, columns: policy.actionSize, repeating: total)
            return gradients
        })
    }

    /// The analytic `KL(old || self)` of diagonal Gaussians per row, `old` held fixed.
    public func klDivergencesWithPullback(from old: DiagonalGaussianDistribution, for observations: Matrix) throws
        -> (values: [Float], pullback: PerRowPullback) {
        let head = try head(for: observations)
        try PolicySupport.checkShape(old.mean, rows: observations.rows, columns: actionSize, role: "the old distribution's mean")
        let new = DiagonalGaussianDistribution(uncheckedMean: head.mean, logStandardDeviation: head.logStandardDeviation)
        let values = DiagonalGaussianMath.klDivergences(old: old, new: new)
        let policy = self
        return (values, { weights in
            try PolicySupport.checkWeights(weights, rows: new.mean.rows)
            let gradients = DiagonalGaussianMath.klDivergenceGradients(old: old, new: new, weights: weights)
            return try policy.pullback(tape: head.tape, meanGradient: gradients.mean,
                                       logStandardDeviationGradient: gradients.logStandardDeviation)
        })
    }
}
