import MBRLCore
import Models
import Testing

/// Data and finite-difference helpers shared by the latent model tests.
enum LatentTestData {
    static let actionSpace = Space.box(Box(lowerBound: [-2, -1], upperBound: [2, 1]))

    /// A small model with smooth activations for gradient checks.
    static func smallConfig(steps: Int = 1) -> LatentModelConfig {
        var config = LatentModelConfig()
        config.latentSize = 3
        config.encoderHiddenSizes = [6]
        config.decoderHiddenSizes = [5]
        config.dynamicsHiddenSizes = [6]
        config.rewardHiddenSizes = [4]
        config.activation = .tanh
        config.multiStepLength = steps
        config.latentTargetGradient = .through
        config.rewardWeight = 2
        config.latentWeight = 1.5
        config.predictionWeight = 0.7
        config.reconstructionWeight = 1.3
        return config
    }

    /// `windows` random windows of `steps` steps: frames in [0, 1], actions in the action box,
    /// rewards around -1.
    static func randomBatch(windows: Int, steps: Int, rawSize: Int, generator: inout RandomGenerator) throws -> LatentTrainingBatch {
        let box = actionSpace.box!
        let frames = (0...steps).map { _ in
            Matrix(rows: windows, columns: rawSize, values: (0..<(windows * rawSize)).map { _ in generator.nextUniformFloat() })
        }
        let actions = (0..<steps).map { _ in
            Matrix(rows: windows, columns: box.size, values: (0..<(windows * box.size)).map { index in
                generator.nextUniformFloat(in: box.lowerBound[index % box.size], box.upperBound[index % box.size])
            })
        }
        let rewards = (0..<steps).map { _ in (0..<windows).map { _ in -1 + generator.nextStandardNormalFloat() } }
        return try LatentTrainingBatch(frames: frames, actions: actions, rewards: rewards)
    }

    /// Compares analytic gradients with central differences of `function` (evaluated in
    /// `Double`) at up to `entriesPerMatrix` random entries of each matrix. Returns the cosine
    /// similarity of the sampled vectors, the worst entry's error relative to the gradient's
    /// root-mean-square, and how many entries were checked.
    static func compare(analytic: [Matrix], at point: [Matrix], entriesPerMatrix: Int, step: Float,
                        generator: inout RandomGenerator,
                        function: ([Matrix]) throws -> Double) rethrows -> (cosine: Double, worst: Double, checked: Int) {
        try NeuralModelTestSupport.compare(analytic: analytic, at: point, entriesPerMatrix: entriesPerMatrix, step: step,
                                           generator: &generator, measuredStep: true, scaleFloor: 1e-9, function: function)
    }
}

/// Finite-difference checks of the latent model's joint loss (reconstruction, open-loop
/// observation prediction, latent prediction, reward, KL) with respect to every parameter
/// (encoder, dynamics, reward head, decoder) and to the inputs (frames and actions).
@Suite struct LatentModelGradientTests {
    struct Variant: CustomTestStringConvertible, Sendable {
        var name: String
        var config: LatentModelConfig
        var rawSize = LatentModelGradientTests.rawSize
        var testDescription: String { name }
    }

