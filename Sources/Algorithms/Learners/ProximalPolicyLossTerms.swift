/// The terms of PPO's loss on one minibatch (or their mean over several) and the diagnostics
/// SB3 logs with them.
///
/// ```swift
/// let result = try learner.lossAndGradients(observations: s, samples: a, oldLogDensities: old,
///                                           advantages: advantages, returns: returns,
///                                           clipRange: 0.2, generator: &generator)
/// print(result.terms.policyLoss, result.terms.clipFraction)
/// ```
public struct ProximalPolicyLossTerms: Sendable, Equatable {
    /// `-mean(min(ratio * A, clip(ratio) * A))` (SB3 `policy_gradient_loss`).
    public var policyLoss: Float = 0
    /// `mean((R - V)^2)` (SB3 `value_loss`).
    public var valueLoss: Float = 0
    /// `-mean(entropy)` (SB3 `entropy_loss`).
    public var entropyLoss: Float = 0
    /// The weighted total the gradient is taken of (SB3 `loss`).
    public var loss: Float = 0
    /// The fraction of rows whose ratio lies outside the clip range (SB3 `clip_fraction`).
    public var clipFraction: Float = 0
    /// `mean((ratio - 1) - log ratio)` (SB3 `approx_kl`).
    public var approximateKullbackLeibler: Float = 0

    public init() {}

    /// Whether every term is finite.
    public var isFinite: Bool {
        [policyLoss, valueLoss, entropyLoss, loss, clipFraction, approximateKullbackLeibler].allSatisfy(\.isFinite)
    }

    /// The terms added entry by entry.
    public static func + (lhs: Self, rhs: Self) -> Self {
        var sum = lhs
        sum.policyLoss += rhs.policyLoss
        sum.valueLoss += rhs.valueLoss
        sum.entropyLoss += rhs.entropyLoss
        sum.loss += rhs.loss
        sum.clipFraction += rhs.clipFraction
        sum.approximateKullbackLeibler += rhs.approximateKullbackLeibler
        return sum
    }

    /// The terms divided by `count` (unchanged for a count below 1).
    public func averaged(over count: Int) -> Self {
        guard count > 0 else { return self }
        let scale = 1 / Float(count)
        var mean = self
        mean.policyLoss *= scale
        mean.valueLoss *= scale
        mean.entropyLoss *= scale
        mean.loss *= scale
        mean.clipFraction *= scale
        mean.approximateKullbackLeibler *= scale
        return mean
    }
}
