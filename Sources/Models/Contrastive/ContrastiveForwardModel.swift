import MBRLCore

/// A latent model trained without reconstruction: an encoder `z = g(o)`, a forward model
/// `z' = z + f(z, a)` and an InfoNCE loss whose positive is the next frame's encoding and whose
/// negatives are the other next encodings of the batch (seed 003, "Contrastive forward models
/// for deformable object manipulation"; Yan et al. 2020). There is no decoder and no reward
/// head: it plans toward a goal image, `a_t = argmax_a h(f(g(o_t), a), g(o_goal))`
/// (`GoalImagePlanningModel`, `"planning": {"reward": "goal-image"}`).
///
/// On a goal-image environment (`ModelBuildContext.goalImage`) the encoder reads the newest
/// `historyLength` frames of an observation's stack and never the goal image; elsewhere it
/// reads the whole observation as one frame. As a `DynamicsModel` it lives in the latent space
/// (`observationSize` is the latent size).
///
/// ```swift
/// var generator = RandomGenerator(seed: 0)
/// let layout = GoalImageLayout(frameSize: 1024, frameCount: 2, goalImageSize: 1024)
/// var model = try ContrastiveForwardModel(config: ContrastiveModelConfig(), observationSize: 3072,
///                                         actionSpace: environment.actionSpace, goalImage: layout,
///                                         generator: &generator)
/// try model.train(on: buffer, generator: &generator)
/// let latents = try model.encode(observations: observations)          // [B, 8]
/// let next = try model.predict(observations: latents, actions: actions, generator: &generator)
/// ```
public struct ContrastiveForwardModel: Sendable, Equatable {
    /// The settings the model was built with.
    public let config: ContrastiveModelConfig
    /// The number of entries of an observation (frames and goal image).
    public let rawObservationSize: Int
    /// The environment's action space (a `Box`).
    public let actionSpace: Space
    /// Where the frames and the goal image lie in an observation; nil when the observation is
    /// one frame without a goal.
    public let goalImage: GoalImageLayout?

    /// The encoder `[B, historyLength * frame] -> [B, latent]`.
    public internal(set) var encoder: LatentEncoder
    /// The forward model `[B, latent + act] -> [B, latent]` (the change of the latent state).
    public internal(set) var forward: MLP

    /// Completed fits.
    public internal(set) var fitCount = 0
    /// The InfoNCE loss and ranking accuracy of the last fit's last epoch.
    public internal(set) var lastLoss: ContrastiveLossTerms?

    /// Adam over every parameter (the order of `parameters`).
    var optimizer: Adam
    /// Per action entry: the centre and half-width actions are scaled by to `[-1, 1]`.
    let actionCenter: [Float]
    let actionHalfWidth: [Float]

    /// A freshly initialised model (encoder then forward model drawn from `generator`).
    ///
    /// - Parameters:
    ///   - observationSize: entries of an observation.
    ///   - actionSpace: the environment's action space; must be a `Box`.
    ///   - goalImage: the observation's layout on a goal-image environment.
    /// - Throws: `MBRLError.invalidArgument` for settings out of range; `MBRLError.incompatible`
    ///   when the goal image's size differs from the frames', the layout does not cover the
    ///   observation, the stack holds fewer frames than `historyLength`, or the actions are
    ///   discrete.
    public init(config: ContrastiveModelConfig = ContrastiveModelConfig(), observationSize: Int, actionSpace: Space,
                goalImage: GoalImageLayout? = nil, generator: inout RandomGenerator) throws {
        try config.validate()
        guard observationSize >= 1 else {
            throw MBRLError.invalidArgument("contrastive model: the observation needs at least one entry, got \(observationSize)")
        }
        guard let box = actionSpace.box else {
            throw MBRLError.incompatible("contrastive model: actions must be continuous (a Box); got \(actionSpace)")
        }
        let frameSize: Int
        if let goalImage {
            try goalImage.validate(observationSize: observationSize)
            guard goalImage.frameCount >= config.historyLength else {
                throw MBRLError.incompatible(
                    "contrastive model: historyLength \(config.historyLength) needs \(config.historyLength) stacked frames, but the environment's observations stack \(goalImage.frameCount); lower historyLength to at most \(goalImage.frameCount)")
            }
            frameSize = goalImage.frameSize
        } else {
            guard config.historyLength == 1 else {
                throw MBRLError.incompatible(
                    "contrastive model: historyLength \(config.historyLength) reads stacked frames, but this environment's observations are not a frame stack with a goal image (use historyLength 1 or a goal-image environment such as PointMassGoalPixels-v0)")
            }
            frameSize = observationSize
        }
        self.config = config
        self.rawObservationSize = observationSize
        self.actionSpace = actionSpace
        self.goalImage = goalImage
        var center: [Float] = [], halfWidth: [Float] = []
        for index in 0..<box.size {
            let low = box.lowerBound[index], high = box.upperBound[index]
            let bounded = low.isFinite && high.isFinite && high > low
            center.append(bounded ? (low + high) / 2 : 0)
            halfWidth.append(bounded ? (high - low) / 2 : 1)
        }
        actionCenter = center
        actionHalfWidth = halfWidth
        encoder = try LatentEncoder(rawSize: frameSize, historyLength: config.historyLength, convolutionChannels: [], kernelSize: 1,
                                    stride: 1, hiddenSizes: config.encoderHiddenSizes, outputSize: config.latentSize,
                                    activation: config.activation, initializer: config.initializer, generator: &generator)
        forward = try MLP(inputSize: config.latentSize + box.size, hiddenSizes: config.forwardHiddenSizes, outputSize: config.latentSize,
                          activation: config.activation, initializer: config.initializer, generator: &generator)
        optimizer = try Adam(learningRate: config.learningRate)
    }

    /// A model for an environment's spaces (and goal-image layout), weights drawn from
    /// `context.seed`.
    ///
    /// - Throws: `MBRLError.incompatible` when the observations are not real-valued, and the
    ///   errors of `init(config:observationSize:actionSpace:goalImage:generator:)`.
    public init(config: ContrastiveModelConfig = ContrastiveModelConfig(), context: ModelBuildContext) throws {
        guard context.observationSpace.box != nil else {
            throw MBRLError.incompatible(
                "a contrastive model needs real-valued (box) observations such as pixels; this environment's are \(context.observationSpace)")
        }
        var generator = RandomGenerator(seed: context.seed)
        try self.init(config: config, observationSize: context.observationSpace.flatSize, actionSpace: context.actionSpace,
                      goalImage: context.goalImage, generator: &generator)
    }

    /// The size of the latent state.
    public var latentSize: Int { config.latentSize }
    /// The encoder's input size, `historyLength * frame`.
    public var encoderInputSize: Int { encoder.inputSize }
    /// The similarity `h` of the loss (and of planning toward a goal).
    public var similarity: LatentSimilarity { config.similarity }
    /// The number of optimiser steps taken over all fits.
    public var optimizerStepCount: Int { optimizer.stepCount }

    /// What the encoder reads of each observation row: the newest `historyLength` frames
    /// (`[B, raw] -> [B, historyLength * frame]`), or the whole row without a goal-image layout.
    ///
    /// - Throws: `MBRLError.shapeMismatch` for rows of another width.
    public func encoderInput(_ observations: Matrix) throws -> Matrix {
        guard observations.columns == rawObservationSize else {
            throw MBRLError.shapeMismatch(
                "the contrastive model takes observations of \(rawObservationSize) entries, got rows of \(observations.columns)")
        }
        guard let goalImage else { return observations }
        return try goalImage.newestFrames(config.historyLength, of: observations)
    }

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
}
