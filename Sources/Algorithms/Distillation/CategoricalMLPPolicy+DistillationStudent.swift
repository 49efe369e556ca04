import MBRLCore

extension CategoricalMLPPolicy: DistillationStudent {
    /// One logit per action.
    public static func labelSize(actionSize: Int) -> Int { actionSize }

    /// The categorical distributions `softmax(labels)`.
    public static func distillationTarget(labels: Matrix) throws -> CategoricalDistribution {
        CategoricalDistribution(logits: labels)
    }

    /// The logits per row, `[B, n]`.
    public func distillationLabels(for observations: Matrix) throws -> Matrix {
        try distribution(for: observations).logits
    }
}
