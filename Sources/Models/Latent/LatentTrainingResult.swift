import MBRLCore

/// What one fit of a `LatentModel` did.
public struct LatentTrainingResult: Sendable, Equatable {
    /// The loop's summary: epochs begun, the mean total loss of the last epoch's updates.
    public var report: ModelTrainingReport
    /// Gradient steps taken.
    public var updates: Int
    /// Windows of `multiStepLength` transitions the fit drew from.
    public var windowCount: Int
    /// The loss terms averaged over the first epoch's updates (before each step).
    public var firstEpochTerms: LatentLossTerms
    /// The loss terms averaged over the last epoch's updates (before each step).
    public var lastEpochTerms: LatentLossTerms
}
