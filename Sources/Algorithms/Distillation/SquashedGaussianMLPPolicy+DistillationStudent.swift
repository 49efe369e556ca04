import MBRLCore

extension SquashedGaussianMLPPolicy: DistillationStudent {
    /// `[mean | log std]` of the pre-squash Gaussian: `2 * act` columns.
    public static func labelSize(actionSize: Int) -> Int { 2 * actionSize }

    /// The pre-squash Gaussians `N(mean, exp(logStd)^2)` of `[mean | logStd]` label rows.
    /// `tanh` and the affine map to the box are the same bijection for teacher and student, so
    /// the KL of these Gaussians equals the KL of the squashed action distributions.
    public static func distillationTarget(labels: Matrix) throws -> DiagonalGaussianDistribution {
        try DistillationLabels.gaussian(labels, policy: "SquashedGaussianMLPPolicy")
    }

    /// The pre-squash mean and clamped log standard deviation per row, `[B, 2 * act]`.
    public func distillationLabels(for observations: Matrix) throws -> Matrix {
        let distribution = try distribution(for: observations)
        return distribution.mean.concatenatedColumns(distribution.logStandardDeviation)
    }
}
