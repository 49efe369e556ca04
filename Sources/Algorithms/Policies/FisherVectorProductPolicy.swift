import MBRLCore

/// A stochastic policy that computes exact Fisher-vector products of its mean KL divergence,
/// for the conjugate-gradient step of TRPO and natural policy gradients.
///
/// ```swift
/// let step = try policy.fisherVectorProduct(direction, for: observations, damping: 0.1)
/// ```
public protocol FisherVectorProductPolicy: StochasticPolicy {
    /// `(F + damping * I) v`, with `F` the Fisher information of the policy's distributions
    /// averaged over the observation rows `[B, obs]` (the Hessian of the mean
    /// `KL(current || new)` at the current parameters), computed as `J^T M J v`.
    ///
    /// - Parameters:
    ///   - vector: `v`, laid out as `flattenedParameters()`.
    ///   - damping: added times `v` (default 0).
    /// - Returns: a vector laid out as `flattenedParameters()`.
    /// - Throws: `MBRLError.shapeMismatch` when `vector` does not have `parameterCount` entries.
    func fisherVectorProduct(_ vector: [Float], for observations: Matrix, damping: Float) throws -> [Float]
}

extension FisherVectorProductPolicy {
    /// `F v` without damping; see `fisherVectorProduct(_:for:damping:)`.
    public func fisherVectorProduct(_ vector: [Float], for observations: Matrix) throws -> [Float] {
        try fisherVectorProduct(vector, for: observations, damping: 0)
    }
}
