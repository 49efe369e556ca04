#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MBRLCore

extension SquashedGaussianMLPPolicy: StochasticPolicy {
    /// The Gaussian over the pre-squash values `u`.
    public typealias Distribution = DiagonalGaussianDistribution

    /// The action space, `Box(actionBounds)`.
    public var actionSpace: Space { .box(actionBounds) }
    /// Samples are the pre-squash values `u`, one per action entry.
    public var sampleSize: Int { actionSize }

    /// The mean and the clamped log standard deviation of `u` for every row of `[B, obs]`.
    public func distribution(for observations: Matrix) throws -> DiagonalGaussianDistribution {
        try head(for: observations).distribution
    }

    /// One squashed sample per row: `actions` `[B, act]` inside the box, `samples` the
    /// pre-squash `u` `[B, act]`, and the log-densities of the actions (with the squashing
    /// correction). Draws `B * act` standard normals from `generator`.
    public func sample(for observations: Matrix, generator: inout RandomGenerator) throws -> PolicySample {
        try sampleWithPullback(for: observations, generator: &generator).sample
    }

    /// The log-density of the actions `center + halfWidth * tanh(u)` for given pre-squash
    /// values `u` `[B, act]` (as `PolicySample.samples` holds them): `log N(u; mean, std^2)`
    /// minus the squashing correction. The pullback holds `u` fixed.
    public func logDensitiesWithPullback(of samples: Matrix, for observations: Matrix) throws
        -> (values: [Float], pullback: PerRowPullback) {
        let head = try head(for: observations)
        try PolicySupport.checkShape(samples, rows: observations.rows, columns: actionSize, role: "the pre-squash samples u")
        let gaussian = DiagonalGaussianMath.logDensities(
            of: samples, mean: head.mean, logStandardDeviation: head.logStandardDeviation)
        let corrections = squashingCorrections(tanh: samples.map { tanhf($0) })
        let values = zip(gaussian, corrections).map { $0 - $1 }
        let policy = self
        return (values, { weights in
            try PolicySupport.checkWeights(weights, rows: head.mean.rows)
            let gradients = DiagonalGaussianMath.logDensityGradients(
                of: samples, mean: head.mean, logStandardDeviation: head.logStandardDeviation, weights: weights)
            return try policy.pullback(head, meanGradient: gradients.mean, logStandardDeviationGradient: gradients.logStandardDeviation)
        })
    }

    /// The pre-squash values of actions `[B, act]`: `atanh` of the actions scaled to `[-1, 1]`,
    /// clipped to `[-1 + eps, 1 - eps]` with `eps` the Float machine epsilon (as
    /// Stable-Baselines3's `TanhBijector.inverse`), so actions on the bounds stay finite.
    public func presquashValues(of actions: Matrix) throws -> Matrix {
        try PolicySupport.checkShape(actions, rows: actions.rows, columns: actionSize, role: "the actions")
        let limit = 1 - Float.ulpOfOne
        var result = actions
        for row in 0..<actions.rows {
            for column in 0..<actionSize {
                let scaled = (actions[row, column] - center[column]) / halfWidth[column]
                result[row, column] = atanhf(min(max(scaled, -limit), limit))
            }
        }
        return result
    }

    /// The log-density of given actions `[B, act]` (in the box), through
    /// `presquashValues(of:)`: for behaviour cloning and guided policy search, whose targets are
    /// actions. The pullback holds the actions fixed.
    public func logDensitiesWithPullback(ofActions actions: Matrix, for observations: Matrix) throws
        -> (values: [Float], pullback: PerRowPullback) {
        try logDensitiesWithPullback(of: presquashValues(of: actions), for: observations)
    }

    /// The one-sample entropy estimate `-log p(a)` per row, `a` a fresh reparameterised sample
    /// (`B * act` normals from `generator`); the pullback differentiates through the sample,
    /// the noise held fixed (SAC's entropy term).
    public func entropiesWithPullback(for observations: Matrix, generator: inout RandomGenerator) throws
        -> (values: [Float], pullback: PerRowPullback) {
        let (draw, samplePullback) = try sampleWithPullback(for: observations, generator: &generator)
        return (draw.logDensities.map { -$0 }, { weights in
            try PolicySupport.checkWeights(weights, rows: draw.logDensities.count)
            return try samplePullback(nil, weights.map { -$0 })
        })
    }

    /// `KL(old || self)` of the Gaussians over `u` per row (not of the squashed actions; the
    /// squashing is the same bijection for both, so they agree up to pranz24's 1e-6).
    public func klDivergencesWithPullback(from old: DiagonalGaussianDistribution, for observations: Matrix) throws
        -> (values: [Float], pullback: PerRowPullback) {
        let head = try head(for: observations)
        try PolicySupport.checkShape(old.mean, rows: observations.rows, columns: actionSize, role: "the old distribution's mean")
        let new = head.distribution
        let values = DiagonalGaussianMath.klDivergences(old: old, new: new)
        let policy = self
        return (values, { weights in
            try PolicySupport.checkWeights(weights, rows: new.mean.rows)
            let gradients = DiagonalGaussianMath.klDivergenceGradients(old: old, new: new, weights: weights)
            return try policy.pullback(head, meanGradient: gradients.mean, logStandardDeviationGradient: gradients.logStandardDeviation)
        })
    }
}
