import Foundation
import MBRLCore

/// The scalar state of an `E2CModel`, stored as checkpoint metadata beside its weights.
private struct E2CModelCheckpointState: Codable {
    var layoutVersion: Int
    var config: E2CModelConfig
    var rawObservationSize: Int
    var actionSpace: Space
    var fitCount: Int
    var optimizerStepCount: Int
    var lastLossTerms: E2CLossTerms?
}

extension E2CModel {
    /// Adds the model to `writer`: every parameter as `<prefix>.<parameter name>`, the reward
    /// statistics as `<prefix>.rewardStatistics`, Adam's moments as `<prefix>.optimizer.first.<i>`
    /// and `.second.<i>`, and the config, sizes and counters as metadata under `prefix`.
    ///
    /// ```swift
    /// var writer = CheckpointWriter()
    /// try model.write(to: &writer, prefix: "model")
    /// var restored = model
    /// try restored.read(from: try Checkpoint(data: try writer.encodedData()), prefix: "model")
    /// ```
    public func write(to writer: inout CheckpointWriter, prefix: String) throws {
        writer.setMetadata(
            E2CModelCheckpointState(layoutVersion: 1, config: config, rawObservationSize: rawObservationSize, actionSpace: actionSpace,
                                    fitCount: fitCount, optimizerStepCount: optimizer.state.stepCount, lastLossTerms: lastLossTerms),
            forKey: prefix)
        for (name, parameter) in zip(parameterNames, parameters) {
            writer.add(name: "\(prefix).\(name)", matrix: parameter)
        }
        writer.add(name: "\(prefix).rewardStatistics", values: [rewardMean, rewardStandardDeviation])
        optimizer.state.writeMoments(to: &writer, prefix: "\(prefix).optimizer")
    }

    /// Restores what `write(to:prefix:)` stored, keeping this model's loss weights and training
    /// settings.
    ///
    /// - Throws: `MBRLError.incompatible` when the checkpoint holds a model of another shape;
    ///   `MBRLError.fileFormat` when it is damaged.
    public mutating func read(from checkpoint: Checkpoint, prefix: String) throws {
        let state = try checkpoint.metadata(E2CModelCheckpointState.self, forKey: prefix)
        let source = "checkpoint '\(checkpoint.source)', model '\(prefix)'"
        guard state.layoutVersion == 1 else {
            throw MBRLError.fileFormat("\(source) has layout version \(state.layoutVersion); this build reads version 1")
        }
        guard state.rawObservationSize == rawObservationSize, state.actionSpace == actionSpace else {
            throw MBRLError.incompatible(
                "\(source) holds an E2C model for observations of \(state.rawObservationSize) entries and actions in \(state.actionSpace); this model takes \(rawObservationSize) and \(actionSpace)")
        }
        let saved = state.config, here = config
        guard saved.latentSize == here.latentSize, saved.historyLength == here.historyLength,
              saved.encoderHiddenSizes == here.encoderHiddenSizes, saved.decoderHiddenSizes == here.decoderHiddenSizes,
              saved.transitionHiddenSizes == here.transitionHiddenSizes, saved.rewardHiddenSizes == here.rewardHiddenSizes,
              saved.activation == here.activation else {
            throw MBRLError.incompatible("\(source) was saved with other network sizes or activation than this model's")
        }
        var restored = self
        var weights: [Matrix] = []
        for (name, parameter) in zip(parameterNames, parameters) {
            weights.append(try checkpoint.matrix(named: "\(prefix).\(name)", rows: parameter.rows, columns: parameter.columns))
        }
        restored.updateParameters { $0 = weights }
        let statistics = try checkpoint.floats(named: "\(prefix).rewardStatistics", shape: [2])
        restored.rewardMean = statistics[0]
        restored.rewardStandardDeviation = statistics[1]
        let optimizerState = try Adam.State(momentsFrom: checkpoint, prefix: "\(prefix).optimizer",
                                              stepCount: state.optimizerStepCount, shapedLike: parameters)
        restored.optimizer = try Adam(learningRate: config.learningRate)
        restored.optimizer.state = optimizerState
        restored.fitCount = state.fitCount
        restored.lastLossTerms = state.lastLossTerms
        self = restored
    }
}
