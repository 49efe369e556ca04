import MBRLCore

extension DynamicsEnsemble: TrainableDynamicsModel {
    /// Fits the model to every transition in `buffer` with its `trainer` (continuing from the
    /// current weights and optimiser state) and returns the loop's summary. Throws, keeping the
    /// previous weights, when the data, a loss or a gradient is not finite.
    public mutating func train(on buffer: ReplayBuffer, generator: inout RandomGenerator) throws -> ModelTrainingReport {
        try train(on: buffer, generator: &generator, onEpoch: { _ in }).report
    }

    /// Fits the model to every transition in `buffer` with its `trainer`, calling `onEpoch`
    /// after every epoch, and returns every epoch's report (see `ModelTrainer`).
    @discardableResult
    public mutating func train(on buffer: ReplayBuffer, generator: inout RandomGenerator,
                               onEpoch: (ModelTrainingEpoch) -> Void) throws -> ModelTrainingResult {
        var trainer = self.trainer
        let result = try trainer.train(&self, on: buffer, generator: &generator, onEpoch: onEpoch)
        self.trainer = trainer
        return result
    }
}
