import Foundation
import MBRLCore

/// `best-model.mbrl` in a run directory: the model of the iteration with the best mean evaluation
/// return (`loop.keepBestModel`), stored as in `checkpoint.mbrl` (under the prefix `model`) with
/// the `BestIteration` as metadata. `mbrl-run eval DIR --model best` plans with it.
///
/// ```swift
/// try BestModelFile.save(model: trainable, iteration: best, in: runDirectory)
/// var model = trainable
/// let iteration = try BestModelFile.load(into: &model, from: runDirectory)
/// ```
public enum BestModelFile {
    /// The file's name in the run directory.
    public static let fileName = "best-model.mbrl"

    /// Writes `model` and `iteration` to `directory/best-model.mbrl`, atomically.
    public static func save(model: any TrainableDynamicsModel, iteration: BestIteration, in directory: URL) throws {
        var writer = CheckpointWriter()
        try model.write(to: &writer, prefix: "model")
        writer.setMetadata(iteration, forKey: "bestIteration")
        try writer.write(to: directory.appendingPathComponent(fileName))
    }

    /// Reads the kept model into `model` and returns its iteration.
    ///
    /// - Throws: `MBRLError.fileFormat` naming the file when it is missing (the run did not keep
    ///   a best model) or does not hold a model of `model`'s shape.
    @discardableResult
    public static func load(into model: inout any TrainableDynamicsModel, from directory: URL) throws -> BestIteration {
        let url = directory.appendingPathComponent(fileName)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw MBRLError.fileFormat("\(url.path) does not exist: the run kept no best model (it needs \"loop\": {\"keepBestModel\": true} and evaluation episodes)")
        }
        let checkpoint = try Checkpoint(contentsOf: url)
        let iteration = try checkpoint.metadata(BestIteration.self, forKey: "bestIteration")
        try model.read(from: checkpoint, prefix: "model")
        return iteration
    }
}
