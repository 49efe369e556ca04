/// A dynamics model the outer loop can fit to the real data and store in checkpoints.
///
/// ```swift
/// var generator = RandomGenerator(seed: 0)
/// let report = try model.train(on: buffer, generator: &generator)
/// print(report.epochs, report.trainingLoss, report.validationScore ?? .nan)
/// var writer = CheckpointWriter()
/// try model.write(to: &writer, prefix: "model")
/// ```
public protocol TrainableDynamicsModel: DynamicsModel, Checkpointable {
    /// Fits the model to every transition in `buffer` (continuing from the current weights) and
    /// reports how it went. Throws, keeping the previous weights, when the data or the loss is
    /// not finite.
    mutating func train(on buffer: ReplayBuffer, generator: inout RandomGenerator) throws -> ModelTrainingReport
}

/// What one model fit reports to the loop's log.
public struct ModelTrainingReport: Sendable, Codable, Equatable {
    /// Epochs run (early stopping may end before the maximum).
    public var epochs: Int
    /// The training loss of the last epoch.
    public var trainingLoss: Double
    /// The best validation score (mean squared error of the mean prediction), when a validation
    /// split was used.
    public var validationScore: Double?

    public init(epochs: Int, trainingLoss: Double, validationScore: Double?) {
        self.epochs = epochs
        self.trainingLoss = trainingLoss
        self.validationScore = validationScore
    }
}
