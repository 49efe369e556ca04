import Foundation
import MBRLCore

extension MBRLLoop {
    /// Writes the current model as the best iteration's (`loop.keepBestModel`).
    func saveBestModel(_ iteration: BestIteration, to recorder: RunRecorder) throws {
        guard let trainable = components.model as? any TrainableDynamicsModel, position.modelFits > 0 else { return }
        try BestModelFile.save(model: trainable, iteration: iteration, in: recorder.directory)
    }

    /// Replaces the model by the one in the run's `best-model.mbrl` and hands it to the agents.
    func loadBestModel(from recorder: RunRecorder) throws {
        guard var trainable = components.model as? any TrainableDynamicsModel else {
            throw MBRLError.invalidArgument("--model best needs a run with a trainable model; \(recipe.name) has none")
        }
        try BestModelFile.load(into: &trainable, from: recorder.directory)
        components.model = trainable
        try modelDidChange()
    }
}
