import MBRLCore
import Models
import Testing

/// Finite-difference checks of the parameter gradients (the training loss) and the input
/// gradients (the pullback of the mean prediction) of every neural model variant.
@Suite struct NeuralModelGradientTests {
    struct Variant: CustomTestStringConvertible, Sendable {
        var name: String
        var config: DynamicsModelConfig
        var actionSpace: Space = .box(Box(lowerBound: -1, upperBound: 1, size: 2))
        var fitNormalizers = false
        var steps = 1
        var testDescription: String { name }
    }

    static func small(_ kind: DynamicsModelKind, members: Int = 3) -> DynamicsModelConfig {
        var config = DynamicsModelConfig(kind: kind, ensembleSize: members, eliteCount: members, hiddenSizes: [8, 8],
                                         activation: .tanh, targetIsDelta: false, normalizeInputs: false)
        config.minLogVariance = -3
        config.maxLogVariance = 1
        config.learnLogVarianceBounds = kind == .gaussian
        return config
    }

    static let variants: [Variant] = {
        var result: [Variant] = []
        result.append(Variant(name: "deterministic ensemble", config: small(.deterministic)))
        result.append(Variant(name: "single deterministic", config: small(.deterministic, members: 1)))
        result.append(Variant(name: "gaussian ensemble, learned bounds", config: small(.gaussian)))
        var fixedBounds = small(.gaussian, members: 1)
        fixedBounds.learnLogVarianceBounds = false
        result.append(Variant(name: "single gaussian, fixed bounds", config: fixedBounds))
        var normalized = small(.gaussian)
        normalized.normalizeInputs = true
        normalized.normalizeOutputs = true
        normalized.targetIsDelta = true
        normalized.noDeltaDimensions = [1]
        result.append(Variant(name: "gaussian, normalised, delta with an exception", config: normalized, fitNormalizers: true))
        var heads = small(.deterministic)
        heads.learnedReward = true
        heads.learnedTermination = true
        heads.normalizeInputs = true
        heads.normalizeOutputs = true
        heads.targetIsDelta = true
        result.append(Variant(name: "deterministic, reward and termination heads", config: heads, fitNormalizers: true))
        var gaussianHeads = normalized
        gaussianHeads.learnedReward = true
        gaussianHeads.learnedTermination = true
        gaussianHeads.terminationLossWeight = 0.5
        result.append(Variant(name: "gaussian, reward and termination heads", config: gaussianHeads, fitNormalizers: true))
        var unbalanced = heads
        unbalanced.balanceTerminationClasses = false
        result.append(Variant(name: "deterministic, termination classes not balanced", config: unbalanced, fitNormalizers: true))
        result.append(Variant(name: "multi-step gaussian, all options", config: gaussianHeads, fitNormalizers: true, steps: 3))
        var multiDeterministic = heads
        multiDeterministic.noDeltaDimensions = [0]
        result.append(Variant(name: "multi-step deterministic", config: multiDeterministic, fitNormalizers: true, steps: 4))
        var discrete = small(.deterministic)
        discrete.normalizeInputs = true
        discrete.targetIsDelta = true
        result.append(Variant(name: "discrete actions", config: discrete, actionSpace: .discrete(Discrete(count: 3)), fitNormalizers: true))
        return result
    }()

    /// A model of the variant with fitted normalisers and a batch of windows for it.
    static func setUp(_ variant: Variant) throws -> (DynamicsEnsemble, ModelTrainingBatch, TransitionBatch) {
        var generator = RandomGenerator(seed: 11)
        var model = try DynamicsEnsemble(config: variant.config, observationSize: 3, actionSpace: variant.actionSpace,
                                         generator: &generator)
        var data = NeuralModelTestSupport.syntheticTransitions(count: 64, observationSize: 3, actionSize: variant.actionSpace.flatSize,
                                                               scale: 2, offset: 1, generator: &generator)
        if case .discrete(let discrete) = variant.actionSpace {
            for row in 0..<data.count { data.actions[row, 0] = Float(row % discrete.count) }
        }
        // Sequences follow each other: the next observation of row r is the observation of row r + 1.
        for row in 0..<(data.count - 1) { data.nextObservations.setRow(row, to: data.observations.row(row + 1)) }
        if variant.fitNormalizers { try model.fitNormalizers(to: data) }
        let members = model.ensembleSize
        let starts = (0..<members).map { member in (0..<5).map { (member * 7 + $0 * 9) % (data.count - variant.steps) } }
        let batch = try ModelTrainingBatch(gathering: data, memberStarts: starts, stepCount: variant.steps)
        return (model, batch, data)
    }

