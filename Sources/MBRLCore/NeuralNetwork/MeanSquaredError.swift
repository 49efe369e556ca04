/// The mean squared error between predictions and targets, with its gradient.
///
/// Reduction: the mean of `(prediction - target)^2` over all entries of `[B, D]`. For an
/// ensemble's stacked predictions `[E * B, D]` (pass `memberCount: E`) it is the sum over members
/// of each member's mean over its `B * D` entries, so each member's gradient does not shrink as
/// members are added. The target is `[B, D]` per member (`[E * B, D]`) or one `[B, D]` shared.
///
/// ```swift
/// let (loss, gradient) = try MeanSquaredError.lossAndGradient(prediction: p, target: t)
/// // loss = mean((p - t)^2); gradient = 2 (p - t) / (B * D), [B, D]
/// ```
public enum MeanSquaredError {
    /// The loss alone.
    ///
    /// - Throws: `MBRLError.shapeMismatch` when the shapes do not fit (see the type's summary).
    public static func loss(prediction: Matrix, target: Matrix, memberCount: Int = 1) throws -> Float {
        try compute(prediction: prediction, target: target, memberCount: memberCount, gradient: nil)
    }

    /// The loss and its gradient with respect to the prediction (same shape as the prediction).
    ///
    /// - Throws: `MBRLError.shapeMismatch` when the shapes do not fit (see the type's summary).
    public static func lossAndGradient(
        prediction: Matrix,
        target: Matrix,
        memberCount: Int = 1
    ) throws -> (loss: Float, gradient: Matrix) {
        var gradient = Matrix.unfilled(rows: prediction.rows, columns: prediction.columns)
        let loss = try gradient.withUnsafeMutableBufferPointer { buffer in
            try compute(prediction: prediction, target: target, memberCount: memberCount, gradient: buffer.baseAddress)
        }
        return (loss, gradient)
    }

    private static func compute(
        prediction: Matrix, target: Matrix, memberCount: Int, gradient: UnsafeMutablePointer<Float>?
    ) throws -> Float {
        let sharing = try LossReduction.validate(
            prediction: prediction, target: target, memberCount: memberCount, predictionName: "prediction")
        let scale = LossReduction.scale(rows: prediction.rows, columns: prediction.columns, memberCount: memberCount)
        let gradientScale = Float(2 * scale)
        let targetCount = target.count
        var total = 0.0
        prediction.withUnsafeBufferPointer { p in
            target.withUnsafeBufferPointer { t in
                guard targetCount > 0 else { return }
                for block in 0..<sharing {
                    let offset = block * targetCount
                    for index in 0..<targetCount {
                        let difference = p[offset + index] - t[index]
                        total += Double(difference * difference)
                        gradient?[offset + index] = gradientScale * difference
                    }
                }
            }
        }
        return Float(total * scale)
    }
}
