/// The Huber loss between predictions and targets, with its gradient: quadratic for errors up to
/// `delta`, linear beyond, so one large temporal-difference error cannot dominate an update.
///
/// Per entry, with `d = prediction - target`: `0.5 d^2` when `|d| <= delta`, otherwise
/// `delta (|d| - 0.5 delta)`; the loss is the mean over all `B x D` entries. With `delta` 1 this
/// is PyTorch's `smooth_l1_loss` (beta 1), the loss of DQN in Stable-Baselines3 and of
/// Mnih et al. (2015), whose error clipping to [-1, 1] is this loss's gradient.
///
/// ```swift
/// let (loss, gradient) = try HuberLoss.lossAndGradient(prediction: p, target: t)
/// // gradient = clamp(p - t, -1, 1) / (B * D), [B, D]
/// ```
public enum HuberLoss {
    /// The loss alone.
    ///
    /// - Throws: `MBRLError.shapeMismatch` when the shapes differ, `MBRLError.invalidArgument`
    ///   when `delta` is not positive and finite.
    public static func loss(prediction: Matrix, target: Matrix, delta: Float = 1) throws -> Float {
        try compute(prediction: prediction, target: target, delta: delta, gradient: nil)
    }

    /// The loss and its gradient with respect to the prediction (same shape as the prediction).
    ///
    /// - Throws: as `loss(prediction:target:delta:)`.
    public static func lossAndGradient(prediction: Matrix, target: Matrix, delta: Float = 1) throws -> (loss: Float, gradient: Matrix) {
        var gradient = Matrix(rows: prediction.rows, columns: prediction.columns)
        let loss = try gradient.withUnsafeMutableBufferPointer { buffer in
            try compute(prediction: prediction, target: target, delta: delta, gradient: buffer.baseAddress)
        }
        return (loss, gradient)
    }

    private static func compute(prediction: Matrix, target: Matrix, delta: Float, gradient: UnsafeMutablePointer<Float>?) throws -> Float {
        guard delta > 0, delta.isFinite else {
            throw MBRLError.invalidArgument("the Huber loss's delta must be positive and finite, got \(delta)")
        }
        guard prediction.rows == target.rows, prediction.columns == target.columns else {
            throw MBRLError.shapeMismatch("the prediction is \(prediction.shapeText) but the target is \(target.shapeText); they must match")
        }
        let count = prediction.count
        guard count > 0 else { return 0 }
        let scale = 1 / Float(count)
        var total = 0.0
        prediction.withUnsafeBufferPointer { p in
            target.withUnsafeBufferPointer { t in
                for index in 0..<count {
                    let difference = p[index] - t[index]
                    let magnitude = abs(difference)
                    if magnitude <= delta {
                        total += Double(0.5 * difference * difference)
                        gradient?[index] = scale * difference
                    } else {
                        total += Double(delta * (magnitude - 0.5 * delta))
                        gradient?[index] = scale * (difference > 0 ? delta : -delta)
                    }
                }
            }
        }
        return Float(total / Double(count))
    }
}
