import Foundation
import MBRLCore

/// The scalar state of a `DynamicsEnsemble`, stored as checkpoint metadata beside its weights.
private struct DynamicsEnsembleCheckpointState: Codable {
    var layoutVersion: Int
    var config: DynamicsModelConfig
    var observationSize: Int
    var actionSpace: Space
    var elites: [Int]
    var inputNormalizer: Normalizer
    var outputNormalizer: Normalizer
    var fitCount: Int
    var optimizerStepCount: Int
}

extension DynamicsEnsemble {
    /// Adds the model to `writer`: every network parameter as `<prefix>.network.layers.<i>.weight`
    /// and `.bias`, the log-variance bounds as `<prefix>.bounds.maxLogVariance` and
    /// `.minLogVariance`, the optimiser's moments as `<prefix>.optimizer.first.<i>` and
    /// `.second.<i>`, and the config, sizes, elites, normalisers and step counts as metadata
    /// under `prefix`. `init(checkpoint:prefix:)` restores a model that predicts bit for bit
    /// what this one predicts.
    ///
    /// ```swift
    /// var writer = CheckpointWriter()
    /// try model.write(to: &writer, prefix: "model")
    /// try writer.write(to: URL(fileURLWithPath: "runs/pets/model.mbrl"))
    /// let restored = try DynamicsEnsemble(checkpoint: Checkpoint(contentsOf: url), prefix: "model")
    /// ```
    public func write(to writer: inout CheckpointWriter, prefix: String) throws {
        var savedConfig = config
        savedConfig.training = trainer.config
        let optimizerState = trainer.optimizerState
        writer.setMetadata(
            DynamicsEnsembleCheckpointState(
                layoutVersion: 1, config: savedConfig, observationSize: observationSize, actionSpace: actionSpace,
                elites: elites, inputNormalizer: inputNormalizer, outputNormalizer: outputNormalizer,
                fitCount: trainer.fitCount, optimizerStepCount: optimizerState.stepCount),
            forKey: prefix)
        for (name, parameter) in zip(network.parameterNames, network.parameters) {
            writer.add(name: "\(prefix).network.\(name)", matrix: parameter)
        }
        if let bounds = logVarianceBounds {
            writer.add(name: "\(prefix).bounds.maxLogVariance", matrix: bounds.maxLogVariance)
            writer.add(name: "\(prefix).bounds.minLogVariance", matrix: bounds.minLogVariance)
        }
        optimizerState.writeMoments(to: &writer, prefix: "\(prefix).optimizer")
    }

    /// The model `write(to:prefix:)` stored in `checkpoint` under `prefix`, with its config,
    /// weights, bounds, normalisers, elites and optimiser state.
    ///
    /// - Throws: `MBRLError.fileFormat` naming the checkpoint and the entry that is missing or
    ///   has another shape than the stored config implies.
    public init(checkpoint: Checkpoint, prefix: String) throws {
        let state = try checkpoint.metadata(DynamicsEnsembleCheckpointState.self, forKey: prefix)
        let source = "checkpoint '\(checkpoint.source)', model '\(prefix)'"
        guard state.layoutVersion == 1 else {
            throw MBRLError.fileFormat("\(source) has layout version \(state.layoutVersion); this build reads version 1")
        }
        var generator = RandomGenerator(seed: 0)
        var model: DynamicsEnsemble
        do {
            model = try DynamicsEnsemble(config: state.config, observationSize: state.observationSize,
                                         actionSpace: state.actionSpace, generator: &generator)
        } catch {
            throw MBRLError.fileFormat("\(source) holds settings that do not build a model: \(error)")
        }
        var weights: [Matrix] = []
        for (name, parameter) in zip(model.network.parameterNames, model.network.parameters) {
            weights.append(try checkpoint.matrix(named: "\(prefix).network.\(name)", rows: parameter.rows, columns: parameter.columns))
        }
        model.network.updateParameters { $0 = weights }
        if let bounds = model.logVarianceBounds {
            let upper = try checkpoint.floats(named: "\(prefix).bounds.maxLogVariance", shape: [1, bounds.outputSize])
            let lower = try checkpoint.floats(named: "\(prefix).bounds.minLogVariance", shape: [1, bounds.outputSize])
            var restored = bounds
            restored.updateParameters { $0 = [Matrix(row: upper), Matrix(row: lower)] }
            model.logVarianceBounds = restored
        }
        guard state.inputNormalizer.featureCount == model.inputSize,
              state.outputNormalizer.featureCount == model.layout.regressionSize else {
            throw MBRLError.fileFormat(
                "\(source): the normalisers have \(state.inputNormalizer.featureCount) and \(state.outputNormalizer.featureCount) features; the model needs \(model.inputSize) and \(model.layout.regressionSize)")
        }
        model.inputNormalizer = state.inputNormalizer
        model.outputNormalizer = state.outputNormalizer
        do {
            try model.setElites(state.elites)
        } catch {
            throw MBRLError.fileFormat("\(source): \(error)")
        }
        let optimizerState = try Adam.State(momentsFrom: checkpoint, prefix: "\(prefix).optimizer",
                                              stepCount: state.optimizerStepCount, shapedLike: model.parameters)
        model.trainer.optimizerState = optimizerState
        model.trainer.fitCount = state.fitCount
        self = model
    }

