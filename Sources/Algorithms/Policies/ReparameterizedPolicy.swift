import MBRLCore

/// A stochastic policy whose samples are differentiable functions of its parameters, the
/// observations and noise drawn independently of both (the reparameterisation trick): the
/// actor of SAC and MBPO.
///
/// ```swift
/// let (draw, pullback) = try policy.sampleWithPullback(for: observations, generator: &generator)
/// // SAC's actor loss mean(alpha * log p - Q(s, a)): dL/da = -dQ/da / B, dL/dlog p = alpha / B
/// let gradients = try pullback(actionGradient, logDensityWeights)
/// ```
public protocol ReparameterizedPolicy: StochasticPolicy, DifferentiablePolicy {
    /// One reparameterised sample per observation row and the pullback from `dL/d actions`
    /// `[B, act]` and `dL/d logDensities` `[B]` (either may be `nil` for zero) to the parameter
    /// and observation gradients, the noise held fixed.
    func sampleWithPullback(for observations: Matrix, generator: inout RandomGenerator) throws
        -> (sample: PolicySample, pullback: @Sendable (_ actionGradient: Matrix?, _ logDensityGradient: [Float]?) throws -> PolicyGradients)
}
