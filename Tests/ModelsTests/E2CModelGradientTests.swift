import Foundation
import MBRLCore
import Models
import Testing

/// Finite-difference checks of the E2C loss (reconstruction, prediction, KL to the prior, the
/// consistency KL, reward) with respect to every parameter, each term alone and all together,
/// and an independent evaluation of the consistency term with full matrices.
@Suite struct E2CModelGradientTests {
    struct Variant: CustomTestStringConvertible, Sendable {
        var name: String
        var config: E2CModelConfig
        var testDescription: String { name }
    }

    static let rawSize = 10

    /// A small model with smooth activations, every term on.
    static var smallConfig: E2CModelConfig {
        var config = E2CModelConfig()
        config.latentSize = 3
        config.encoderHiddenSizes = [6]
        config.decoderHiddenSizes = [5]
        config.transitionHiddenSizes = [6]
        config.rewardHiddenSizes = [4]
        config.activation = .tanh
        config.reconstructionWeight = 1.3
        config.predictionWeight = 0.7
        config.klWeight = 0.4
        config.consistencyWeight = 0.9
        config.rewardWeight = 2
        return config
    }

    static let variants: [Variant] = {
        var result = [Variant(name: "every term", config: smallConfig)]
        // One term at a time (the decoder terms cannot both be 0: a trace of reconstruction stays).
        let terms: [(String, WritableKeyPath<E2CModelConfig, Float>)] = [
            ("reconstruction", \.reconstructionWeight), ("prediction", \.predictionWeight), ("KL to the prior", \.klWeight),
            ("consistency", \.consistencyWeight), ("reward", \.rewardWeight),
        ]
        for (name, keyPath) in terms {
            var config = smallConfig
            config.reconstructionWeight = 1e-3
            config.predictionWeight = 0
            config.klWeight = 0
            config.consistencyWeight = 0
            config.rewardWeight = 0
            config[keyPath: keyPath] = 1
            result.append(Variant(name: "\(name) alone", config: config))
        }
        var history = smallConfig
        history.historyLength = 3
        result.append(Variant(name: "three-observation history", config: history))
        var wide = smallConfig
        wide.latentSize = 5
        wide.activation = .elu
        result.append(Variant(name: "5-d latent, elu", config: wide))
        return result
    }()

    static func setUp(_ config: E2CModelConfig) throws -> (E2CModel, LatentTrainingBatch) {
        var generator = RandomGenerator(seed: 21)
        let model = try E2CModel(config: config, rawObservationSize: rawSize, actionSpace: LatentTestData.actionSpace,
                                 generator: &generator)
        let batch = try LatentTestData.randomBatch(windows: 4, steps: 1, rawSize: config.historyLength * rawSize, generator: &generator)
        return (model, batch)
    }

    /// The loss with the reparameterisation noise fixed.
    static func loss(_ model: E2CModel, _ batch: LatentTrainingBatch) throws -> Double {
        var generator = RandomGenerator(seed: 99)
        return try model.lossTerms(for: batch, generator: &generator).total
    }

