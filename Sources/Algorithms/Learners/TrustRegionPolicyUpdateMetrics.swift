/// What one `TrustRegionPolicyUpdate` reports (the quantities sb3-contrib's TRPO logs under
/// `train/`, plus the counts of refused steps), for a run's logs.
///
/// ```swift
/// let metrics = try learner.update(on: batch, generator: &generator)
/// if metrics.outcome == .accepted { print(metrics.surrogateImprovement, metrics.kullbackLeibler) }
/// ```
public struct TrustRegionPolicyUpdateMetrics: Sendable, Equatable {
    /// What became of the policy step.
    public enum Outcome: String, Sendable, Equatable {
        /// The line search accepted a step: the policy moved.
        case accepted
        /// No line-search candidate kept the KL within the target and improved the surrogate:
        /// the policy kept its parameters.
        case lineSearchFailed
        /// The batch, the surrogate, its gradient, the search direction or every candidate's
        /// surrogate or KL was NaN or infinite: the policy kept its parameters (and, for a
        /// non-finite batch, the value network too).
        case nonFinite
    }

    /// What became of the policy step.
    public var outcome: Outcome
    /// The index of this update, counting from 1 (refused updates included).
    public var update: Int
    /// The surrogate `mean(ratio * advantage)` at the old parameters (NaN for a non-finite batch).
    public var surrogateBefore: Float
    /// The surrogate's gain at the accepted parameters (0 unless accepted).
    public var surrogateImprovement: Float
    /// The mean `KL(old || new)` at the accepted parameters (0 unless accepted, as sb3-contrib logs it).
    public var kullbackLeibler: Float
    /// The accepted fraction of the full trust-region step, `shrinkFactor^k` (0 unless accepted).
    public var stepFraction: Float
    /// Line-search candidates evaluated.
    public var lineSearchEvaluations: Int
    /// Conjugate-gradient iterations spent.
    public var conjugateGradientIterations: Int
    /// The mean value-network loss `mean (V(s) - R)^2` over this update's minibatches (0 when
    /// the value network was not fitted).
    public var valueLoss: Float
    /// `1 - Var(R - V) / Var(R)` of the batch's values and returns (0 when the returns are constant).
    public var explainedVariance: Float
    /// The policy's mean entropy on the batch's observations after the update.
    public var entropy: Float
    /// The mean standard deviation `exp(log std)` of a Gaussian policy after the update (nil for others).
    public var policyStandardDeviation: Float?
    /// Updates so far whose line search accepted nothing (this one included).
    public var lineSearchFailures: Int
    /// Updates so far refused for NaN or infinite values (this one included).
    public var nonFiniteSteps: Int

    /// Metrics with the given values.
    public init(outcome: Outcome, update: Int, surrogateBefore: Float, surrogateImprovement: Float, kullbackLeibler: Float,
                stepFraction: Float, lineSearchEvaluations: Int, conjugateGradientIterations: Int, valueLoss: Float,
                explainedVariance: Float, entropy: Float, policyStandardDeviation: Float?, lineSearchFailures: Int, nonFiniteSteps: Int) {
        self.outcome = outcome
        self.update = update
        self.surrogateBefore = surrogateBefore
        self.surrogateImprovement = surrogateImprovement
        self.kullbackLeibler = kullbackLeibler
        self.stepFraction = stepFraction
        self.lineSearchEvaluations = lineSearchEvaluations
        self.conjugateGradientIterations = conjugateGradientIterations
        self.valueLoss = valueLoss
        self.explainedVariance = explainedVariance
        self.entropy = entropy
        self.policyStandardDeviation = policyStandardDeviation
        self.lineSearchFailures = lineSearchFailures
        self.nonFiniteSteps = nonFiniteSteps
    }

    /// The metrics by name, for a run's log columns: `policyUpdates`, `surrogateImprovement`,
    /// `kullbackLeibler`, `stepAccepted` (1 or 0; its mean is the accepted-step fraction,
    /// sb3-contrib's `is_line_search_success`), `stepFraction`, `lineSearchEvaluations`,
    /// `conjugateGradientIterations`, `valueLoss`, `explainedVariance`, `entropy`,
    /// `policyStandardDeviation` (Gaussian policies), `lineSearchFailures`, `nonFiniteSteps`, and
    /// `lineSearchFailureIteration` or `nonFiniteStepIteration` (this update's index) when the
    /// step was refused.
    public var named: [(name: String, value: Float)] {
        var result: [(name: String, value: Float)] = [
            ("policyUpdates", Float(update)), ("surrogateImprovement", surrogateImprovement), ("kullbackLeibler", kullbackLeibler),
            ("stepAccepted", outcome == .accepted ? 1 : 0), ("stepFraction", stepFraction),
            ("lineSearchEvaluations", Float(lineSearchEvaluations)), ("conjugateGradientIterations", Float(conjugateGradientIterations)),
            ("valueLoss", valueLoss), ("explainedVariance", explainedVariance), ("entropy", entropy),
            ("lineSearchFailures", Float(lineSearchFailures)), ("nonFiniteSteps", Float(nonFiniteSteps)),
        ]
        if let policyStandardDeviation { result.append(("policyStandardDeviation", policyStandardDeviation)) }
        switch outcome {
        case .accepted: break
        case .lineSearchFailed: result.append(("lineSearchFailureIteration", Float(update)))
        case .nonFinite: result.append(("nonFiniteStepIteration", Float(update)))
        }
        return result
    }

    /// `named` as a dictionary of `Double`, as a policy optimizer returns its metrics.
    public var dictionary: [String: Double] {
        Dictionary(uniqueKeysWithValues: named.map { ($0.name, Double($0.value)) })
    }
}
