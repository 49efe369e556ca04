import MBRLCore

/// A latent-space world model learned from raw (for example pixel) observations: an encoder
/// `g(o) -> z`, latent dynamics `p(s' | s, a)` (deterministic or Gaussian, optionally an
/// ensemble), a decoder `p(o | s)` and a reward head `r(s, a)`, trained jointly so that the
/// gradients of every term reach the encoder (see `LatentModelConfig` for the loss).
///
/// As a `DynamicsModel` it lives in the latent space: `observationSize` is the latent size and
/// `predict` maps latent states and actions to next latent states and rewards. `encode` and
/// `decode` cross between the spaces; `LatentPlanningModel` encodes the current observation
/// once and lets the sequence planners (CEM, iCEM, MPPI) score plans in the latent space.
///
/// ```swift
/// var generator = RandomGenerator(seed: 0)
/// var model = try LatentModel(config: LatentModelConfig(), rawObservationSize: 32 * 32,
///                             actionSpace: environment.actionSpace, generator: &generator)
/// let report = try model.train(on: buffer, generator: &generator)       // pixels in the buffer
/// let latents = try model.encode(observations: images)                   // [B, 16]
/// let step = try model.predict(observations: latents, actions: actions, generator: &generator)
/// let imagined = try model.decode(latents: step.nextObservations)        // [B, 1024]
/// ```
public struct LatentModel: Sendable, Equatable {
    /// The settings the model was built with (training settings included).
    public let config: LatentModelConfig
    /// The number of entries of a raw observation.
    public let rawObservationSize: Int
    /// The environment's action space (a `Box`, or `Discrete(n)` fed to the networks one-hot).
    public let actionSpace: Space

    /// The encoder `[B, raw] -> [B, latent]` (`[B, 2 * latent]`: mean and raw standard deviation
    /// for a stochastic encoder).
    public internal(set) var encoder: LatentEncoder
    /// The latent dynamics members `[B, latent + act] -> [B, latent]` (the change of the latent
    /// state; `[B, 2 * latent]` with a raw log-variance for Gaussian dynamics).
    public internal(set) var dynamics: [MLP]
    /// The reward head `[B, latent + act (+ latent)] -> [B, 1]` (standardised rewards): `r(s, a)`,
    /// or `r(s, a, s')` with `rewardUsesNextLatent`.
    public internal(set) var rewardHead: MLP
    /// The decoder `[B, latent] -> [B, raw]`.
    public internal(set) var decoder: LatentDecoder

    /// The mean of the rewards the reward head was fitted to (0 without normalisation).
    public internal(set) var rewardMean: Float = 0
    /// The standard deviation of those rewards (1 without normalisation).
    public internal(set) var rewardStandardDeviation: Float = 1
    /// Completed fits.
    public internal(set) var fitCount = 0
    /// The loss terms of the last fit's last epoch, when the model has been fitted.
    public internal(set) var lastLossTerms: LatentLossTerms?

    /// Adam over every parameter (the order of `parameters`).
    var optimizer: Adam
    /// Per action entry: the centre and half-width actions are scaled by to `[-1, 1]`
    /// (0 and 1 for unbounded entries).
    let actionCenter: [Float]
    let actionHalfWidth: [Float]
    /// The number of actions of a `Discrete` action space (fed to the networks one-hot), nil for a `Box`.
    let discreteActionCount: Int?

    /// The smallest standard deviation of a stochastic encoder (`softplus(raw) + this`).
    static let minimumEncoderStandardDeviation: Float = 1e-3

    /// A freshly initialised model (networks drawn in the order encoder, dynamics members,
    /// reward head, decoder from `generator`).
    ///
    /// - Parameters:
    ///   - rawObservationSize: entries of a raw observation (for example `frames * 32 * 32`).
    ///   - actionSpace: the environment's action space: a `Box` (actions scaled to `[-1, 1]`
    ///     per bounded entry) or `Discrete(n)` (actions are indices `[B, 1]`, fed one-hot).
    /// - Throws: `MBRLError.invalidArgument` when a setting is out of range or the action space
    ///   is neither.
    public init(config: LatentModelConfig = LatentModelConfig(), rawObservationSize: Int, actionSpace: Space,
                generator: inout RandomGenerator) throws {
        try config.validate()
        guard rawObservationSize >= 1 else {
            throw MBRLError.invalidArgument("latent model: the observation needs at least one entry, got \(rawObservationSize)")
        }
        var center: [Float] = [], halfWidth: [Float] = []
        let box: Box
        switch actionSpace {
        case .box(let actionBox):
            box = actionBox
            discreteActionCount = nil
        case .discrete(let discrete) where discrete.count >= 1:
            // One-hot inputs: no scaling.
            box = Box(lowerBound: 0, upperBound: 1, size: discrete.count)
            discreteActionCount = discrete.count
        default:
            throw MBRLError.invalidArgument("latent model: actions must be a Box or Discrete(n) with n >= 1; got \(actionSpace)")
        }
        self.config = config
        self.rawObservationSize = rawObservationSize
        self.actionSpace = actionSpace
        for index in 0..<box.size where discreteActionCount == nil {
            let low = box.lowerBound[index], high = box.upperBound[index]
            if low.isFinite && high.isFinite && high > low {
                center.append((low + high) / 2)
                halfWidth.append((high - low) / 2)
            } else {
                center.append(0)
                halfWidth.append(1)
            }
        }
        if let count = discreteActionCount {
            center = [Float](repeating: 0, count: count)
            halfWidth = [Float](repeating: 1, count: count)
        }
        actionCenter = center
        actionHalfWidth = halfWidth
        let latent = config.latentSize, action = center.count
        encoder = try LatentEncoder(rawSize: rawObservationSize, historyLength: config.historyLength,
                                    convolutionChannels: config.encoderConvolutionChannels,
                                    kernelSize: config.convolutionKernelSize, stride: config.convolutionStride,
                                    hiddenSizes: config.encoderHiddenSizes, outputSize: config.stochasticEncoder ? 2 * latent : latent,
                                    activation: config.activation, initializer: config.initializer, generator: &generator)
        var members: [MLP] = []
        for _ in 0..<config.ensembleSize {
            members.append(try MLP(inputSize: latent + action, hiddenSizes: config.dynamicsHiddenSizes,
                                   outputSize: config.dynamicsKind == .gaussian ? 2 * latent : latent,
                                   activation: config.activation, initializer: config.initializer, generator: &generator))
        }
        dynamics = members
        rewardHead = try MLP(inputSize: (config.rewardUsesNextLatent ? 2 * latent : latent) + action, hiddenSizes: config.rewardHiddenSizes, outputSize: 1,
                             activation: config.activation, initializer: config.initializer, generator: &generator)
        decoder = try LatentDecoder(rawSize: rawObservationSize, convolutionChannels: config.decoderConvolutionChannels,
                                    kernelSize: config.convolutionKernelSize, stride: config.convolutionStride,
                                    inputSize: latent, hiddenSizes: config.decoderHiddenSizes,
                                    activation: config.activation, initializer: config.initializer, generator: &generator)
        optimizer = try Adam(learningRate: config.learningRate)
    }