    /// Restores what `write(to:prefix:)` stored into this model, keeping this model's training
    /// settings (the optimiser state is restored).
    ///
    /// - Throws: `MBRLError.incompatible` when the checkpoint holds a model of another shape
    ///   (observation size, action space, or any architecture setting), naming what differs;
    ///   `MBRLError.fileFormat` when the checkpoint is damaged.
    public mutating func read(from checkpoint: Checkpoint, prefix: String) throws {
        var loaded = try DynamicsEnsemble(checkpoint: checkpoint, prefix: prefix)
        let source = "checkpoint '\(checkpoint.source)', model '\(prefix)'"
        guard loaded.observationSize == observationSize else {
            throw MBRLError.incompatible(
                "\(source) holds a model for observations of \(loaded.observationSize) entries; this model takes \(observationSize)")
        }
        guard loaded.actionSpace == actionSpace else {
            throw MBRLError.incompatible("\(source) holds a model for actions in \(loaded.actionSpace); this model's are \(actionSpace)")
        }
        let differences = Self.architectureDifferences(loaded.config, config)
        guard differences.isEmpty else {
            throw MBRLError.incompatible(
                "\(source) was saved with other model settings: \(differences.joined(separator: "; "))")
        }
        var trainer = try ModelTrainer(config: self.trainer.config)
        trainer.optimizerState = loaded.trainer.optimizerState
        trainer.fitCount = loaded.trainer.fitCount
        loaded.trainer = trainer
        self = loaded
    }

    /// Saves the model alone to a checkpoint file at `url` (prefix `"model"`), atomically.
    public func save(to url: URL) throws {
        var writer = CheckpointWriter()
        try write(to: &writer, prefix: "model")
        try writer.write(to: url)
    }

    /// Reads a model saved by `save(to:)`.
    public init(contentsOf url: URL) throws {
        try self.init(checkpoint: try Checkpoint(contentsOf: url), prefix: "model")
    }

    /// `"key: saved value, expected value"` for every setting other than `training` that differs.
    static func architectureDifferences(_ saved: DynamicsModelConfig, _ expected: DynamicsModelConfig) -> [String] {
        let savedFields = Mirror(reflecting: saved).children
        let expectedFields = Dictionary(Mirror(reflecting: expected).children.compactMap { child in
            child.label.map { ($0, String(describing: child.value)) }
        }, uniquingKeysWith: { first, _ in first })
        return savedFields.compactMap { child in
            guard let label = child.label, label != "training" else { return nil }
            let savedValue = String(describing: child.value)
            guard let expectedValue = expectedFields[label], expectedValue != savedValue else { return nil }
            return "\(label) is \(savedValue) in the checkpoint but \(expectedValue) here"
        }
    }
}
