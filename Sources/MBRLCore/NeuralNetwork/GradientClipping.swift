/// Gradient clipping by the global norm over all parameters, as PyTorch's
/// `torch.nn.utils.clip_grad_norm_` (with norm type 2).
///
/// ```swift
/// var gradients = try network.backward(lossGradient, tape: tape).parameterGradients
/// let normBeforeClipping = try GradientClipping.clipByGlobalNorm(&gradients, maxNorm: 1)
/// ```
public enum GradientClipping {
    /// The Euclidean norm of all entries of all `gradients` taken together (accumulated in `Double`).
    public static func globalNorm(_ gradients: [Matrix]) -> Float {
        var total = 0.0
        for gradient in gradients {
            gradient.withUnsafeBufferPointer { buffer in
                for value in buffer { total += Double(value) * Double(value) }
            }
        }
        return Float(total.squareRoot())
    }

    /// Scales every gradient by `maxNorm / (norm + 1e-6)` when that factor is below 1, so the
    /// global norm becomes (just under) `maxNorm`; gradients already within the limit are left
    /// unchanged. A non-finite norm also leaves them unchanged, so the caller can test the
    /// returned norm and skip the step.
    ///
    /// - Returns: the global norm before clipping.
    /// - Throws: `MBRLError.invalidArgument` when `maxNorm` is not positive.
    @discardableResult
    public static func clipByGlobalNorm(_ gradients: inout [Matrix], maxNorm: Float) throws -> Float {
        guard maxNorm > 0, maxNorm.isFinite else {
            throw MBRLError.invalidArgument("the maximum gradient norm must be a positive number, got \(maxNorm)")
        }
        let norm = globalNorm(gradients)
        guard norm.isFinite else { return norm }
        let factor = maxNorm / (norm + 1e-6)
        if factor < 1 {
            for index in gradients.indices { gradients[index].scale(by: factor) }
        }
        return norm
    }
}
