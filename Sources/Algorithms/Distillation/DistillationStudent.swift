import MBRLCore

/// A policy that can learn from a teacher's action distributions by minimising
/// `KL(teacher || student)` (Rusu et al. 2015, "Policy Distillation", eq. 3; Hinton et al. 2015).
///
/// Teachers' distributions are stored as label rows (`[B, labelSize]`), so the labels of many
/// states and many teachers concatenate into one matrix and a minibatch is a row gather; a
/// student turns a batch of label rows back into its own `Distribution` and takes the KL with
/// `klDivergencesWithPullback(from:for:)`.
///
/// - Squashed and diagonal Gaussians: labels are `[mean | log standard deviation]`, `2 * act`
///   columns (of the pre-squash Gaussian for a squashed policy).
/// - Categorical: labels are the teacher's logits over a temperature, `n` columns.
///
/// ```swift
/// let labels = teacherMean.concatenatedColumns(teacherLogStd)             // [B, 2 * act]
/// let target = try SquashedGaussianMLPPolicy.distillationTarget(labels: labels)
/// let (kl, pullback) = try student.klDivergencesWithPullback(from: target, for: observations)
/// ```
public protocol DistillationStudent: StochasticPolicy {
    /// The number of label columns per row for a policy with `actionSize` action entries
    /// (`actionCount` actions for a categorical policy).
    static func labelSize(actionSize: Int) -> Int

    /// The teacher distributions the label rows `[B, labelSize]` describe.
    ///
    /// - Throws: `MBRLError.shapeMismatch` when the labels have the wrong number of columns.
    static func distillationTarget(labels: Matrix) throws -> Distribution

    /// This policy's own distributions as label rows, `[B, obs] -> [B, labelSize]`.
    func distillationLabels(for observations: Matrix) throws -> Matrix
}
