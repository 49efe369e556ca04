import Foundation
import MBRLCore

/// Which kind of network a `SingleNetworkModel` is; the marker types below name the two.
public protocol SingleNetworkKind: Sendable {
    /// The model kind.
    static var kind: DynamicsModelKind { get }
    /// The public name of the model, for messages.
    static var modelName: String { get }
}

/// Marks a one-member Gaussian network (`GaussianMLP`).
public enum GaussianNetwork: SingleNetworkKind {
    public static var kind: DynamicsModelKind { .gaussian }
    public static var modelName: String { "GaussianMLP" }
}

/// Marks a one-member deterministic network (`DeterministicMLP`).
public enum DeterministicNetwork: SingleNetworkKind {
    public static var kind: DynamicsModelKind { .deterministic }
    public static var modelName: String { "DeterministicMLP" }
}

/// One multilayer perceptron predicting a Gaussian over the next observation (and the reward
/// when learned): a mean head and a log-variance head soft-bounded by learnable bounds
/// (`lv = max - softplus(max - raw)`, then `min + softplus(lv - min)`), trained by Gaussian
/// negative log-likelihood plus `0.01 * (sum(maxLogVariance) - sum(minLogVariance))` (PETS,
/// Chua et al. 2018, appendix A.1; mbrl-lib's `GaussianMLP` with one member).
///
/// Its predictions sample from the Gaussian with the generator; its `predictiveDistribution`
/// reports the predicted (aleatoric) variance and no epistemic variance. For epistemic
/// uncertainty use a `DynamicsEnsemble` of several members.
///
/// ```swift
/// var generator = RandomGenerator(seed: 0)
/// var model = try GaussianMLP(config: DynamicsModelConfig(hiddenSizes: [64, 64]),
///                             observationSize: 3, actionSpace: pendulum.actionSpace, generator: &generator)
/// try model.train(on: buffer, generator: &generator)
/// let noise = try model.predictiveDistribution(observations: states, actions: actions).aleatoricVariance  // [B, 3]
/// ```
public typealias GaussianMLP = SingleNetworkModel<GaussianNetwork>

/// One multilayer perceptron `f(s, a) -> s'` trained by mean squared error: the lectures' v0.5
/// model (mbrl-lib's `GaussianMLP(deterministic=True)` with one member). Predictions ignore the
/// generator; `predictiveDistribution` reports zero variances.
///
/// ```swift
/// var generator = RandomGenerator(seed: 0)
/// var model = try DeterministicMLP(config: DynamicsModelConfig(hiddenSizes: [64, 64]),
///                                  observationSize: 3, actionSpace: pendulum.actionSpace, generator: &generator)
/// try model.train(on: buffer, generator: &generator)
/// let next = try model.predict(observations: states, actions: actions, generator: &generator).nextObservations
/// ```
public typealias DeterministicMLP = SingleNetworkModel<DeterministicNetwork>

/// A `DynamicsEnsemble` of one member of a fixed kind, with every option of one: delta targets,
/// input and output normalisation, reward and termination heads, the multi-step loss,
/// checkpoints. Use it through `GaussianMLP` and `DeterministicMLP`.
public struct SingleNetworkModel<Kind: SingleNetworkKind>: Sendable, Equatable {
    /// The one-member ensemble that does the work.
    public private(set) var ensemble: DynamicsEnsemble

    /// A freshly initialised model; `config.kind`, `ensembleSize` and `eliteCount` are set to a
    /// single network of this kind.
    ///
    /// - Throws: `MBRLError.invalidArgument` when a setting is out of range.
    public init(config: DynamicsModelConfig = DynamicsModelConfig(), observationSize: Int, actionSpace: Space,
                generator: inout RandomGenerator) throws {
        var single = config
        single.kind = Kind.kind
        single.ensembleSize = 1
        single.eliteCount = 1
        ensemble = try DynamicsEnsemble(config: single, observationSize: observationSize,
                                        actionSpace: actionSpace, generator: &generator)
    }

    /// The model `write(to:prefix:)` stored under `prefix`.
    ///
    /// - Throws: `MBRLError.fileFormat` when the checkpoint is damaged,
    ///   `MBRLError.incompatible` when it holds another kind or an ensemble.
    public init(checkpoint: Checkpoint, prefix: String) throws {
        let loaded = try DynamicsEnsemble(checkpoint: checkpoint, prefix: prefix)
        guard loaded.config.kind == Kind.kind, loaded.ensembleSize == 1 else {
            throw MBRLError.incompatible(
                "checkpoint '\(checkpoint.source)', model '\(prefix)' holds a \(loaded.config.kind.rawValue) model of \(loaded.ensembleSize) members, not a \(Kind.modelName)")
        }
        ensemble = loaded
    }

