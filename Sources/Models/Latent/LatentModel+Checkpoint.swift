import Foundation
import MBRLCore

/// The scalar state of a `LatentModel`, stored as checkpoint metadata beside its weights.
private struct LatentModelCheckpointState: Codable {
    var layoutVersion: Int
    var config: LatentModelConfig
    var rawObservationSize: Int
    var actionSpace: Space
    var fitCount: Int
    var optimizerStepCount: Int
    var lastLossTerms: LatentLossTerms?
}

extension LatentModel {
    /// Adds the model to `writer`: every parameter as `<prefix>.<parameter name>` (for example
    /// `model.encoder.layers.0.weight`), the reward statistics as `<prefix>.rewardStatistics`
    /// (`[mean, standard deviation]`), Adam's moments as `<prefix>.optimizer.first.<i>` and
    /// `.second.<i>`, and the config, sizes and counters as metadata under `prefix`.
    /// `init(checkpoint:prefix:)` restores a model that predicts, and goes on training, bit for
    /// bit as this one.
    ///
    /// ```swift
    /// var writer = CheckpointWriter()
    /// try model.write(to: &writer, prefix: "model")
    /// let restored = try LatentModel(checkpoint: try Checkpoint(data: try writer.encodedData()), prefix: "model")
    /// ```
    public func write(to writer: inout CheckpointWriter, prefix: String) throws {
        writer.setMetadata(
            LatentModelCheckpointState(layoutVersion: 1, config: config, rawObservationSize: rawObservationSize,
                                       actionSpace: actionSpace, fitCount: fitCount,
                                       optimizerStepCount: optimizer.state.stepCount, lastLossTerms: lastLossTerms),
            forKey: prefix)
        for (name, parameter) in zip(parameterNames, parameters) {
            writer.add(name: "\(prefix).\(name)", matrix: parameter)
        }
        writer.add(name: "\(prefix).rewardStatistics", values: [rewardMean, rewardStandardDeviation])
        optimizer.state.writeMoments(to: &writer, prefix: "\(prefix).optimizer")
    }

    /// The model `write(to:prefix:)` stored in `checkpoint` under `prefix`.
    ///
    /// - Throws: `MBRLError.fileFormat` naming the checkpoint and the entry that is missing or
    ///   has another shape than the stored config implies.
    public init(checkpoint: Checkpoint, prefix: String) throws {
        let state = try checkpoint.metadata(LatentModelCheckpointState.self, forKey: prefix)
        let source = "checkpoint '\(checkpoint.source)', model '\(prefix)'"
        guard state.layoutVersion == 1 else {
            throw MBRLError.fileFormat("\(source) has layout version \(state.layoutVersion); this build reads version 1")
        }
        var generator = RandomGenerator(seed: 0)
        var model: LatentModel
        do {
            model = try LatentModel(config: state.config, rawObservationSize: state.rawObservationSize,
                                    actionSpace: state.actionSpace, generator: &generator)
        } catch {
            throw MBRLError.fileFormat("\(source) holds settings that do not build a latent model: \(error)")
        }
        try model.load(from: checkpoint, prefix: prefix, state: state)
        self = model
    }

    /// Restores what `write(to:prefix:)` stored into this model, keeping this model's loss
    /// weights and training settings.
    ///
    /// - Throws: `MBRLError.incompatible` when the checkpoint holds a model of another shape,
    ///   naming what differs; `MBRLError.fileFormat` when it is damaged.
    public mutating func read(from checkpoint: Checkpoint, prefix: String) throws {
        let state = try checkpoint.metadata(LatentModelCheckpointState.self, forKey: prefix)
        let source = "checkpoint '\(checkpoint.source)', model '\(prefix)'"
        guard state.rawObservationSize == rawObservationSize else {
            throw MBRLError.incompatible(
                "\(source) holds a model for observations of \(state.rawObservationSize) entries; this model takes \(rawObservationSize)")
        }
        guard state.actionSpace == actionSpace else {
            throw MBRLError.incompatible("\(source) holds a model for actions in \(state.actionSpace); this model's are \(actionSpace)")
        }
        let differences = Self.architectureDifferences(state.config, config)
        guard differences.isEmpty else {
            throw MBRLError.incompatible("\(source) was saved with other model settings: \(differences.joined(separator: "; "))")
        }
        var restored = self
        try restored.load(from: checkpoint, prefix: prefix, state: state)
        self = restored
    }

    /// Loads weights, reward statistics, optimiser moments and counters into this model (whose
    /// architecture matches the checkpoint's).
    private mutating func load(from checkpoint: Checkpoint, prefix: String, state: LatentModelCheckpointState) throws {
        var weights: [Matrix] = []
        for (name, parameter) in zip(parameterNames, parameters) {
            weights.append(try checkpoint.matrix(named: "\(prefix).\(name)", rows: parameter.rows, columns: parameter.columns))
        }
        updateParameters { $0 = weights }
        let statistics = try checkpoint.floats(named: "\(prefix).rewardStatistics", shape: [2])
        rewardMean = statistics[0]
        rewardStandardDeviation = statistics[1]
        let optimizerState = try Adam.State(momentsFrom: checkpoint, prefix: "\(prefix).optimizer",
                                              stepCount: state.optimizerStepCount, shapedLike: parameters)
        optimizer = try Adam(learningRate: config.learningRate)
        optimizer.state = optimizerState
        fitCount = state.fitCount
        lastLossTerms = state.lastLossTerms
    }

    /// `"key is A in the checkpoint but B here"` for every architecture setting that differs
    /// (loss weights and training settings may differ).
    static func architectureDifferences(_ saved: LatentModelConfig, _ expected: LatentModelConfig) -> [String] {
        var differences: [String] = []
        func compare<Value: Equatable>(_ name: String, _ keyPath: KeyPath<LatentModelConfig, Value>) {
            if saved[keyPath: keyPath] != expected[keyPath: keyPath] {
                differences.append("\(name) is \(saved[keyPath: keyPath]) in the checkpoint but \(expected[keyPath: keyPath]) here")
            }
        }
        compare("latentSize", \.latentSize)
        compare("historyLength", \.historyLength)
        compare("encoderHiddenSizes", \.encoderHiddenSizes)
        compare("decoderHiddenSizes", \.decoderHiddenSizes)
        compare("encoderConvolutionChannels", \.encoderConvolutionChannels)
        compare("decoderConvolutionChannels", \.decoderConvolutionChannels)
        compare("convolutionKernelSize", \.convolutionKernelSize)
        compare("convolutionStride", \.convolutionStride)
        compare("dynamicsHiddenSizes", \.dynamicsHiddenSizes)
        compare("rewardHiddenSizes", \.rewardHiddenSizes)
        compare("activation", \.activation)
        compare("dynamicsKind", \.dynamicsKind)
        compare("ensembleSize", \.ensembleSize)
        compare("minLogVariance", \.minLogVariance)
        compare("maxLogVariance", \.maxLogVariance)
        compare("stochasticEncoder", \.stochasticEncoder)
        compare("rewardUsesNextLatent", \.rewardUsesNextLatent)
        return differences
    }
}
