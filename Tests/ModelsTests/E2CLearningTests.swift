import Envs
import MBRLCore
import Models
import Testing

/// An E2C model learns from pendulum pixels: a short fit predicts held-out next frames and
/// rewards far better than the same model untrained, and its transition stays well-conditioned.
@Suite struct E2CLearningTests {
    /// `episodes` random episodes of `PendulumPixels-v1` (two stacked 32 x 32 frames, 200 steps
    /// each).
    static func pendulumBuffer(episodes: Int, seed: UInt64) throws -> ReplayBuffer {
        var environment = try EnvironmentCatalog.make("PendulumPixels-v1", seed: seed)
        var buffer = ReplayBuffer(capacity: 10_000, observationSize: environment.observationSize, actionSize: environment.actionSize)
        var generator = RandomGenerator(seed: seed, stream: 1)
        for episode in 0..<episodes {
            _ = try buffer.appendRandomEpisode(from: &environment, resetSeed: seed &* 100 &+ UInt64(episode),
                                           generator: &generator)
        }
        return buffer
    }

    static var config: E2CModelConfig {
        var config = E2CModelConfig()
        config.latentSize = 4
        config.encoderHiddenSizes = [64]
        config.decoderHiddenSizes = [64]
        config.transitionHiddenSizes = [32]
        config.rewardHiddenSizes = [32]
        config.epochs = 100
        config.maxUpdatesPerFit = 600
        return config
    }

    /// Per-pixel squared error of the one-step prediction `dec(A z + B u + o)` with `z = μ(x_t)`,
    /// and the reward's root-mean-square error, on every transition of `buffer`.
    static func scores(_ model: E2CModel, on buffer: ReplayBuffer) throws -> (prediction: Double, reward: Double, largestEntry: Float) {
        let batch = buffer.batch(Array(0..<buffer.count))
        let latents = try model.encode(observations: batch.observations)
        var generator = RandomGenerator(seed: 0)
        let step = try model.predict(observations: latents, actions: batch.actions, generator: &generator)
        let predicted = try model.decode(latents: step.nextObservations)
        var error = 0.0, rewardError = 0.0
        for index in 0..<predicted.count {
            let difference = Double(predicted.values[index] - batch.nextObservations.values[index])
            error += difference * difference
        }
        for (prediction, reward) in zip(step.rewards ?? [], batch.rewards) {
            rewardError += Double(prediction - reward) * Double(prediction - reward)
        }
        let linear = try model.locallyLinearStep(latents: latents, actions: batch.actions)
        let largest = linear.stateMatrices.map { $0.values.map(abs).max() ?? 0 }.max() ?? 0
        return (error / Double(predicted.count), (rewardError / Double(batch.rewards.count)).squareRoot(), largest)
    }

    /// 600 updates on 4 random episodes of 200 steps (a few seconds): on 2 held-out episodes
    /// the one-step frame prediction error falls at least 3-fold and the reward error at least
    /// 2-fold against the untrained model (the control); the entries of `A(z)` stay bounded.
    @Test func shortFitPredictsHeldOutFramesAndRewards() throws {
        let training = try Self.pendulumBuffer(episodes: 4, seed: 1)
        let heldOut = try Self.pendulumBuffer(episodes: 2, seed: 7)
        var generator = RandomGenerator(seed: 2)
        var model = try E2CModel(config: Self.config, rawObservationSize: training.observationSize,
                                 actionSpace: .box(Box(lowerBound: -2, upperBound: 2, size: 1)), generator: &generator)
        model.fitRewardStatistics(to: training)         // the control predicts the mean reward scale too
        let untrained = model
        try model.train(on: training, generator: &generator)
        let before = try Self.scores(untrained, on: heldOut), after = try Self.scores(model, on: heldOut)
        print("E2C short fit, held out: prediction \(before.prediction) -> \(after.prediction), reward RMSE \(before.reward) -> \(after.reward), largest |A| entry \(after.largestEntry), loss terms \(String(describing: model.lastLossTerms))")
        #expect(model.fitCount == 1 && model.optimizerStepCount == 600)
        #expect(before.prediction / after.prediction >= 3, "prediction \(before.prediction) -> \(after.prediction)")
        #expect(before.reward / after.reward >= 2, "reward RMSE \(before.reward) -> \(after.reward)")
        #expect(after.largestEntry.isFinite && after.largestEntry < 100, "largest entry of A(z): \(after.largestEntry)")
    }
}