    /// Reads a model saved by `save(to:)`.
    public init(contentsOf url: URL) throws {
        try self.init(checkpoint: try Checkpoint(contentsOf: url), prefix: "model")
    }

    /// The settings the model was built with.
    public var config: DynamicsModelConfig { ensemble.config }

    /// The training loss of `batch` (stacked for one member) and its gradients (see
    /// `DynamicsEnsemble.lossAndGradients(for:)`).
    public func lossAndGradients(for batch: ModelTrainingBatch) throws -> ModelLoss {
        try ensemble.lossAndGradients(for: batch)
    }

    /// Fits the normalisers to `data` (see `DynamicsEnsemble.fitNormalizers(to:)`).
    public mutating func fitNormalizers(to data: TransitionBatch) throws {
        try ensemble.fitNormalizers(to: data)
    }

    /// Fits the model with its trainer, calling `onEpoch` after every epoch.
    @discardableResult
    public mutating func train(on buffer: ReplayBuffer, generator: inout RandomGenerator,
                               onEpoch: (ModelTrainingEpoch) -> Void) throws -> ModelTrainingResult {
        try ensemble.train(on: buffer, generator: &generator, onEpoch: onEpoch)
    }

    /// Saves the model alone to a checkpoint file at `url` (prefix `"model"`).
    public func save(to url: URL) throws { try ensemble.save(to: url) }
}

extension SingleNetworkModel: TrainableDynamicsModel, UncertaintyAwareModel, DifferentiableDynamicsModel {
    /// Entries per observation.
    public var observationSize: Int { ensemble.observationSize }
    /// Entries per action row.
    public var actionSize: Int { ensemble.actionSize }
    /// Whether predictions include rewards (a learned reward head).
    public var predictsRewards: Bool { ensemble.predictsRewards }
    /// Whether predictions include terminations (a learned termination head).
    public var predictsTerminations: Bool { ensemble.predictsTerminations }

    /// The prediction for every row (`[B, obs]`, `[B, act]`): a sample from the predicted
    /// Gaussian for a Gaussian network; a deterministic network ignores the generator.
    public func predict(observations: Matrix, actions: Matrix, generator: inout RandomGenerator) throws -> ModelPrediction {
        try ensemble.predict(observations: observations, actions: actions, generator: &generator)
    }

    /// The predicted mean and variance (as aleatoric variance; the epistemic variance is zero,
    /// and a deterministic network reports zero variances).
    public func predictiveDistribution(observations: Matrix, actions: Matrix) throws -> PredictiveDistribution {
        try ensemble.predictiveDistribution(observations: observations, actions: actions)
    }

    /// The mean prediction and its pullback to the inputs.
    public func predictWithPullback(observations: Matrix, actions: Matrix) throws
        -> (nextObservations: Matrix, pullback: @Sendable (Matrix) throws -> InputGradients) {
        try ensemble.predictWithPullback(observations: observations, actions: actions)
    }

    /// Fits the model to `buffer` with its trainer (see `ModelTrainer`).
    public mutating func train(on buffer: ReplayBuffer, generator: inout RandomGenerator) throws -> ModelTrainingReport {
        try ensemble.train(on: buffer, generator: &generator)
    }

    /// Adds the model to a checkpoint (see `DynamicsEnsemble.write(to:prefix:)`).
    public func write(to writer: inout CheckpointWriter, prefix: String) throws {
        try ensemble.write(to: &writer, prefix: prefix)
    }

    /// Restores what `write` stored; throws when the checkpoint holds another shape.
    public mutating func read(from checkpoint: Checkpoint, prefix: String) throws {
        try ensemble.read(from: checkpoint, prefix: prefix)
    }
}

extension SingleNetworkModel: ParameterContainer {
    /// The trained parameters (see `DynamicsEnsemble.parameters`).
    public var parameters: [Matrix] { ensemble.parameters }
    /// One name per parameter (see `DynamicsEnsemble.parameterNames`).
    public var parameterNames: [String] { ensemble.parameterNames }
    /// Edits the trained parameters in place.
    public mutating func updateParameters<Result>(_ body: (inout [Matrix]) throws -> Result) rethrows -> Result {
        try ensemble.updateParameters(body)
    }
}
