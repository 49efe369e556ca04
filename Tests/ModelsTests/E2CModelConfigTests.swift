import Foundation
import MBRLCore
import Models
import Testing

/// Recipe-facing behaviour of `E2CModelConfig`, the `"e2c"` registration and checkpoints.
@Suite struct E2CModelConfigTests {
    func decode(_ text: String) throws -> E2CModelConfig {
        try JSONDecoder().decode(E2CModelConfig.self, from: Data(text.utf8))
    }

    func message(_ text: String) -> String {
        do {
            _ = try decode(text)
            return ""
        } catch {
            return JSONValue.describe(error)
        }
    }

    @Test func emptyObjectGivesTheDefaults() throws {
        #expect(try decode("{}") == E2CModelConfig())
        let config = try decode(#"{"latentSize": 4, "transitionHiddenSizes": [100, 100], "consistencyWeight": 0.25, "historyLength": 2}"#)
        #expect(config.latentSize == 4 && config.transitionHiddenSizes == [100, 100] && config.consistencyWeight == 0.25)
        #expect(config.historyLength == 2 && config.encoderHiddenSizes == E2CModelConfig().encoderHiddenSizes)
        #expect(try JSONValue(encoding: config).decode(E2CModelConfig.self) == config)
    }

    @Test func unknownKeysNameTheClosestKey() {
        let text = message(#"{"consistencyWieght": 1}"#)
        #expect(text.contains("unknown key \"consistencyWieght\""), "\(text)")
        #expect(text.contains("did you mean consistencyWeight"), "\(text)")
        #expect(message(#"{"latentsize": 3}"#).contains("latentSize"))
    }

    @Test func outOfRangeValuesAndAModelWithoutDecoderLossAreRefused() {
        #expect(message(#"{"latentSize": 0}"#).contains("latentSize must be in 1...256"))
        #expect(message(#"{"transitionHiddenSizes": [0]}"#).contains("transitionHiddenSizes must hold widths"))
        let noDecoder = message(#"{"reconstructionWeight": 0, "predictionWeight": 0}"#)
        #expect(noDecoder.contains("E2C needs its decoder"), "\(noDecoder)")
        var config = E2CModelConfig()
        config.predictionWeight = 0
        config.reconstructionWeight = 0
        var generator = RandomGenerator(seed: 0)
        #expect(throws: MBRLError.self) {
            _ = try E2CModel(config: config, rawObservationSize: 8, actionSpace: LatentTestData.actionSpace, generator: &generator)
        }
        #expect(throws: MBRLError.self) {
            _ = try E2CModel(rawObservationSize: 8, actionSpace: .discrete(Discrete(count: 3)), generator: &generator)
        }
    }

    @Test func registeredAsE2C() throws {
        let registry = ComponentRegistry()
        registerModels(in: registry)
        let info = try #require(registry.models.info("e2c"))
        #expect(info.keys.map(\.name).contains("consistencyWeight"))
        let space = Space.box(Box(lowerBound: 0, upperBound: 1, size: 64))
        let (model, resolved) = try registry.models.build(
            .object(["type": .string("e2c"), "latentSize": .number(5), "encoderHiddenSizes": .array([.number(16)])]),
            context: .init(observationSpace: space, actionSpace: LatentTestData.actionSpace, seed: 3), path: "model")
        let e2c = try #require(model as? E2CModel)
        #expect(e2c.observationSize == 5 && e2c.rawObservationSize == 64 && e2c.predictsRewards)
        #expect(resolved["latentSize"] == .number(5) && resolved["type"] == .string("e2c"))
    }

    /// A checkpoint restores weights, reward statistics and optimiser moments bit for bit.
    @Test func checkpointRoundTrip() throws {
        var generator = RandomGenerator(seed: 4)
        var model = try E2CModel(config: E2CModelGradientTests.smallConfig, rawObservationSize: 10,
                                 actionSpace: LatentTestData.actionSpace, generator: &generator)
        var buffer = ReplayBuffer(capacity: 100, observationSize: 10, actionSize: 2)
        for step in 0..<20 {
            try buffer.append(Transition(observation: (0..<10).map { _ in generator.nextUniformFloat() }, action: [0.5, -0.2],
                                         reward: Float(step), nextObservation: (0..<10).map { _ in generator.nextUniformFloat() },
                                         terminated: false, truncated: step == 19))
        }
        try model.train(on: buffer, generator: &generator)
        var writer = CheckpointWriter()
        try model.write(to: &writer, prefix: "model")
        var fresh = try E2CModel(config: E2CModelGradientTests.smallConfig, rawObservationSize: 10,
                                 actionSpace: LatentTestData.actionSpace, generator: &generator)
        #expect(fresh != model)
        try fresh.read(from: try Checkpoint(data: try writer.encodedData()), prefix: "model")
        #expect(fresh == model)
    }
}
