import MBRLCore

/// The distillation loss of Rusu et al. (2015, eq. 3): the mean over a batch of
/// `KL(teacher(s) || student(s))`, with the teacher held fixed, and its gradient with respect to
/// the student's parameters; and the temperature softening of discrete teachers (Hinton et al.
/// 2015): `softmax(z / T)`.
///
/// For Gaussians the KL is the closed form per dimension,
/// `log(sigma_s / sigma_t) + (sigma_t^2 + (mu_t - mu_s)^2) / (2 sigma_s^2) - 1/2`; for categorical
/// distributions `sum_a p_t(a) (log p_t(a) - log p_s(a))`. Both come from the student's
/// `klDivergencesWithPullback(from:for:)`.
///
/// ```swift
/// let labels = try PolicyDistillationLoss.softenedLogits(qValues, temperature: 0.01)    // [B, n]
/// let (loss, gradients) = try PolicyDistillationLoss.lossAndGradients(student: student, observations: states,
///                                                                      labels: labels)
/// try adam.step(&student, gradients: gradients)
/// ```
public enum PolicyDistillationLoss {
    /// `values / temperature` `[B, n]`: logits whose softmax is the softened distribution.
    ///
    /// - Throws: `MBRLError.invalidArgument` unless `temperature` is positive and finite.
    public static func softenedLogits(_ values: Matrix, temperature: Float) throws -> Matrix {
        guard temperature.isFinite, temperature > 0 else {
            throw MBRLError.invalidArgument("the distillation temperature must be a positive number, got \(temperature)")
        }
        return values.map { $0 / temperature }
    }

    /// `softmax(values / temperature)` per row, `[B, n]`.
    public static func softenedProbabilities(_ values: Matrix, temperature: Float) throws -> Matrix {
        try CategoricalDistribution(logits: softenedLogits(values, temperature: temperature)).probabilities
    }

    /// The mean `KL(teacher || student)` over the rows of `observations` `[B, obs]`, the
    /// teacher given by its label rows `[B, labelSize]`, and its gradients with respect to the
    /// student's parameters (in the order of `student.parameters`).
    ///
    /// - Throws: `MBRLError.shapeMismatch` when the labels or observations do not fit the
    ///   student, `MBRLError.invalidArgument` for an empty batch.
    public static func lossAndGradients<Student: DistillationStudent>(student: Student, observations: Matrix, labels: Matrix) throws
        -> (loss: Float, gradients: [Matrix]) {
        guard observations.rows > 0 else { throw MBRLError.invalidArgument("a distillation batch needs at least one row") }
        guard labels.rows == observations.rows else {
            throw MBRLError.shapeMismatch("distillation needs one label row per observation row, got \(labels.rows) and \(observations.rows)")
        }
        let expected = Student.labelSize(actionSize: student.actionSpace.discrete?.count ?? student.actionSize)
        guard labels.columns == expected else {
            throw MBRLError.shapeMismatch(
                "the teacher's labels have \(labels.columns) columns per row but the student \(Student.self) needs \(expected)")
        }
        let target = try Student.distillationTarget(labels: labels)
        let (values, pullback) = try student.klDivergencesWithPullback(from: target, for: observations)
        let weight = 1 / Float(observations.rows)
        let loss = values.reduce(0, +) * weight
        let gradients = try pullback([Float](repeating: weight, count: observations.rows))
        return (loss, gradients.parameters)
    }
}
