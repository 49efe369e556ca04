import Foundation
import MBRLCore
import Models
import Testing

/// Recipe decoding of `DynamicsModelConfig` and `ModelTrainerConfig`.
@Suite struct DynamicsModelConfigTests {
    static func decode(_ json: String) throws -> DynamicsModelConfig {
        try JSONDecoder().decode(DynamicsModelConfig.self, from: Data(json.utf8))
    }

    @Test func emptyObjectGivesMbrlLibCartpoleDefaults() throws {
        let config = try Self.decode("{}")
        #expect(config == DynamicsModelConfig())
        #expect(config.kind == .gaussian && config.ensembleSize == 7 && config.eliteCount == 5)
        #expect(config.hiddenSizes == [200, 200, 200, 200] && config.activation == .silu)
        #expect(config.targetIsDelta && config.normalizeInputs && !config.learnedReward)
        #expect(config.training.learningRate == 7.5e-4 && config.training.weightDecay == 3e-5)
        #expect(config.training.batchSize == 256 && config.training.patience == 25 && config.training.improvementThreshold == 0.01)
        #expect(config.training.optimizer == .adam && config.training.bootstrap)
    }

    @Test func keysDecodeAndRoundTrip() throws {
        let config = try Self.decode("""
            {"kind": "deterministic", "ensembleSize": 3, "eliteCount": 2, "hiddenSizes": [32, 32],
             "activation": "relu", "noDeltaDimensions": [1], "learnedReward": true, "learnedTermination": true,
             "training": {"optimizer": "adamw", "validationRatio": 0.2, "multiStepLength": 3, "maxGradientNorm": 5}}
            """)
        #expect(config.kind == .deterministic && config.ensembleSize == 3 && config.hiddenSizes == [32, 32])
        #expect(config.training.optimizer == .adamW && config.training.multiStepLength == 3 && config.training.maxGradientNorm == 5)
        let again = try JSONDecoder().decode(DynamicsModelConfig.self, from: JSONEncoder().encode(config))
        #expect(again == config)
    }

    @Test(arguments: [
        (#"{"ensembel_size": 5}"#, "ensembleSize"),
        (#"{"hiddenSize": 200}"#, "hiddenSizes"),
        (#"{"training": {"learning_rate": 0.001}}"#, "learningRate"),
        (#"{"training": {"patient": 3}}"#, "patience"),
    ])
    func unknownKeysAreRejectedWithTheNearestName(json: String, suggestion: String) throws {
        do {
            _ = try Self.decode(json)
            Issue.record("\(json) was accepted")
        } catch {
            let message = "\(error)"
            #expect(message.contains("unknown key"), "\(message)")
            let hint = message.components(separatedBy: "did you mean").dropFirst().first ?? ""
            #expect(hint.components(separatedBy: "?").first?.contains(suggestion) == true, "\(message)")
        }
    }

    @Test(arguments: [
        #"{"ensembleSize": 0}"#,
        #"{"hiddenSizes": [200, 0]}"#,
        #"{"minLogVariance": 1, "maxLogVariance": 0}"#,
        #"{"kind": "bayesian"}"#,
        #"{"training": {"validationRatio": 1.5}}"#,
        #"{"training": {"optimizer": "sgd"}}"#,
        #"{"training": {"maxGradientNorm": -1}}"#,
    ])
    func outOfRangeValuesAreRejected(json: String) {
        #expect(throws: (any Error).self) { try Self.decode(json) }
    }

    @Test func settingsThatDependOnTheEnvironmentAreCheckedWhenBuilding() throws {
        var config = DynamicsModelConfig(ensembleSize: 2, eliteCount: 2, hiddenSizes: [4])
        config.noDeltaDimensions = [5]
        var generator = RandomGenerator(seed: 0)
        #expect(throws: MBRLError.self) {
            try DynamicsEnsemble(config: config, observationSize: 3,
                                 actionSpace: .box(Box(lowerBound: -1, upperBound: 1, size: 1)), generator: &generator)
        }
        // An elite count above the ensemble size uses every member.
        config.noDeltaDimensions = []
        config.eliteCount = 9
        let model = try DynamicsEnsemble(config: config, context: ModelBuildContext(
            observationSpace: .box(Box(lowerBound: -1, upperBound: 1, size: 3)),
            actionSpace: .discrete(Discrete(count: 2)), seed: 4))
        #expect(model.memberCount == 2 && model.inputSize == 5 && model.actionSize == 1)
    }

    @Test func everyKeyIsDocumented() {
        let modelKeys = Set(DynamicsModelConfig.keyDocumentation().map(\.name))
        #expect(modelKeys == Set(DynamicsModelConfig.keyDescriptions.keys))
        #expect(DynamicsModelConfig.keyDocumentation().allSatisfy { !$0.summary.isEmpty })
        #expect(ModelTrainerConfig.keyDocumentation().allSatisfy { !$0.summary.isEmpty })
        #expect(ModelTrainerConfig.keyDocumentation().count == 12)
    }
}
