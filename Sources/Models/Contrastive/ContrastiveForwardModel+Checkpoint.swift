import Foundation
import MBRLCore

/// The scalar state of a `ContrastiveForwardModel`, stored as checkpoint metadata beside its weights.
private struct ContrastiveModelCheckpointState: Codable {
    var layoutVersion: Int
    var config: ContrastiveModelConfig
    var rawObservationSize: Int
    var actionSpace: Space
    var goalImage: GoalImageLayout?
    var fitCount: Int
    var optimizerStepCount: Int
    var lastLoss: ContrastiveLossTerms?
}

extension ContrastiveForwardModel {
    /// Adds the model to `writer`: every parameter as `<prefix>.<parameter name>` (for example
    /// `model.encoder.layers.0.weight`), Adam's moments as `<prefix>.optimizer.first.<i>` and
    /// `.second.<i>`, and the config, sizes, layout and counters as metadata under `prefix`.
    ///
    /// ```swift
    /// var writer = CheckpointWriter()
    /// try model.write(to: &writer, prefix: "model")
    /// let restored = try ContrastiveForwardModel(checkpoint: try Checkpoint(data: try writer.encodedData()), prefix: "model")
    /// ```
    public func write(to writer: inout CheckpointWriter, prefix: String) throws {
        writer.setMetadata(
            ContrastiveModelCheckpointState(layoutVersion: 1, config: config, rawObservationSize: rawObservationSize,
                                            actionSpace: actionSpace, goalImage: goalImage, fitCount: fitCount,
                                            optimizerStepCount: optimizer.state.stepCount, lastLoss: lastLoss),
            forKey: prefix)
        for (name, parameter) in zip(parameterNames, parameters) {
            writer.add(name: "\(prefix).\(name)", matrix: parameter)
        }
        optimizer.state.writeMoments(to: &writer, prefix: "\(prefix).optimizer")
    }

    /// The model `write(to:prefix:)` stored in `checkpoint` under `prefix`.
    ///
    /// - Throws: `MBRLError.fileFormat` naming the checkpoint and the entry that is missing or
    ///   has another shape than the stored config implies.
    public init(checkpoint: Checkpoint, prefix: String) throws {
        let state = try checkpoint.metadata(ContrastiveModelCheckpointState.self, forKey: prefix)
        let source = "checkpoint '\(checkpoint.source)', model '\(prefix)'"
        guard state.layoutVersion == 1 else {
            throw MBRLError.fileFormat("\(source) has layout version \(state.layoutVersion); this build reads version 1")
        }
        var generator = RandomGenerator(seed: 0)
        var model: ContrastiveForwardModel
        do {
            model = try ContrastiveForwardModel(config: state.config, observationSize: state.rawObservationSize,
                                                actionSpace: state.actionSpace, goalImage: state.goalImage, generator: &generator)
        } catch {
            throw MBRLError.fileFormat("\(source) holds settings that do not build a contrastive model: \(error)")
        }
        try model.load(from: checkpoint, prefix: prefix, state: state)
        self = model
    }

    /// Restores what `write(to:prefix:)` stored into this model, keeping this model's training
    /// settings.
    ///
    /// - Throws: `MBRLError.incompatible` when the checkpoint holds a model of another shape,
    ///   naming what differs; `MBRLError.fileFormat` when it is damaged.
    public mutating func read(from checkpoint: Checkpoint, prefix: String) throws {
        let state = try checkpoint.metadata(ContrastiveModelCheckpointState.self, forKey: prefix)
        let source = "checkpoint '\(checkpoint.source)', model '\(prefix)'"
        guard state.rawObservationSize == rawObservationSize, state.goalImage == goalImage else {
            throw MBRLError.incompatible(
                "\(source) holds a model for observations of \(state.rawObservationSize) entries (\(state.goalImage.map { "\($0)" } ?? "no goal image")); this model takes \(rawObservationSize) (\(goalImage.map { "\($0)" } ?? "no goal image"))")
        }
        guard state.actionSpace == actionSpace else {
            throw MBRLError.incompatible("\(source) holds a model for actions in \(state.actionSpace); this model's are \(actionSpace)")
        }
        let saved = state.config, here = config
        var differences: [String] = []
        if saved.latentSize != here.latentSize { differences.append("latentSize is \(saved.latentSize) in the checkpoint but \(here.latentSize) here") }
        if saved.historyLength != here.historyLength { differences.append("historyLength is \(saved.historyLength) in the checkpoint but \(here.historyLength) here") }
        if saved.encoderHiddenSizes != here.encoderHiddenSizes { differences.append("encoderHiddenSizes is \(saved.encoderHiddenSizes) in the checkpoint but \(here.encoderHiddenSizes) here") }
        if saved.forwardHiddenSizes != here.forwardHiddenSizes { differences.append("forwardHiddenSizes is \(saved.forwardHiddenSizes) in the checkpoint but \(here.forwardHiddenSizes) here") }
        if saved.activation != here.activation { differences.append("activation is \(saved.activation) in the checkpoint but \(here.activation) here") }
        guard differences.isEmpty else {
            throw MBRLError.incompatible("\(source) was saved with other model settings: \(differences.joined(separator: "; "))")
        }
        var restored = self
        try restored.load(from: checkpoint, prefix: prefix, state: state)
        self = restored
    }

    /// Loads weights, optimiser moments and counters into this model (whose architecture
    /// matches the checkpoint's).
    private mutating func load(from checkpoint: Checkpoint, prefix: String, state: ContrastiveModelCheckpointState) throws {
        var weights: [Matrix] = []
        for (name, parameter) in zip(parameterNames, parameters) {
            weights.append(try checkpoint.matrix(named: "\(prefix).\(name)", rows: parameter.rows, columns: parameter.columns))
        }
        updateParameters { $0 = weights }
        let optimizerState = try Adam.State(momentsFrom: checkpoint, prefix: "\(prefix).optimizer",
                                              stepCount: state.optimizerStepCount, shapedLike: parameters)
        optimizer = try Adam(learningRate: config.learningRate)
        optimizer.state = optimizerState
        fitCount = state.fitCount
        lastLoss = state.lastLoss
    }
}
