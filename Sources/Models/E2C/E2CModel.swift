import MBRLCore

/// Embed to Control (Watter, Springenberg, Boedecker and Riedmiller, NeurIPS 2015): a latent
/// model from raw observations whose transition is locally linear by construction,
///
///     z_{t+1} = A(z_t) z_t + B(z_t) u_t + o(z_t),     A = I + v(z) r(z)ᵀ,
///
/// with `v`, `r`, `B` and `o` from one transition network `h(z)` (the paper's low-rank form of
/// `A`), a Gaussian encoder `q(z | x)`, a decoder `p(x | z)` and, unlike the paper, a reward
/// head `r(z, u)` so that it plans on a learned reward (see `E2CModelConfig` for the loss).
///
/// As a `DynamicsModel` it lives in the latent space (`observationSize` is the latent size,
/// `predict` steps latents with the transition's mean). As a `LocallyLinearLatentModel` it hands
/// `A(z)` and `B(z)` to iLQR as the linearisation (`LocallyLinearLatentPlanning`), with no finite
/// differences of the dynamics.
///
/// ```swift
/// var generator = RandomGenerator(seed: 0)
/// var model = try E2CModel(config: E2CModelConfig(), rawObservationSize: 2 * 32 * 32,
///                          actionSpace: environment.actionSpace, generator: &generator)
/// try model.train(on: buffer, generator: &generator)                  // pixels in the buffer
/// let latents = try model.encode(observations: images)                // [B, 3]
/// let step = try model.locallyLinearStep(latents: latents, actions: actions)
/// step.stateMatrices[0]                                               // A(z_0), [3, 3]
/// ```
public struct E2CModel: Sendable, Equatable {
    /// The settings the model was built with (training settings included).
    public let config: E2CModelConfig
    /// The number of entries of a raw observation.
    public let rawObservationSize: Int
    /// The environment's action space (a `Box`).
    public let actionSpace: Space

    /// The encoder `[B, history * raw] -> [B, 2n]`: the mean and the raw standard deviation.
    public internal(set) var encoder: LatentEncoder
    /// The transition network `[B, n] -> [B, 3n + n * act]`: `v`, `r`, `B` (row-major) and `o`.
    public internal(set) var transition: MLP
    /// The reward head `[B, n + act] -> [B, 1]` (standardised rewards).
    public internal(set) var rewardHead: MLP
    /// The decoder `[B, n] -> [B, raw]`.
    public internal(set) var decoder: LatentDecoder

    /// The mean of the rewards the reward head was fitted to (0 without normalisation).
    public internal(set) var rewardMean: Float = 0
    /// The standard deviation of those rewards (1 without normalisation).
    public internal(set) var rewardStandardDeviation: Float = 1
    /// Completed fits.
    public internal(set) var fitCount = 0
    /// The loss terms of the last fit's last epoch, when the model has been fitted.
    public internal(set) var lastLossTerms: E2CLossTerms?

    /// Adam over every parameter (the order of `parameters`).
    var optimizer: Adam
    /// Per action entry: the centre and half-width actions are scaled by to `[-1, 1]`.
    let actionCenter: [Float]
    let actionHalfWidth: [Float]

    /// The smallest encoder standard deviation (`softplus(raw) + this`).
    static let minimumStandardDeviation: Float = 1e-3

    /// A freshly initialised model (networks drawn in the order encoder, transition, reward
    /// head, decoder from `generator`).
    ///
    /// - Parameters:
    ///   - rawObservationSize: entries of one raw observation (for example `2 * 32 * 32`).
    ///   - actionSpace: the environment's action space; must be a `Box`.
    /// - Throws: `MBRLError.invalidArgument` when a setting is out of range or the actions are
    ///   discrete.
    public init(config: E2CModelConfig = E2CModelConfig(), rawObservationSize: Int, actionSpace: Space,
                generator: inout RandomGenerator) throws {
        try config.validate()
        guard rawObservationSize >= 1 else {
            throw MBRLError.invalidArgument("E2C model: the observation needs at least one entry, got \(rawObservationSize)")
        }
        guard let box = actionSpace.box else {
            throw MBRLError.invalidArgument("E2C model: actions must be continuous (a Box); got \(actionSpace)")
        }
        self.config = config
        self.rawObservationSize = rawObservationSize
        self.actionSpace = actionSpace
        var center: [Float] = [], halfWidth: [Float] = []
        for index in 0..<box.size {
            let low = box.lowerBound[index], high = box.upperBound[index]
            if low.isFinite && high.isFinite && high > low {
                center.append((low + high) / 2)
                halfWidth.append((high - low) / 2)
            } else {
                center.append(0)
                halfWidth.append(1)
            }
        }
        actionCenter = center
        actionHalfWidth = halfWidth
        let latent = config.latentSize, action = box.size
        encoder = try LatentEncoder(rawSize: rawObservationSize, historyLength: config.historyLength, convolutionChannels: [],
                                    kernelSize: 1, stride: 1, hiddenSizes: config.encoderHiddenSizes, outputSize: 2 * latent,
                                    activation: config.activation, initializer: config.initializer, generator: &generator)
        transition = try MLP(inputSize: latent, hiddenSizes: config.transitionHiddenSizes, outputSize: 3 * latent + latent * action,
                             activation: config.activation, initializer: config.initializer, generator: &generator)
        rewardHead = try MLP(inputSize: latent + action, hiddenSizes: config.rewardHiddenSizes, outputSize: 1,
                             activation: config.activation, initializer: config.initializer, generator: &generator)
        decoder = try LatentDecoder(rawSize: rawObservationSize, convolutionChannels: [], kernelSize: 1, stride: 1,
                                    inputSize: latent, hiddenSizes: config.decoderHiddenSizes,
                                    activation: config.activation, initializer: config.initializer, generator: &generator)
        optimizer = try Adam(learningRate: config.learningRate)
    }

