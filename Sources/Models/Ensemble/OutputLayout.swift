/// Where each prediction lives in a neural dynamics model's output row:
/// `[mean (obs + reward) | log-variance (same, Gaussian only) | termination logit]`.
struct OutputLayout: Sendable, Equatable {
    /// Entries per observation.
    let observationSize: Int
    /// Whether a reward is predicted (one more regression output after the observation).
    let hasReward: Bool
    /// Whether each regression output has a log-variance.
    let isGaussian: Bool
    /// Whether a termination logit is predicted.
    let hasTermination: Bool

    /// Regression outputs: the observation (change) and the reward.
    var regressionSize: Int { observationSize + (hasReward ? 1 : 0) }
    /// The first log-variance column (Gaussian only).
    var logVarianceOffset: Int { regressionSize }
    /// The termination logit's column (when predicted).
    var terminationColumn: Int { isGaussian ? 2 * regressionSize : regressionSize }
    /// The network's output width.
    var outputSize: Int { terminationColumn + (hasTermination ? 1 : 0) }
    /// The reward's column (when predicted).
    var rewardColumn: Int { observationSize }
}
