import Envs
import MBRLCore
import Models
import Testing

/// A latent model learns from pixels: a short fit lowers its losses by stated factors, and
/// planning through it scores sequences with its own latent rollout.
@Suite struct LatentLearningTests {
    /// `episodes` episodes of `PointMassPixels-v0` (32 x 32 images) under random actions.
    static func pointMassBuffer(episodes: Int, seed: UInt64) throws -> ReplayBuffer {
        var environment = try EnvironmentCatalog.make("PointMassPixels-v0", seed: seed)
        var buffer = ReplayBuffer(capacity: 10_000, observationSize: environment.observationSize, actionSize: environment.actionSize)
        var generator = RandomGenerator(seed: seed, stream: 1)
        for episode in 0..<episodes {
            try buffer.appendRandomEpisode(from: &environment, resetSeed: seed &* 100 &+ UInt64(episode), generator: &generator)
        }
        return buffer
    }

    static var config: LatentModelConfig {
        var config = LatentModelConfig()
        config.latentSize = 6
        config.encoderHiddenSizes = [64]
        config.decoderHiddenSizes = [64]
        config.dynamicsHiddenSizes = [64]
        config.rewardHiddenSizes = [64]
        config.multiStepLength = 3
        config.epochs = 100
        config.maxUpdatesPerFit = 1000
        return config
    }

    /// 1,000 steps on 4 random episodes (about 400 windows, under 2 s): on a fixed batch of
    /// training windows the reconstruction and open-loop prediction losses fall at least 3-fold
    /// (measured: 8.3 -> 2.4 and 9.3 -> 2.4) and the reward loss at least 100-fold (measured
    /// 1.1 -> 0.0022).
    @Test func shortFitLowersTheLosses() throws {
        let buffer = try Self.pointMassBuffer(episodes: 4, seed: 1)
        var generator = RandomGenerator(seed: 2)
        var model = try LatentModel(config: Self.config, rawObservationSize: buffer.observationSize,
                                    actionSpace: .box(Box(lowerBound: -1, upperBound: 1, size: 2)), generator: &generator)
        model.fitRewardStatistics(to: buffer)          // one reward scale before and after
        let starts = buffer.sequenceStarts(length: 3)
        let batch = try LatentTrainingBatch(buffer: buffer, starts: stride(from: 0, to: starts.count, by: 5).map { starts[$0] },
                                            stepCount: 3)
        var evaluation = RandomGenerator(seed: 3)
        let before = try model.lossTerms(for: batch, generator: &evaluation)
        let result = try model.train(on: buffer, generator: &generator) { _, _ in }
        evaluation = RandomGenerator(seed: 3)
        let after = try model.lossTerms(for: batch, generator: &evaluation)
        #expect(result.updates == 1000 && model.fitCount == 1)
        let reconstructionFactor = before.reconstruction / after.reconstruction
        let predictionFactor = before.prediction / after.prediction
        #expect(reconstructionFactor >= 3, "reconstruction \(before.reconstruction) -> \(after.reconstruction)")
        #expect(predictionFactor >= 3, "prediction \(before.prediction) -> \(after.prediction)")
        #expect(before.reward / after.reward >= 100, "reward \(before.reward) -> \(after.reward)")
        #expect(after.latent.isFinite && after.total < before.total / 3, "\(before) -> \(after)")
        #expect(result.lastEpochTerms.total < result.firstEpochTerms.total)
        print("latent model short fit: reconstruction \(before.reconstruction) -> \(after.reconstruction), prediction \(before.prediction) -> \(after.prediction), reward \(before.reward) -> \(after.reward)")
    }

    @Test func trainingRefusesUnusableData() throws {
        var generator = RandomGenerator(seed: 0)
        var model = try LatentModel(config: Self.config, rawObservationSize: 1024,
                                    actionSpace: .box(Box(lowerBound: -1, upperBound: 1, size: 2)), generator: &generator)
        let wrongSize = ReplayBuffer(capacity: 4, observationSize: 6, actionSize: 2)
        #expect(throws: MBRLError.self) { _ = try model.train(on: wrongSize, generator: &generator) }
        var tooShort = ReplayBuffer(capacity: 4, observationSize: 1024, actionSize: 2)
        try tooShort.append(Transition(observation: Array(repeating: 0, count: 1024), action: [0, 0], reward: 0,
                                       nextObservation: Array(repeating: 0, count: 1024), terminated: true, truncated: false))
        do {
            _ = try model.train(on: tooShort, generator: &generator)
            Issue.record("a buffer without a 3-step window was accepted")
        } catch let error as MBRLError {
            #expect("\(error)".contains("multiStepLength"), "\(error)")
        }
    }

