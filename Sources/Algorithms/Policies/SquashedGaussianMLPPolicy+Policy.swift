import MBRLCore

extension SquashedGaussianMLPPolicy: Policy {
    /// `.exploration`: a squashed Gaussian sample; `.evaluation`: `center + halfWidth * tanh(mean)`.
    /// `[B, obs] -> [B, act]`.
    public func actions(for observations: Matrix, mode: ActionMode, generator: inout RandomGenerator) throws -> Matrix {
        switch mode {
        case .exploration:
            return try sample(for: observations, generator: &generator).actions
        case .evaluation:
            try PolicySupport.checkObservations(observations, size: observationSize, policy: "SquashedGaussianMLPPolicy")
            let output = try network(observations)
            return squash(output.columns(0..<actionSize)).actions
        }
    }
}
