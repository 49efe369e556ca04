import Foundation
import MBRLCore
import Models
import Testing

/// Recipe-facing behaviour of `LatentModelConfig` and the `"latent"` registration.
@Suite struct LatentModelConfigTests {
    func decode(_ text: String) throws -> LatentModelConfig {
        try JSONDecoder().decode(LatentModelConfig.self, from: Data(text.utf8))
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
        #expect(try decode("{}") == LatentModelConfig())
        let config = try decode(#"{"latentSize": 4, "encoderHiddenSizes": [32], "stochasticEncoder": true, "klWeight": 0.5, "multiStepLength": 4, "latentTargetGradient": "through", "dynamicsKind": "gaussian", "ensembleSize": 3}"#)
        #expect(config.latentSize == 4 && config.encoderHiddenSizes == [32] && config.stochasticEncoder && config.klWeight == 0.5)
        #expect(config.multiStepLength == 4 && config.latentTargetGradient == .through && config.dynamicsKind == .gaussian)
        #expect(config.ensembleSize == 3 && config.decoderHiddenSizes == LatentModelConfig().decoderHiddenSizes)
        // Round trip through JSON.
        #expect(try JSONValue(encoding: config).decode(LatentModelConfig.self) == config)
    }

    @Test func unknownKeysNameTheClosestKey() {
        let text = message(#"{"latentSise": 4}"#)
        #expect(text.contains("unknown key \"latentSise\""), "\(text)")
        #expect(text.contains("did you mean latentSize"), "\(text)")
        #expect(message(#"{"klweight": 1}"#).contains("klWeight"))
    }

    @Test func outOfRangeValuesGiveTheRange() {
        #expect(message(#"{"latentSize": 0}"#).contains("latentSize must be in 1...4096"))
        #expect(message(#"{"multiStepLength": 0}"#).contains("multiStepLength must be in 1...100"))
        #expect(message(#"{"rewardWeight": -1}"#).contains("rewardWeight must be in 0.0...10000.0"))
        #expect(message(#"{"encoderHiddenSizes": [64, 0]}"#).contains("encoderHiddenSizes must hold widths in 1...100000, got 0"))
        #expect(message(#"{"minLogVariance": 2, "maxLogVariance": 1}"#).contains("must be below maxLogVariance"))
        #expect(message(#"{"latentTargetGradient": "stopp"}"#).contains("did you mean stop"))
        #expect(message(#"{"dynamicsKind": "gausian"}"#).contains("did you mean gaussian"))
        #expect(message(#"{"batchSize": "many"}"#).contains("batchSize"))
    }

    @Test func programmaticSettingsAreValidated() throws {
        var config = LatentModelConfig()
        config.latentSize = 0
        var generator = RandomGenerator(seed: 0)
        #expect(throws: MBRLError.self) {
            _ = try LatentModel(config: config, rawObservationSize: 16, actionSpace: LatentTestData.actionSpace, generator: &generator)
        }
        config = LatentModelConfig()
        config.encoderConvolutionChannels = [4]
        // 10 entries are not square frames: convolutions cannot read them.
        #expect(throws: MBRLError.self) {
            _ = try LatentModel(config: config, rawObservationSize: 10, actionSpace: LatentTestData.actionSpace, generator: &generator)
        }
        config = LatentModelConfig()
        config.decoderConvolutionChannels = [4]
        config.convolutionKernelSize = 4
        // 32 - 4 = 28 divides by 2 but 15 - 4 = 11 does not: a second layer would fail, one works.
        _ = try LatentModel(config: config, rawObservationSize: 32 * 32, actionSpace: LatentTestData.actionSpace, generator: &generator)
        config.decoderConvolutionChannels = [4, 4]
        #expect(throws: MBRLError.self) {
            _ = try LatentModel(config: config, rawObservationSize: 32 * 32, actionSpace: LatentTestData.actionSpace, generator: &generator)
        }
        // Discrete actions are indices [B, 1], fed to the networks one-hot.
        let discrete = try LatentModel(rawObservationSize: 16, actionSpace: .discrete(Discrete(count: 3)), generator: &generator)
        #expect(discrete.actionSize == 1 && discrete.dynamics[0].inputSize == discrete.latentSize + 3)
    }

    @Test func everyKeyIsDescribedAndRegistered() throws {
        let documented = LatentModelConfig.keyDocumentation()
        #expect(documented.count == LatentModelConfig.keyDescriptions.count)
        #expect(documented.allSatisfy { !$0.summary.isEmpty }, "\(documented.filter { $0.summary.isEmpty }.map(\.name))")
        // Float keys with whole-number defaults are numbers; Int keys are integers.
        let types = Dictionary(uniqueKeysWithValues: documented.map { ($0.name, $0.type) })
        #expect(types["rewardWeight"] == "number" && types["klWeight"] == "number" && types["latentSize"] == "integer",
                "\(types)")
        let registry = ComponentRegistry()
        registerModels(in: registry)
        let info = try #require(registry.models.info("latent"))
        #expect(info.keys.map(\.name).contains("multiStepLength"))
        let space = Space.box(Box(lowerBound: 0, upperBound: 1, size: 64))
        let (model, resolved) = try registry.models.build(
            .object(["type": .string("latent"), "latentSize": .number(5), "encoderHiddenSizes": .array([.number(16)])]),
            context: .init(observationSpace: space, actionSpace: LatentTestData.actionSpace, seed: 3), path: "model")
        let latent = try #require(model as? LatentModel)
        #expect(latent.observationSize == 5 && latent.rawObservationSize == 64 && latent.predictsRewards)
        #expect(resolved["latentSize"] == .number(5) && resolved["type"] == .string("latent"))
        #expect(throws: RecipeError.self) {
            _ = try registry.models.build(.object(["type": .string("latent"), "latentSize": .number(-1)]),
                                          context: .init(observationSpace: space, actionSpace: LatentTestData.actionSpace, seed: 3),
                                          path: "model")
        }
    }
}