    /// Histories reach back within the episode and repeat its first observation before it.
    @Test func windowsCarryObservationHistories() throws {
        var buffer = ReplayBuffer(capacity: 20, observationSize: 2, actionSize: 1)
        // Two episodes of 4 steps; observation of step t in episode e is [10 e + t, -(10 e + t)].
        for episode in 0..<2 {
            for step in 0..<4 {
                let value = Float(10 * episode + step)
                try buffer.append(Transition(observation: [value, -value], action: [Float(step)], reward: value,
                                             nextObservation: [value + 1, -value - 1], terminated: false, truncated: step == 3))
            }
        }
        let batch = try LatentTrainingBatch(buffer: buffer, starts: [0, 5], stepCount: 2, historyLength: 3)
        #expect(batch.frames.count == 3 && batch.frames[0].columns == 6)
        // Window at the episode start: o_0 = 0 padded twice; o_1 = [0, 0, 1]; o_2 = [0, 1, 2].
        #expect(batch.frames[0].row(0) == [0, 0, 0, 0, 0, 0])
        #expect(batch.frames[1].row(0) == [0, 0, 0, 0, 1, -1])
        #expect(batch.frames[2].row(0) == [0, 0, 1, -1, 2, -2])
        // Window starting at step 1 of episode 1 (age 5): history reaches age 4 (step 0) and pads once.
        #expect(batch.frames[0].row(1) == [10, -10, 10, -10, 11, -11])
        #expect(batch.frames[2].row(1) == [11, -11, 12, -12, 13, -13])
        #expect(batch.actions[1].row(1) == [2] && batch.rewards[1][1] == 12)
        // A model with a history encodes histories, or single observations as repeated ones.
        var config = Self.config
        config.historyLength = 3
        var generator = RandomGenerator(seed: 0)
        let model = try LatentModel(config: config, rawObservationSize: 2, actionSpace: .box(Box(lowerBound: -1, upperBound: 1, size: 1)),
                                    generator: &generator)
        let single = try model.encode(observations: Matrix(row: [3, -3]))
        #expect(single == (try model.encode(observations: Matrix(row: [3, -3, 3, -3, 3, -3]))))
        #expect(throws: MBRLError.self) { _ = try model.encode(observations: Matrix(row: [3, -3, 3, -3])) }
        let evaluator = try LatentPlanningModel(model: model, actionSpace: model.actionSpace)
        #expect(evaluator.observationSize == 6)
    }

    /// The planning model encodes the observation once and sums the reward head along the
    /// latent rollout: the same numbers as doing it by hand.
    @Test func planningScoresSequencesThroughTheLatentRollout() throws {
        let buffer = try Self.pointMassBuffer(episodes: 1, seed: 5)
        var generator = RandomGenerator(seed: 6)
        var config = Self.config
        config.maxUpdatesPerFit = 20
        var model = try LatentModel(config: config, rawObservationSize: buffer.observationSize,
                                    actionSpace: .box(Box(lowerBound: -1, upperBound: 1, size: 2)), generator: &generator)
        try model.train(on: buffer, generator: &generator)
        let evaluator = try LatentPlanningModel(model: model, actionSpace: model.actionSpace,
                                                config: .init(particleCount: 1, propagation: .expectation, discount: 0.9))
        #expect(evaluator.observationSize == 1024 && evaluator.capabilities == [.sequenceScoring])
        let observation = buffer[0].observation
        var sequences = Matrix(rows: 5, columns: 4 * 2)
        generator.fillUniform(&sequences, lower: -1, upper: 1)
        var scoring = RandomGenerator(seed: 7)
        let returns = try evaluator.evaluate(from: observation, actionSequences: sequences, horizon: 4, generator: &scoring)
        var state = try model.encode(observations: Matrix(rows: 5, columns: 1024, values: Array((0..<5).map { _ in observation }.joined())))
        var expected = [Float](repeating: 0, count: 5), weight: Float = 1
        var manual = RandomGenerator(seed: 7)
        for step in 0..<4 {
            let prediction = try model.predict(observations: state, actions: sequences.columns(2 * step ..< 2 * step + 2),
                                               generator: &manual)
            for row in 0..<5 { expected[row] += weight * prediction.rewards![row] }
            state = prediction.nextObservations
            weight *= 0.9
        }
        for row in 0..<5 { #expect(abs(returns[row] - expected[row]) < 1e-4 * max(1, abs(expected[row]))) }
        #expect(Set(returns).count > 1, "different sequences score differently")
        #expect(throws: MBRLError.self) {
            _ = try evaluator.evaluate(from: [0, 1], actionSequences: sequences, horizon: 4, generator: &scoring)
        }
    }
}