    static let variants: [Variant] = {
        var result: [Variant] = []
        result.append(Variant(name: "deterministic, one step", config: LatentTestData.smallConfig(steps: 1)))
        result.append(Variant(name: "deterministic, three-step rollout", config: LatentTestData.smallConfig(steps: 3)))
        var stateActionReward = LatentTestData.smallConfig(steps: 3)
        stateActionReward.rewardUsesNextLatent = false
        result.append(Variant(name: "reward head r(s, a)", config: stateActionReward))
        var stochastic = LatentTestData.smallConfig(steps: 2)
        stochastic.stochasticEncoder = true
        stochastic.klWeight = 0.3
        result.append(Variant(name: "stochastic encoder with KL, two steps", config: stochastic))
        var gaussian = LatentTestData.smallConfig(steps: 3)
        gaussian.dynamicsKind = .gaussian
        gaussian.ensembleSize = 2
        gaussian.minLogVariance = -3
        gaussian.maxLogVariance = 1
        result.append(Variant(name: "gaussian dynamics ensemble, three steps", config: gaussian))
        var everything = gaussian
        everything.stochasticEncoder = true
        everything.klWeight = 0.5
        result.append(Variant(name: "stochastic encoder and gaussian ensemble", config: everything))
        var history = LatentTestData.smallConfig(steps: 2)
        history.historyLength = 3
        history.stochasticEncoder = true
        result.append(Variant(name: "three-observation history", config: history))
        var convolutional = LatentTestData.smallConfig(steps: 2)
        convolutional.encoderConvolutionChannels = [3, 2]
        convolutional.decoderConvolutionChannels = [3]
        convolutional.convolutionKernelSize = 3
        convolutional.convolutionStride = 2
        // Two 9 x 9 frames: convolutions 9 -> 4 -> 1; the decoder's transposed convolution 4 -> 9.
        result.append(Variant(name: "convolutional encoder and decoder", config: convolutional, rawSize: 2 * 9 * 9))
        return result
    }()

    static let rawSize = 10

    static func setUp(_ config: LatentModelConfig, rawSize: Int = rawSize) throws -> (LatentModel, LatentTrainingBatch) {
        var generator = RandomGenerator(seed: 21)
        let model = try LatentModel(config: config, rawObservationSize: rawSize, actionSpace: LatentTestData.actionSpace,
                                    generator: &generator)
        let batch = try LatentTestData.randomBatch(windows: 4, steps: config.multiStepLength, rawSize: config.historyLength * rawSize,
                                                   generator: &generator)
        return (model, batch)
    }

    /// The loss with the reparameterisation noise fixed (a fresh generator with one seed).
    static func loss(_ model: LatentModel, _ batch: LatentTrainingBatch) throws -> Double {
        var generator = RandomGenerator(seed: 99)
        return try model.lossTerms(for: batch, generator: &generator).total
    }

    @Test(arguments: variants)
    func parameterGradientsMatchFiniteDifferences(_ variant: Variant) throws {
        let (model, batch) = try Self.setUp(variant.config, rawSize: variant.rawSize)
        var noise = RandomGenerator(seed: 99)
        let analytic = try model.lossAndGradients(for: batch, generator: &noise)
        #expect(analytic.terms.total == (try Self.loss(model, batch)), "forward-only and training losses agree")
        #expect(analytic.parameterGradients.count == model.parameters.count)
        var generator = RandomGenerator(seed: 5)
        let result = try LatentTestData.compare(analytic: analytic.parameterGradients, at: model.parameters,
                                                entriesPerMatrix: 8, step: 3e-3, generator: &generator) { parameters in
            var perturbed = model
            try perturbed.setParameters(parameters)
            return try Self.loss(perturbed, batch)
        }
        #expect(result.cosine > 0.9995, "\(variant.name): cosine \(result.cosine)")
        #expect(result.worst < 0.03, "\(variant.name): worst relative error \(result.worst) over \(result.checked) entries")
    }

    @Test(arguments: variants)
    func inputGradientsMatchFiniteDifferences(_ variant: Variant) throws {
        let (model, batch) = try Self.setUp(variant.config, rawSize: variant.rawSize)
        var noise = RandomGenerator(seed: 99)
        let analytic = try model.lossAndGradients(for: batch, generator: &noise, needsInputGradients: true)
        let frames = try #require(analytic.frameGradients), actions = try #require(analytic.actionGradients)
        #expect(frames.count == batch.frames.count && actions.count == batch.actions.count)
        let steps = batch.stepCount
        var generator = RandomGenerator(seed: 6)
        let result = try LatentTestData.compare(analytic: frames + actions, at: batch.frames + batch.actions,
                                                entriesPerMatrix: 10, step: 3e-3, generator: &generator) { inputs in
            let perturbed = try LatentTrainingBatch(frames: Array(inputs[0...steps]), actions: Array(inputs[(steps + 1)...]),
                                                    rewards: batch.rewards)
            return try Self.loss(model, perturbed)
        }
        #expect(result.cosine > 0.9995, "\(variant.name): cosine \(result.cosine)")
        #expect(result.worst < 0.03, "\(variant.name): worst relative error \(result.worst) over \(result.checked) entries")
    }

