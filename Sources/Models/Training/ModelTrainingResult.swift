import MBRLCore

/// What one epoch of model training reports, for the runner's log.
public struct ModelTrainingEpoch: Sendable, Codable, Equatable {
    /// Which fit this epoch belongs to (0 for the trainer's first call).
    public var fit: Int
    /// The epoch within the fit, from 0.
    public var epoch: Int
    /// The mean training loss over the epoch's minibatches.
    public var trainingLoss: Double
    /// Each member's score after the epoch (mean squared error of its mean prediction on the
    /// validation rows, or the training rows without a validation split), `[E]`.
    public var validationScores: [Double]
    /// Each member's best score so far, `[E]`.
    public var bestValidationScores: [Double]
    /// Whether some member improved by more than the improvement threshold.
    public var improved: Bool
}

/// What one fit reports: every epoch, the members' scores and the elites chosen.
public struct ModelTrainingResult: Sendable, Codable, Equatable {
    /// Every epoch run, in order.
    public var epochs: [ModelTrainingEpoch]
    /// Each member's score before training, `[E]`.
    public var initialValidationScores: [Double]
    /// Each member's best score, that of the weights it ends with, `[E]`.
    public var bestValidationScores: [Double]
    /// The members chosen as elites, in increasing order.
    public var elites: [Int]
    /// Whether the fit stopped before the epoch limit because of the patience rule.
    public var stoppedEarly: Bool
    /// Training samples (transitions, or windows for a multi-step loss).
    public var trainingSampleCount: Int
    /// Held-out transitions (0 when members are scored on the training data).
    public var validationSampleCount: Int

    /// The summary the outer loop logs: epochs run, the last epoch's training loss and, with a
    /// validation split, the mean best score of the elites.
    public var report: ModelTrainingReport {
        let eliteScores = elites.map { bestValidationScores[$0] }
        return ModelTrainingReport(
            epochs: epochs.count, trainingLoss: epochs.last?.trainingLoss ?? .nan,
            validationScore: validationSampleCount > 0 && !eliteScores.isEmpty
                ? eliteScores.reduce(0, +) / Double(eliteScores.count) : nil)
    }
}
