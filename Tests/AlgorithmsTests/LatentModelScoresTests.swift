import Algorithms
import Envs
import Foundation
import MBRLCore
import Models
import Testing

/// Held-out scores of a latent model (what `mbrl-run bench latent` prints): a fitted model
/// reconstructs and predicts held-out pendulum frames far better than its initial weights and
/// than the mean image (one step ahead), the open-loop error grows with the steps, and bad input is refused.
@Suite struct LatentModelScoresTests {
    static func randomEpisodes(_ count: Int, seed: UInt64) throws -> ReplayBuffer {
        var environment = try EnvironmentCatalog.make("PendulumPixels-v1", seed: seed)
        var buffer = ReplayBuffer(capacity: 100_000, observationSize: environment.observationSize, actionSize: environment.actionSize)
        var generator = RandomGenerator(seed: seed)
        for episode in 0..<count {
            try buffer.appendRandomEpisode(from: &environment, resetSeed: seed * 100 + UInt64(episode), generator: &generator)
        }
        return buffer
    }

    static func actionSpace() throws -> Space {
        try EnvironmentCatalog.make("PendulumPixels-v1", seed: 0).actionSpace
    }

    @Test func fittedModelBeatsItsStartAndTheMeanImage() throws {
        let training = try Self.randomEpisodes(3, seed: 1), heldOut = try Self.randomEpisodes(1, seed: 2)
        var config = LatentModelConfig()
        config.latentSize = 6
        config.encoderHiddenSizes = [64]
        config.decoderHiddenSizes = [64]
        config.dynamicsHiddenSizes = [64]
        config.rewardHiddenSizes = [32]
        config.multiStepLength = 2
        config.epochs = 1000
        config.maxUpdatesPerFit = 600
        var generator = RandomGenerator(seed: 3)
        var model = try LatentModel(config: config, rawObservationSize: training.observationSize,
                                    actionSpace: try Self.actionSpace(), generator: &generator)
        let before = try LatentModelScores(model: model, buffer: heldOut, steps: 5, maxWindows: 64)
        _ = try model.train(on: training, generator: &generator)
        let after = try LatentModelScores(model: model, buffer: heldOut, steps: 5, maxWindows: 64)
        let baseline = LatentModelScores.pixelVariance(of: heldOut)
        #expect(after.prediction.count == 5 && after.windowCount == 64)
        #expect(after.reconstruction < before.reconstruction / 3, "reconstruction \(before.reconstruction) -> \(after.reconstruction)")
        #expect(after.prediction[0] < before.prediction[0] / 3, "prediction@1 \(before.prediction[0]) -> \(after.prediction[0])")
        #expect(after.reconstruction < baseline && after.prediction[0] < baseline,
                "reconstruction \(after.reconstruction), prediction@1 \(after.prediction[0]), mean image \(baseline)")
        #expect(after.prediction[4] >= after.prediction[0], "open-loop errors \(after.prediction)")
        #expect(after.rewardRootMeanSquare.isFinite && after.rewardRootMeanSquare < before.rewardRootMeanSquare)
        // Deterministic: the same model scores the same.
        #expect(try LatentModelScores(model: model, buffer: heldOut, steps: 5, maxWindows: 64) == after)
    }

    @Test func badInputIsRefused() throws {
        let heldOut = try Self.randomEpisodes(1, seed: 4)
        var generator = RandomGenerator(seed: 0)
        var config = LatentModelConfig()
        config.encoderHiddenSizes = [8]
        config.decoderHiddenSizes = [8]
        let model = try LatentModel(config: config, rawObservationSize: heldOut.observationSize,
                                    actionSpace: try Self.actionSpace(), generator: &generator)
        #expect(throws: MBRLError.self) { try LatentModelScores(model: model, buffer: heldOut, steps: 1000) }
        let small = ReplayBuffer(capacity: 10, observationSize: 3, actionSize: 2)
        #expect(throws: MBRLError.self) { try LatentModelScores(model: model, buffer: small, steps: 1) }
    }
}