    @Test(arguments: variants)
    func parameterGradientsMatchFiniteDifferences(_ variant: Variant) throws {
        let (model, batch, _) = try Self.setUp(variant)
        let analytic = try model.lossAndGradients(for: batch)
        #expect(analytic.loss.isFinite)
        #expect(analytic.gradients.count == model.parameters.count)
        var generator = RandomGenerator(seed: 5)
        let result = try NeuralModelTestSupport.compare(
            analytic: analytic.gradients, at: model.parameters, entriesPerMatrix: 12, step: 2e-3, generator: &generator
        ) { parameters in
            var perturbed = model
            try perturbed.setParameters(parameters)
            return try perturbed.lossAndGradients(for: batch).loss
        }
        #expect(result.cosine > 0.9995, "\(variant.name): cosine \(result.cosine)")
        #expect(result.worst < 0.03, "\(variant.name): worst relative error \(result.worst)")
    }

    @Test(arguments: variants.filter { $0.steps == 1 })
    func inputGradientsMatchFiniteDifferences(_ variant: Variant) throws {
        let (model, _, data) = try Self.setUp(variant)
        let rows = 6
        let observations = data.observations.rows(0..<rows), actions = data.actions.rows(0..<rows)
        var generator = RandomGenerator(seed: 3)
        var weights = Matrix(rows: rows, columns: 3)
        generator.fillStandardNormal(&weights)
        let (_, pullback) = try model.predictWithPullback(observations: observations, actions: actions)
        let gradients = try pullback(weights)
        let objective: ([Matrix]) throws -> Float = { inputs in
            let (next, _) = try model.predictWithPullback(observations: inputs[0], actions: inputs[1])
            return Float((next * weights).sum())
        }
        let isBox = variant.actionSpace.box != nil
        let point = isBox ? [observations, actions] : [observations]
        let analytic = isBox ? [gradients.observations, gradients.actions] : [gradients.observations]
        let result = try NeuralModelTestSupport.compare(analytic: analytic, at: point, entriesPerMatrix: 12, step: 2e-3,
                                                        generator: &generator) { inputs in
            try objective(isBox ? inputs : [inputs[0], actions])
        }
        #expect(result.cosine > 0.9995, "\(variant.name): cosine \(result.cosine)")
        #expect(result.worst < 0.03, "\(variant.name): worst relative error \(result.worst)")
        // The mean prediction the pullback differentiates is the distribution's mean.
        let distribution = try model.predictiveDistribution(observations: observations, actions: actions)
        let (next, _) = try model.predictWithPullback(observations: observations, actions: actions)
        #expect(next.maxAbsoluteDifference(distribution.mean) < 1e-5)
    }

    @Test func wrappersExposeTheSameGradients() throws {
        var generator = RandomGenerator(seed: 2)
        let space = Space.box(Box(lowerBound: -1, upperBound: 1, size: 1))
        var config = Self.small(.gaussian, members: 4)
        config.hiddenSizes = [6]
        let gaussian = try GaussianMLP(config: config, observationSize: 2, actionSpace: space, generator: &generator)
        let deterministic = try DeterministicMLP(config: config, observationSize: 2, actionSpace: space, generator: &generator)
        #expect(gaussian.ensemble.ensembleSize == 1 && gaussian.ensemble.isGaussian)
        #expect(deterministic.ensemble.ensembleSize == 1 && !deterministic.ensemble.isGaussian)
        let data = NeuralModelTestSupport.syntheticTransitions(count: 16, observationSize: 2, actionSize: 1, generator: &generator)
        let batch = try ModelTrainingBatch(transitions: data, memberCount: 1)
        for (name, loss, parameters, evaluate) in [
            ("gaussian", try gaussian.lossAndGradients(for: batch), gaussian.parameters,
             { (p: [Matrix]) throws -> Float in var m = gaussian; try m.setParameters(p); return try m.lossAndGradients(for: batch).loss }),
            ("deterministic", try deterministic.lossAndGradients(for: batch), deterministic.parameters,
             { (p: [Matrix]) throws -> Float in var m = deterministic; try m.setParameters(p); return try m.lossAndGradients(for: batch).loss }),
        ] {
            let result = try NeuralModelTestSupport.compare(analytic: loss.gradients, at: parameters, entriesPerMatrix: 10,
                                                            step: 2e-3, generator: &generator, function: evaluate)
            #expect(result.cosine > 0.9995, "\(name): cosine \(result.cosine)")
        }
    }
}
