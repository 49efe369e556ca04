import MBRLCore

extension DiagonalGaussianMLPPolicy: DistillationStudent {
    /// `[mean | log std]`: `2 * act` columns.
    public static func labelSize(actionSize: Int) -> Int { 2 * actionSize }

    /// The Gaussians `N(mean, exp(logStd)^2)` of `[mean | logStd]` label rows.
    public static func distillationTarget(labels: Matrix) throws -> DiagonalGaussianDistribution {
        try DistillationLabels.gaussian(labels, policy: "DiagonalGaussianMLPPolicy")
    }

    /// The mean and log standard deviation per row, `[B, 2 * act]`.
    public func distillationLabels(for observations: Matrix) throws -> Matrix {
        let distribution = try distribution(for: observations)
        return distribution.mean.concatenatedColumns(distribution.logStandardDeviation)
    }
}