    /// A model for an environment's spaces, with initial weights drawn from `context.seed`.
    ///
    /// - Throws: `MBRLError.incompatible` when the observations are not real-valued (a `Box`),
    ///   and the errors of `init(config:rawObservationSize:actionSpace:generator:)`.
    public init(config: LatentModelConfig = LatentModelConfig(), context: ModelBuildContext) throws {
        guard context.observationSpace.box != nil else {
            throw MBRLError.incompatible(
                "a latent model needs real-valued (box) observations such as pixels; this environment's are \(context.observationSpace)")
        }
        var generator = RandomGenerator(seed: context.seed)
        try self.init(config: config, rawObservationSize: context.observationSpace.flatSize, actionSpace: context.actionSpace,
                      generator: &generator)
    }

    /// The size of the latent state.
    public var latentSize: Int { config.latentSize }
    /// Observations the encoder sees at once (`LatentModelConfig.historyLength`).
    public var historyLength: Int { config.historyLength }
    /// The encoder's input size, `historyLength * rawObservationSize`.
    public var encoderInputSize: Int { config.historyLength * rawObservationSize }
    /// The number of latent dynamics members.
    public var ensembleSize: Int { dynamics.count }
    /// Whether the latent dynamics is Gaussian.
    public var hasGaussianDynamics: Bool { config.dynamicsKind == .gaussian }
    /// The number of optimiser steps taken over all fits.
    public var optimizerStepCount: Int { optimizer.stepCount }

    // MARK: - Pieces shared by inference and training

    /// The number of action columns the networks see: the `Box`'s size, or `n` one-hot entries
    /// for `Discrete(n)`.
    var actionInputSize: Int { actionCenter.count }

    /// Actions `[B, act]` scaled to `[-1, 1]` per bounded entry, or discrete indices `[B, 1]`
    /// as one-hot rows `[B, n]` (an index outside `0..<n` is clamped into it).
    func scaledActions(_ actions: Matrix) -> Matrix {
        if let count = discreteActionCount {
            var oneHot = Matrix(rows: actions.rows, columns: count)
            for row in 0..<actions.rows {
                let value = actions.values[row * actions.columns]
                let index = value.isFinite ? min(max(Int(value.rounded()), 0), count - 1) : 0
                oneHot[row, index] = 1
            }
            return oneHot
        }
        var result = actions
        let columns = actions.columns
        result.withUnsafeMutableBufferPointer { buffer in
            for row in 0..<actions.rows {
                for column in 0..<columns {
                    buffer[row * columns + column] = (buffer[row * columns + column] - actionCenter[column]) / actionHalfWidth[column]
                }
            }
        }
        return result
    }

    /// The bounded log-variance `min + (max - min) * sigmoid(raw)` of Gaussian dynamics, and its
    /// derivative with respect to `raw`.
    @inline(__always)
    func boundedLogVariance(_ raw: Float) -> (value: Float, derivative: Float) {
        let span = config.maxLogVariance - config.minLogVariance
        let sigmoid = 1 / (1 + LatentMath.exp(-raw))
        return (config.minLogVariance + span * sigmoid, span * sigmoid * (1 - sigmoid))
    }

    /// The standard deviation `softplus(raw) + minimum` of a stochastic encoder, and its
    /// derivative with respect to `raw`.
    @inline(__always)
    static func encoderStandardDeviation(_ raw: Float) -> (value: Float, derivative: Float) {
        let softplus = Activation.softplus(raw)
        let sigmoid = 1 / (1 + LatentMath.exp(-raw))
        return (softplus + minimumEncoderStandardDeviation, sigmoid)
    }

    /// The rewards mapped to the reward head's standardised scale.
    func standardizedRewards(_ rewards: [Float]) -> [Float] {
        rewards.map { ($0 - rewardMean) / rewardStandardDeviation }
    }
}
