/// What one `ProximalPolicyUpdate` reports: the mean loss terms over its minibatches and the
/// quantities SB3's PPO logs under `train/`, for a run's logs.
///
/// ```swift
/// let metrics = try learner.update(on: batch, stepsSoFar: 256, generator: &generator)
/// print(metrics.terms.clipFraction, metrics.dictionary["approximateKullbackLeibler"] ?? 0)
/// ```
public struct ProximalPolicyUpdateMetrics: Sendable, Equatable {
    /// The index of this update, counting from 1.
    public var update: Int
    /// The mean loss terms over the minibatches that stepped.
    public var terms: ProximalPolicyLossTerms
    /// Minibatches that took an optimiser step.
    public var minibatches: Int
    /// Whether the approximate KL stopped the epochs early (`targetKullbackLeibler`).
    public var stoppedEarly: Bool
    /// `1 - Var(R - V) / Var(R)` of the batch's values and returns.
    public var explainedVariance: Float
    /// The step size used (after the linear schedule).
    public var learningRate: Float
    /// The clip range used (after the linear schedule).
    public var clipRange: Float
    /// Minibatches so far refused for NaN or infinite values.
    public var nonFiniteSteps: Int

    /// Metrics with the given values.
    public init(update: Int, terms: ProximalPolicyLossTerms, minibatches: Int, stoppedEarly: Bool, explainedVariance: Float,
                learningRate: Float, clipRange: Float, nonFiniteSteps: Int) {
        self.update = update
        self.terms = terms
        self.minibatches = minibatches
        self.stoppedEarly = stoppedEarly
        self.explainedVariance = explainedVariance
        self.learningRate = learningRate
        self.clipRange = clipRange
        self.nonFiniteSteps = nonFiniteSteps
    }

    /// The metrics by name, for a run's log columns: `policyUpdates`, `policyLoss`, `valueLoss`,
    /// `entropyLoss`, `loss`, `clipFraction`, `approximateKullbackLeibler`, `minibatches`,
    /// `stoppedEarly` (1 or 0), `explainedVariance`, `learningRate`, `clipRange`, `nonFiniteSteps`.
    public var dictionary: [String: Double] {
        [
            "policyUpdates": Double(update), "policyLoss": Double(terms.policyLoss), "valueLoss": Double(terms.valueLoss),
            "entropyLoss": Double(terms.entropyLoss), "loss": Double(terms.loss), "clipFraction": Double(terms.clipFraction),
            "approximateKullbackLeibler": Double(terms.approximateKullbackLeibler), "minibatches": Double(minibatches),
            "stoppedEarly": stoppedEarly ? 1 : 0, "explainedVariance": Double(explainedVariance),
            "learningRate": Double(learningRate), "clipRange": Double(clipRange), "nonFiniteSteps": Double(nonFiniteSteps),
        ]
    }
}
