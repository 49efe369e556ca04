import MBRLCore

/// Label layouts shared by the Gaussian students.
enum DistillationLabels {
    /// Splits `[mean | logStd]` rows into a diagonal Gaussian.
    static func gaussian(_ labels: Matrix, policy: String) throws -> DiagonalGaussianDistribution {
        guard labels.columns % 2 == 0, labels.columns > 0 else {
            throw MBRLError.shapeMismatch(
                "\(policy) distillation labels are [mean | log standard deviation] rows, an even number of columns; got \(labels.columns)")
        }
        let half = labels.columns / 2
        return try DiagonalGaussianDistribution(mean: labels.columns(0..<half), logStandardDeviation: labels.columns(half..<labels.columns))
    }
}
