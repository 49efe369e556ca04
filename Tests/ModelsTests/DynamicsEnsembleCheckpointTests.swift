import Foundation
import MBRLCore
import Models
import Testing

/// Saving and loading neural dynamics models through the checkpoint format.
@Suite struct DynamicsEnsembleCheckpointTests {
    static func trained(_ config: DynamicsModelConfig, observationSize: Int = 2) throws -> (DynamicsEnsemble, TransitionBatch) {
        var generator = RandomGenerator(seed: 31)
        var model = try DynamicsEnsemble(config: config, observationSize: observationSize,
                                         actionSpace: .box(Box(lowerBound: -1, upperBound: 1, size: 1)), generator: &generator)
        let data = NeuralModelTestSupport.syntheticTransitions(count: 80, observationSize: observationSize, actionSize: 1,
                                                               scale: 3, offset: 2, generator: &generator)
        _ = try model.train(on: NeuralModelTestSupport.buffer(data), generator: &generator)
        return (model, data)
    }

    static var config: DynamicsModelConfig {
        var config = DynamicsModelConfig(kind: .gaussian, ensembleSize: 4, eliteCount: 3, hiddenSizes: [12, 12],
                                         normalizeOutputs: true, learnedReward: true, learnedTermination: true)
        config.noDeltaDimensions = [1]
        config.training = ModelTrainerConfig(batchSize: 16, validationRatio: 0.25, epochs: 3)
        return config
    }

    static func temporaryURL() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("model-\(UUID().uuidString).mbrl")
    }

    @Test func aLoadedModelPredictsBitForBitWhatTheSavedOneDid() throws {
        let (model, data) = try Self.trained(Self.config)
        #expect(model.elites.count == 3)
        let url = Self.temporaryURL()
        defer { try? FileManager.default.removeItem(at: url) }
        try model.save(to: url)
        let loaded = try DynamicsEnsemble(contentsOf: url)
        #expect(loaded == model)
        let members = (0..<data.count).map { $0 % 3 }
        var a = RandomGenerator(seed: 5), b = RandomGenerator(seed: 5)
        #expect(try model.predict(observations: data.observations, actions: data.actions, members: members, generator: &a)
                == loaded.predict(observations: data.observations, actions: data.actions, members: members, generator: &b))
        #expect(try model.predict(observations: data.observations, actions: data.actions, generator: &a)
                == loaded.predict(observations: data.observations, actions: data.actions, generator: &b))
        #expect(try model.predictiveDistribution(observations: data.observations, actions: data.actions)
                == loaded.predictiveDistribution(observations: data.observations, actions: data.actions))
        // Training continues identically from the restored optimiser state.
        var continued = model, resumed = loaded
        var c = RandomGenerator(seed: 6), d = RandomGenerator(seed: 6)
        let buffer = try NeuralModelTestSupport.buffer(data)
        _ = try continued.train(on: buffer, generator: &c)
        _ = try resumed.train(on: buffer, generator: &d)
        #expect(continued == resumed)
    }

    @Test func readRestoresIntoAModelBuiltFromTheSameRecipe() throws {
        let (model, _) = try Self.trained(Self.config)
        var writer = CheckpointWriter()
        try model.write(to: &writer, prefix: "model")
        let checkpoint = try Checkpoint(data: writer.encodedData())
        var generator = RandomGenerator(seed: 99)
        var fresh = try DynamicsEnsemble(config: Self.config, observationSize: 2,
                                         actionSpace: .box(Box(lowerBound: -1, upperBound: 1, size: 1)), generator: &generator)
        #expect(fresh != model)
        try fresh.read(from: checkpoint, prefix: "model")
        #expect(fresh == model)
    }

    @Test func loadingIntoAnotherShapeFailsClearly() throws {
        let (model, _) = try Self.trained(Self.config)
        var writer = CheckpointWriter()
        try model.write(to: &writer, prefix: "model")
        let checkpoint = try Checkpoint(data: writer.encodedData())
        var generator = RandomGenerator(seed: 1)
        var wider = try DynamicsEnsemble(config: Self.config, observationSize: 3,
                                         actionSpace: .box(Box(lowerBound: -1, upperBound: 1, size: 1)), generator: &generator)
        #expect {
            try wider.read(from: checkpoint, prefix: "model")
        } throws: { error in
            "\(error)".contains("observations of 2 entries") && "\(error)".contains("takes 3")
        }
        var otherConfig = Self.config
        otherConfig.hiddenSizes = [12, 13]
        var other = try DynamicsEnsemble(config: otherConfig, observationSize: 2,
                                         actionSpace: .box(Box(lowerBound: -1, upperBound: 1, size: 1)), generator: &generator)
        #expect {
            try other.read(from: checkpoint, prefix: "model")
        } throws: { error in
            "\(error)".contains("hiddenSizes")
        }
        // A weight stored with another shape than the config implies names the entry and both shapes.
        var tampered = CheckpointWriter()
        try model.write(to: &tampered, prefix: "model")
        tampered.add(name: "model.network.layers.1.weight", matrix: Matrix(rows: 3, columns: 3))
        #expect {
            try DynamicsEnsemble(checkpoint: Checkpoint(data: tampered.encodedData()), prefix: "model")
        } throws: { error in
            "\(error)".contains("model.network.layers.1.weight") && "\(error)".contains("[3, 3]")
        }
        #expect(throws: MBRLError.self) {
            try GaussianMLP(checkpoint: checkpoint, prefix: "model")
        }
    }

    @Test func singleNetworkModelsRoundTrip() throws {
        var generator = RandomGenerator(seed: 3)
        let space = Space.box(Box(lowerBound: -1, upperBound: 1, size: 1))
        let config = DynamicsModelConfig(hiddenSizes: [8], training: ModelTrainerConfig(epochs: 2))
        var gaussian = try GaussianMLP(config: config, observationSize: 2, actionSpace: space, generator: &generator)
        var deterministic = try DeterministicMLP(config: config, observationSize: 2, actionSpace: space, generator: &generator)
        let data = NeuralModelTestSupport.syntheticTransitions(count: 30, observationSize: 2, actionSize: 1, generator: &generator)
        let buffer = try NeuralModelTestSupport.buffer(data)
        _ = try gaussian.train(on: buffer, generator: &generator)
        _ = try deterministic.train(on: buffer, generator: &generator)
        let url = Self.temporaryURL()
        defer { try? FileManager.default.removeItem(at: url) }
        try gaussian.save(to: url)
        #expect(try GaussianMLP(contentsOf: url) == gaussian)
        #expect(throws: MBRLError.self) { try DeterministicMLP(contentsOf: url) }
        try deterministic.save(to: url)
        #expect(try DeterministicMLP(contentsOf: url) == deterministic)
    }
}
