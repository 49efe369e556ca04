import Envs
import MBRLCore
import Models
import Testing

/// `LatentModel` checkpoints: a round trip restores predictions, encodings and the training
/// state bit for bit; a checkpoint of another architecture is refused.
@Suite struct LatentModelCheckpointTests {
    static func trainedModel(_ config: LatentModelConfig) throws -> (LatentModel, ReplayBuffer) {
        let buffer = try LatentLearningTests.pointMassBuffer(episodes: 2, seed: 4)
        var generator = RandomGenerator(seed: 8)
        var model = try LatentModel(config: config, rawObservationSize: buffer.observationSize,
                                    actionSpace: try EnvironmentCatalog.make("PointMassPixels-v0").actionSpace, generator: &generator)
        try model.train(on: buffer, generator: &generator)
        return (model, buffer)
    }

    static var smallConfig: LatentModelConfig {
        var config = LatentModelConfig()
        config.latentSize = 4
        config.encoderHiddenSizes = [16]
        config.decoderHiddenSizes = [16]
        config.dynamicsHiddenSizes = [16]
        config.rewardHiddenSizes = [16]
        config.multiStepLength = 2
        config.maxUpdatesPerFit = 5
        config.dynamicsKind = .gaussian
        config.ensembleSize = 2
        config.stochasticEncoder = true
        return config
    }

    @Test func roundTripIsBitExact() throws {
        let (model, buffer) = try Self.trainedModel(Self.smallConfig)
        var writer = CheckpointWriter()
        try model.write(to: &writer, prefix: "model")
        let checkpoint = try Checkpoint(data: try writer.encodedData())
        let restored = try LatentModel(checkpoint: checkpoint, prefix: "model")
        #expect(restored == model)

        var otherSeed = RandomGenerator(seed: 9)
        var fresh = try LatentModel(config: Self.smallConfig, rawObservationSize: buffer.observationSize,
                                    actionSpace: model.actionSpace, generator: &otherSeed)
        #expect(fresh != model)
        try fresh.read(from: checkpoint, prefix: "model")
        #expect(fresh == model)

        let data = buffer.batch(Array(0..<8))
        #expect(try restored.encode(observations: data.observations) == model.encode(observations: data.observations))
        var first = RandomGenerator(seed: 1), second = RandomGenerator(seed: 1)
        let latents = try model.encode(observations: data.observations)
        #expect(try model.predict(observations: latents, actions: data.actions, generator: &first)
                == restored.predict(observations: latents, actions: data.actions, generator: &second))

        // Training on from the restored model continues exactly as from the original.
        var continued = model, resumed = restored
        var generatorA = RandomGenerator(seed: 2), generatorB = RandomGenerator(seed: 2)
        try continued.train(on: buffer, generator: &generatorA)
        try resumed.train(on: buffer, generator: &generatorB)
        #expect(continued == resumed)
        #expect(continued.optimizerStepCount == 2 * 5 && continued.fitCount == 2)
    }

    @Test func otherArchitecturesAreRefused() throws {
        let (model, buffer) = try Self.trainedModel(Self.smallConfig)
        var writer = CheckpointWriter()
        try model.write(to: &writer, prefix: "model")
        let checkpoint = try Checkpoint(data: try writer.encodedData())
        var other = Self.smallConfig
        other.latentSize = 5
        var generator = RandomGenerator(seed: 0)
        var wrong = try LatentModel(config: other, rawObservationSize: buffer.observationSize, actionSpace: model.actionSpace,
                                    generator: &generator)
        do {
            try wrong.read(from: checkpoint, prefix: "model")
            Issue.record("a checkpoint of another latent size was accepted")
        } catch let error as MBRLError {
            #expect("\(error)".contains("latentSize is 4 in the checkpoint but 5 here"), "\(error)")
        }
        var otherSize = try LatentModel(config: Self.smallConfig, rawObservationSize: 16, actionSpace: model.actionSpace,
                                        generator: &generator)
        #expect(throws: MBRLError.self) { try otherSize.read(from: checkpoint, prefix: "model") }
        #expect(throws: MBRLError.self) { _ = try LatentModel(checkpoint: checkpoint, prefix: "elsewhere") }
        // Training settings may differ: they stay this model's.
        var retuned = Self.smallConfig
        retuned.learningRate = 0.01
        retuned.rewardWeight = 3
        var compatible = try LatentModel(config: retuned, rawObservationSize: buffer.observationSize, actionSpace: model.actionSpace,
                                         generator: &generator)
        try compatible.read(from: checkpoint, prefix: "model")
        #expect(compatible.parameters == model.parameters && compatible.config == retuned)
    }
}