    /// A model for an environment's spaces, with initial weights drawn from `context.seed`.
    ///
    /// - Throws: `MBRLError.incompatible` when the observations are not real-valued (a `Box`),
    ///   and the errors of `init(config:rawObservationSize:actionSpace:generator:)`.
    public init(config: E2CModelConfig = E2CModelConfig(), context: ModelBuildContext) throws {
        guard context.observationSpace.box != nil else {
            throw MBRLError.incompatible(
                "an E2C model needs real-valued (box) observations such as pixels; this environment's are \(context.observationSpace)")
        }
        var generator = RandomGenerator(seed: context.seed)
        try self.init(config: config, rawObservationSize: context.observationSpace.flatSize, actionSpace: context.actionSpace,
                      generator: &generator)
    }

    /// The size of the latent state.
    public var latentSize: Int { config.latentSize }
    /// Observations the encoder sees at once.
    public var historyLength: Int { config.historyLength }
    /// The encoder's input size, `historyLength * rawObservationSize`.
    public var encoderInputSize: Int { config.historyLength * rawObservationSize }
    /// The number of optimiser steps taken over all fits.
    public var optimizerStepCount: Int { optimizer.stepCount }

    // MARK: - Pieces shared by inference and training

    /// Actions `[B, act]` scaled to `[-1, 1]` per bounded entry.
    func scaledActions(_ actions: Matrix) -> Matrix {
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

    /// The standard deviation `softplus(raw) + minimum` and its derivative with respect to `raw`.
    @inline(__always)
    static func standardDeviation(_ raw: Float) -> (value: Float, derivative: Float) {
        let softplus = Activation.softplus(raw)
        let sigmoid = 1 / (1 + LatentMath.exp(-raw))
        return (softplus + minimumStandardDeviation, sigmoid)
    }

    /// The rewards mapped to the reward head's standardised scale.
    func standardizedRewards(_ rewards: [Float]) -> [Float] {
        rewards.map { ($0 - rewardMean) / rewardStandardDeviation }
    }

    /// The transition network's output of one row split into `v`, `r`, `B` (`[n * act]`,
    /// row-major) and `o`, as offsets into the output row.
    var transitionLayout: (v: Int, r: Int, b: Int, o: Int) {
        let n = latentSize
        return (0, n, 2 * n, 2 * n + n * actionCenter.count)
    }

    /// `A z + B u + o` for every row, with `A = I + v rᵀ`: `[B, n]` from the transition output
    /// `[B, 3n + n act]`, latents `[B, n]` and scaled actions `[B, act]`.
    func applyTransition(_ output: Matrix, latents: Matrix, scaledActions: Matrix) -> Matrix {
        let n = latentSize, m = actionCenter.count, width = output.columns
        let layout = transitionLayout
        var next = latents
        next.withUnsafeMutableBufferPointer { buffer in
            for row in 0..<latents.rows {
                let base = row * width
                var projection: Float = 0                                   // r · z
                for j in 0..<n { projection += output.values[base + layout.r + j] * latents.values[row * n + j] }
                for i in 0..<n {
                    var value = output.values[base + layout.v + i] * projection + output.values[base + layout.o + i]
                    for j in 0..<m { value += output.values[base + layout.b + i * m + j] * scaledActions.values[row * m + j] }
                    buffer[row * n + i] += value
                }
            }
        }
        return next
    }
}
