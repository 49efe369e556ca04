import MBRLCore

extension DiagonalGaussianMLPPolicy: Policy {
    /// `.exploration`: a Gaussian draw clipped to the box; `.evaluation`: the clipped mean.
    /// `[B, obs] -> [B, act]`.
    public func actions(for observations: Matrix, mode: ActionMode, generator: inout RandomGenerator) throws -> Matrix {
        switch mode {
        case .exploration:
            return try sample(for: observations, generator: &generator).actions
        case .evaluation:
            try PolicySupport.checkObservations(observations, size: observationSize, policy: "DiagonalGaussianMLPPolicy")
            return clipped(try network(observations)).actions
        }
    }
}
