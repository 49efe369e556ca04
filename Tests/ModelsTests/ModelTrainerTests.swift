import MBRLCore
import Models
import Testing

/// `ModelTrainer`: early stopping, best weights, elites, callbacks, determinism, non-finite
/// data and losses, multi-step training.
@Suite struct ModelTrainerTests {
    static let actionSpace = Space.box(Box(lowerBound: -1, upperBound: 1, size: 1))

    static func model(_ config: DynamicsModelConfig, seed: UInt64 = 1) throws -> DynamicsEnsemble {
        var generator = RandomGenerator(seed: seed)
        return try DynamicsEnsemble(config: config, observationSize: 2, actionSpace: actionSpace, generator: &generator)
    }

    static func data(count: Int, seed: UInt64 = 2) -> TransitionBatch {
        var generator = RandomGenerator(seed: seed)
        var data = NeuralModelTestSupport.syntheticTransitions(count: count, observationSize: 2, actionSize: 1, generator: &generator)
        for row in 0..<count { data.terminated[row] = false; data.truncated[row] = row % 50 == 49 }
        return data
    }

    @Test func stopsEarlyAndRestoresEachMembersBestWeights() throws {
        // A large step size makes the scores bounce, so members end worse than their best.
        var config = DynamicsModelConfig(kind: .deterministic, ensembleSize: 3, eliteCount: 2, hiddenSizes: [16])
        config.training = ModelTrainerConfig(learningRate: 0.05, weightDecay: 0, batchSize: 16, epochs: 200,
                                             patience: 3, improvementThreshold: 0.01)
        var model = try Self.model(config)
        let data = Self.data(count: 200)
        var trainer = try ModelTrainer(config: config.training)
        var generator = RandomGenerator(seed: 3)
        var seen: [ModelTrainingEpoch] = []
        let result = try trainer.train(&model, on: data, generator: &generator) { seen.append($0) }
        #expect(seen == result.epochs)
        #expect(result.stoppedEarly)
        #expect(result.epochs.count < 200)
        #expect(result.epochs.suffix(3).allSatisfy { !$0.improved })
        #expect(result.epochs.dropLast(3).last?.improved == true)
        #expect(trainer.fitCount == 1)
        // Scored on the training rows (no validation split): all of them, here.
        #expect(result.validationSampleCount == 0 && result.trainingSampleCount == 200)
        let last = try #require(result.epochs.last)
        #expect(zip(last.validationScores, result.bestValidationScores).contains { $0 > $1 * 1.0001 },
                "the test needs a member that ended worse than its best")
        let restored = try model.memberScores(on: data)
        for member in 0..<3 {
            #expect(abs(restored[member] / result.bestValidationScores[member] - 1) < 1e-6,
                    "member \(member): restored \(restored[member]), best \(result.bestValidationScores[member])")
        }
        // The two best members are the elites.
        let ranked = (0..<3).sorted { result.bestValidationScores[$0] < result.bestValidationScores[$1] }
        #expect(result.elites == Array(ranked.prefix(2)).sorted())
        #expect(model.elites == result.elites && model.memberCount == 2)
        #expect(result.bestValidationScores.allSatisfy { $0 < result.initialValidationScores.min()! })
    }

    @Test func theSameGeneratorGivesTheSameModel() throws {
        var config = DynamicsModelConfig(kind: .gaussian, ensembleSize: 3, eliteCount: 2, hiddenSizes: [8])
        config.training = ModelTrainerConfig(batchSize: 32, validationRatio: 0.2, epochs: 5)
        let start = try Self.model(config)
        let buffer = try NeuralModelTestSupport.buffer(Self.data(count: 150))
        var first = start, second = start
        var generatorA = RandomGenerator(seed: 7), generatorB = RandomGenerator(seed: 7), generatorC = RandomGenerator(seed: 8)
        let reportA = try first.train(on: buffer, generator: &generatorA)
        let reportB = try second.train(on: buffer, generator: &generatorB)
        #expect(first == second)
        #expect(reportA == reportB)
        #expect(reportA.validationScore != nil && reportA.epochs == 5)
        var third = start
        _ = try third.train(on: buffer, generator: &generatorC)
        #expect(third.network != first.network)
        // The trainer keeps its optimiser state across fits.
        #expect(first.trainer.optimizerState.stepCount == 5 * 4)
        #expect(first.trainer.fitCount == 1)
    }

    @Test func nonFiniteDataIsRejectedAndTheModelKept() throws {
        let config = DynamicsModelConfig(kind: .gaussian, ensembleSize: 2, eliteCount: 1, hiddenSizes: [8])
        var model = try Self.model(config)
        var data = Self.data(count: 60)
        var generator = RandomGenerator(seed: 1)
        // A first fit so that there are weights, normalisers and optimiser state worth keeping.
        var trainer = try ModelTrainer(config: ModelTrainerConfig(epochs: 2))
        try trainer.train(&model, on: data, generator: &generator)
        let modelBefore = model, trainerBefore = trainer
        data.nextObservations[17, 1] = .nan
        do {
            try trainer.train(&model, on: data, generator: &generator)
            Issue.record("training on NaN data did not throw")
        } catch let error as MBRLError {
            guard case .nonFinite(let message) = error else { Issue.record("unexpected error \(error)"); return }
            #expect(message.contains("next observations row 17, column 1"))
        }
        #expect(model == modelBefore)
        #expect(trainer == trainerBefore)
    }

    @Test func aNonFiniteLossNamesTheBatchAndRollsBack() throws {
        // Without normalisation, targets of 1e20 overflow the squared error.
        var config = DynamicsModelConfig(kind: .deterministic, ensembleSize: 2, eliteCount: 2, hiddenSizes: [4],
                                         targetIsDelta: false, normalizeInputs: false)
        config.training = ModelTrainerConfig(batchSize: 10, epochs: 3)
        var model = try Self.model(config)
        var data = Self.data(count: 40)
        data.nextObservations[25, 0] = 1e20
        let before = model
        var generator = RandomGenerator(seed: 1)
        #expect {
            try model.train(on: NeuralModelTestSupport.buffer(data), generator: &generator)
        } throws: { error in
            guard case MBRLError.nonFinite(let message) = error else { return false }
            return message.contains("epoch 0, batch") && message.contains("loss is") && message.contains("keeps the weights")
        }
        #expect(model == before)
    }

    @Test func multiStepTrainingUsesWindowsInsideEpisodes() throws {
        var config = DynamicsModelConfig(kind: .deterministic, ensembleSize: 2, eliteCount: 2, hiddenSizes: [16],
                                         normalizeOutputs: true)
        config.training = ModelTrainerConfig(learningRate: 3e-3, batchSize: 32, epochs: 30, bootstrap: false, multiStepLength: 5)
        let pendulum = try NeuralModelTestSupport.pendulumTransitions(episodes: 4, steps: 50, seed: 4)
        let buffer = try NeuralModelTestSupport.buffer(pendulum)
        var generator = RandomGenerator(seed: 2)
        var model = try DynamicsEnsemble(config: config, observationSize: 3,
                                         actionSpace: .box(Box(lowerBound: -2, upperBound: 2, size: 1)), generator: &generator)
        let result = try model.train(on: buffer, generator: &generator, onEpoch: { _ in })
        // 4 episodes of 50 steps have 46 windows of 5 each.
        #expect(result.trainingSampleCount == 4 * 46)
        #expect(result.epochs.count == 30)
        #expect(result.epochs.last!.trainingLoss < result.epochs.first!.trainingLoss / 5)
        // Windows longer than every episode are an error that says what to change.
        var tooLong = config
        tooLong.training.multiStepLength = 60
        var other = try DynamicsEnsemble(config: tooLong, observationSize: 3,
                                         actionSpace: .box(Box(lowerBound: -2, upperBound: 2, size: 1)), generator: &generator)
        #expect {
            try other.train(on: buffer, generator: &generator)
        } throws: { error in
            "\(error)".contains("multiStepLength")
        }
    }

    @Test func emptyDataIsAnError() throws {
        var model = try Self.model(DynamicsModelConfig(ensembleSize: 1, eliteCount: 1, hiddenSizes: [4]))
        var generator = RandomGenerator(seed: 0)
        #expect(throws: MBRLError.self) {
            try model.train(on: ReplayBuffer(capacity: 4, observationSize: 2, actionSize: 1), generator: &generator)
        }
    }
}