    /// With the stop-gradient on the latent target, every parameter but the encoder's still
    /// gets the exact gradient (they do not move the target), and the encoder's gradient is the
    /// full one minus the target's path: equal to the full one when the latent term is off.
    @Test func stopGradientLeavesOutOnlyTheTargetPath() throws {
        var config = LatentTestData.smallConfig(steps: 2)
        config.latentTargetGradient = .stop
        let (model, batch) = try Self.setUp(config)
        var noise = RandomGenerator(seed: 99)
        let stopped = try model.lossAndGradients(for: batch, generator: &noise).parameterGradients
        let encoderCount = model.encoder.parameters.count
        var generator = RandomGenerator(seed: 7)
        let others = try LatentTestData.compare(analytic: Array(stopped[encoderCount...]), at: Array(model.parameters[encoderCount...]),
                                                entriesPerMatrix: 8, step: 3e-3, generator: &generator) { parameters in
            var perturbed = model
            try perturbed.setParameters(Array(model.parameters[..<encoderCount]) + parameters)
            return try Self.loss(perturbed, batch)
        }
        #expect(others.cosine > 0.9995 && others.worst < 0.03, "non-encoder parameters: \(others)")

        var throughConfig = config
        throughConfig.latentTargetGradient = .through
        let (through, _) = try Self.setUp(throughConfig)
        noise = RandomGenerator(seed: 99)
        let full = try through.lossAndGradients(for: batch, generator: &noise).parameterGradients
        let encoderDifference = (0..<encoderCount).map { stopped[$0].maxAbsoluteDifference(full[$0]) }.max() ?? 0
        #expect(encoderDifference > 1e-4, "the target path changes the encoder's gradient")
        for index in encoderCount..<full.count { #expect(stopped[index] == full[index]) }

        config.latentWeight = 0
        throughConfig.latentWeight = 0
        let (withoutLatent, _) = try Self.setUp(config), (throughWithoutLatent, _) = try Self.setUp(throughConfig)
        noise = RandomGenerator(seed: 99)
        let a = try withoutLatent.lossAndGradients(for: batch, generator: &noise).parameterGradients
        noise = RandomGenerator(seed: 99)
        let b = try throughWithoutLatent.lossAndGradients(for: batch, generator: &noise).parameterGradients
        #expect(a == b)
    }

    /// The loss really has every term: switching one weight off changes the total by exactly
    /// that weighted term.
    @Test func totalIsTheWeightedSumOfTheTerms() throws {
        var config = LatentTestData.smallConfig(steps: 2)
        config.stochasticEncoder = true
        config.klWeight = 0.25
        let (model, batch) = try Self.setUp(config)
        var generator = RandomGenerator(seed: 99)
        let terms = try model.lossTerms(for: batch, generator: &generator)
        #expect(terms.reconstruction > 0 && terms.prediction > 0 && terms.latent > 0 && terms.reward > 0 && terms.kullbackLeibler > 0)
        let expected = Double(config.reconstructionWeight) * terms.reconstruction + Double(config.predictionWeight) * terms.prediction
            + Double(config.latentWeight) * terms.latent + Double(config.rewardWeight) * terms.reward
            + Double(config.klWeight) * terms.kullbackLeibler
        #expect(abs(terms.total - expected) < 1e-9 * max(1, abs(expected)))
    }
}