    @Test(arguments: variants)
    func parameterGradientsMatchFiniteDifferences(_ variant: Variant) throws {
        let (model, batch) = try Self.setUp(variant.config)
        var noise = RandomGenerator(seed: 99)
        let analytic = try model.lossAndGradients(for: batch, generator: &noise)
        #expect(analytic.terms.total == (try Self.loss(model, batch)), "forward-only and training losses agree")
        #expect(analytic.parameterGradients.count == model.parameters.count)
        #expect(analytic.parameterGradients.contains { $0.values.contains { $0 != 0 } })
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

    /// The total is the weighted sum of the terms, and every term is present.
    @Test func totalIsTheWeightedSumOfTheTerms() throws {
        let (model, batch) = try Self.setUp(Self.smallConfig)
        var generator = RandomGenerator(seed: 99)
        let terms = try model.lossTerms(for: batch, generator: &generator)
        let config = Self.smallConfig
        let expected = Double(config.reconstructionWeight) * terms.reconstruction + Double(config.predictionWeight) * terms.prediction
            + Double(config.klWeight) * terms.kullbackLeibler + Double(config.consistencyWeight) * terms.consistency
            + Double(config.rewardWeight) * terms.reward
        #expect(abs(terms.total - expected) < 1e-9 * max(1, abs(expected)))
        #expect(terms.reconstruction > 0 && terms.prediction > 0 && terms.kullbackLeibler > 0 && terms.consistency > 0 && terms.reward > 0)
    }

    /// The consistency term equals `KL(N(m, C) || N(μ', S'))` computed with the full matrices
    /// `A = I + v rᵀ`, `C = A Σ Aᵀ`, its inverse-free trace and a general determinant (for a
    /// 2-d latent, from the networks' outputs read through the public API).
    @Test func consistencyTermMatchesTheFullMatrixFormula() throws {
        var config = Self.smallConfig
        config.latentSize = 2
        let (model, batch) = try Self.setUp(config)
        var generator = RandomGenerator(seed: 99)
        let terms = try model.lossTerms(for: batch, generator: &generator)
        // Recompute: the loss draws the noise of z_t first.
        generator = RandomGenerator(seed: 99)
        var noise = Matrix(rows: batch.windowCount, columns: 2)
        generator.fillStandardNormal(&noise)
        let current = try model.encoder(batch.frames[0]), next = try model.encoder(batch.frames[1])
        func deviation(_ raw: Float) -> Double { Double(Activation.softplus(raw)) + 1e-3 }
        let box = LatentTestData.actionSpace.box!
        var total = 0.0
        for row in 0..<batch.windowCount {
            let mean = [Double(current[row, 0]), Double(current[row, 1])]
            let sigma = [deviation(current[row, 2]), deviation(current[row, 3])]
            let targetMean = [Double(next[row, 0]), Double(next[row, 1])]
            let targetSigma = [deviation(next[row, 2]), deviation(next[row, 3])]
            let z = (0..<2).map { Float(mean[$0] + sigma[$0] * Double(noise[row, $0])) }
            let h = try model.transition(Matrix(row: z)).row(0).map(Double.init)   // v (2), r (2), B (2 x 2), o (2)
            let a = [[1 + h[0] * h[2], h[0] * h[3]], [h[1] * h[2], 1 + h[1] * h[3]]]
            let u = (0..<2).map { column -> Double in
                let center = Double(box.lowerBound[column] + box.upperBound[column]) / 2
                let half = Double(box.upperBound[column] - box.lowerBound[column]) / 2
                return (Double(batch.actions[0][row, column]) - center) / half
            }
            let predictedMean = (0..<2).map { i in
                a[i][0] * mean[0] + a[i][1] * mean[1] + h[4 + 2 * i] * u[0] + h[5 + 2 * i] * u[1] + h[8 + i]
            }
            // C = A Σ Aᵀ, full.
            var c = [[0.0, 0.0], [0.0, 0.0]]
            for i in 0..<2 {
                for j in 0..<2 {
                    for k in 0..<2 { c[i][j] += a[i][k] * sigma[k] * sigma[k] * a[j][k] }
                }
            }
            let determinantC = c[0][0] * c[1][1] - c[0][1] * c[1][0]
            let trace = c[0][0] / (targetSigma[0] * targetSigma[0]) + c[1][1] / (targetSigma[1] * targetSigma[1])
            let mahalanobis = (0..<2).map { pow(targetMean[$0] - predictedMean[$0], 2) / (targetSigma[$0] * targetSigma[$0]) }.reduce(0, +)
            let logDeterminantTarget = 2 * log(targetSigma[0]) + 2 * log(targetSigma[1])
            total += 0.5 * (trace + mahalanobis - 2 + logDeterminantTarget - log(determinantC))
        }
        let expected = total / Double(batch.windowCount)
        #expect(abs(terms.consistency - expected) < 1e-4 * max(1, abs(expected)), "\(terms.consistency) vs \(expected)")
    }
}
