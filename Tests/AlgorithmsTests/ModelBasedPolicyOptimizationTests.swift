import Algorithms
import Envs
import Foundation
import MBRLCore
import Models
import Testing

/// MBPO: the rollout-length schedule, the model-data pool (sized by the schedule, kept across
/// refits, grown without losing rows), SAC updates on mixed batches only once the pool is
/// filled, strict config keys, build-time refusals, and an exact checkpoint round trip.
@Suite struct ModelBasedPolicyOptimizationTests {
    typealias MBPO = ModelBasedPolicyOptimization

    static func pendulumData(episodes: Int = 2, seed: UInt64 = 1) throws -> ReplayBuffer {
        var environment = TimeLimit(Pendulum(), maxEpisodeSteps: 50)
        var buffer = ReplayBuffer(capacity: 10_000, observationSize: 3, actionSize: 1)
        var generator = RandomGenerator(seed: seed)
        for episode in 0..<episodes {
            try buffer.appendRandomEpisode(from: &environment, resetSeed: UInt64(episode), generator: &generator)
        }
        return buffer
    }

    static func optimizer(_ json: String = "{}", seed: UInt64 = 3) throws -> MBPO {
        let config = try JSONDecoder().decode(MBPO.Config.self, from: Data(json.utf8))
        var generator = RandomGenerator(seed: seed)
        let pendulum = Pendulum()
        return try MBPO(config: config, observationSpace: pendulum.observationSpace, actionSpace: pendulum.actionSpace,
                        generator: &generator)
    }

    static func context(_ buffer: ReplayBuffer, fits: Int = 1, every: Int = 10, exploration: Bool = false) -> PolicyOptimizerContext {
        let pendulum = Pendulum()
        return PolicyOptimizerContext(buffer: buffer, model: PendulumDynamicsModel(), rewardFunction: pendulum.rewardFunction,
                                      terminationFunction: pendulum.terminationFunction,
                                      observationSpace: pendulum.observationSpace, actionSpace: pendulum.actionSpace,
                                      totalSteps: buffer.count, modelFits: fits, isExploration: exploration,
                                      stepsBetweenModelFits: every)
    }

    @Test func scheduleRisesLinearlyBetweenItsEpochsAndDecodesFromFourNumbers() throws {
        let schedule = try JSONDecoder().decode(RolloutLengthSchedule.self, from: Data("[20, 100, 1, 15]".utf8))
        #expect([1, 20, 21, 60, 100, 500].map(schedule.length(atEpoch:)) == [1, 1, 1, 8, 15, 15])
        #expect(RolloutLengthSchedule.oneStep.length(atEpoch: 40) == 1)
        #expect { try JSONDecoder().decode(RolloutLengthSchedule.self, from: Data("[1, 15, 1]".utf8)) }
            throws: { "\($0)".contains("[startEpoch, endEpoch, minimumLength, maximumLength]") }
        #expect { try JSONDecoder().decode(RolloutLengthSchedule.self, from: Data("[1, 15, 0, 1]".utf8)) }
            throws: { "\($0)".contains("at least 1") }
        let encoded = try JSONEncoder().encode(schedule)
        #expect(try JSONDecoder().decode(RolloutLengthSchedule.self, from: encoded) == schedule)
    }

    @Test func resizedBufferKeepsTheNewestRowsInOrder() throws {
        let buffer = try Self.pendulumData()
        let grown = try buffer.resized(toCapacity: 500)
        #expect(grown.count == 100 && grown.capacity == 500 && grown.all() == buffer.all())
        let shrunk = try buffer.resized(toCapacity: 30)
        #expect(shrunk.count == 30 && shrunk.all() == buffer.batch(Array(70..<100)))
        #expect(throws: MBRLError.self) { try buffer.resized(toCapacity: 0) }
    }

    @Test func poolIsFilledAfterEachFitAndKeptAcrossRefits() throws {
        let buffer = try Self.pendulumData()
        // 5 rollouts per step x 10 steps between fits = 50 starts; epochs of 20 steps hold two fits.
        var mbpo = try Self.optimizer(#"{"rolloutsPerStep": 5, "epochLength": 20, "rolloutSchedule": [1, 2, 1, 3], "sacUpdatesPerStep": 2, "batchSize": 16, "actor": {"hiddenSizes": [8]}, "critics": {"hiddenSizes": [8]}}"#)
        var generator = RandomGenerator(seed: 4)
        // Before any rollout no SAC update is made, and exploration steps never update.
        let transition = buffer[0]
        #expect(try mbpo.improve(after: transition, context: Self.context(buffer, exploration: true), generator: &generator).isEmpty)
        #expect(mbpo.trainingStepsSeen == 0)
        #expect(try mbpo.improve(after: transition, context: Self.context(buffer), generator: &generator).isEmpty)
        #expect(mbpo.epoch == 1)

        let first = try mbpo.modelDidFit(context: Self.context(buffer), generator: &generator)
        #expect(first["rolloutLength"] == 1 && first["rolloutStarts"] == 50 && first["modelPoolSize"] == 50)
        #expect(mbpo.modelPool.capacity == 1 * 50 * 2 * 1)
        let afterFirst = mbpo.modelPool.all()

        // SAC updates start: two per training step.
        let metrics = try mbpo.improve(after: transition, context: Self.context(buffer), generator: &generator)
        #expect(metrics["sacUpdates"] == 2 && metrics["criticLoss"]?.isFinite == true)

        // A refit adds rows; the first rollout's rows stay (the pool is not refreshed).
        _ = try mbpo.modelDidFit(context: Self.context(buffer, fits: 2), generator: &generator)
        #expect(mbpo.modelPool.count == 100)
        #expect(mbpo.modelPool.batch(Array(0..<50)) == afterFirst)

        // Epoch 3 (40 training steps): length 3, the pool grows to 3 x 50 x 2 and keeps its rows.
        for _ in 0..<38 { _ = try mbpo.improve(after: transition, context: Self.context(buffer), generator: &generator) }
        #expect(mbpo.epoch == 3)
        let third = try mbpo.modelDidFit(context: Self.context(buffer, fits: 3), generator: &generator)
        #expect(third["rolloutLength"] == 3 && mbpo.modelPool.capacity == 300)
        #expect(mbpo.modelPool.count == 250 && mbpo.modelPool.batch(Array(0..<50)) == afterFirst)
        // Pendulum never terminates: every start runs 3 steps.
        #expect(third["imaginedTerminationRate"] == 0)
    }

    @Test func imaginedRowsFollowTheTrueDynamicsModelAndTheKnownReward() throws {
        let buffer = try Self.pendulumData()
        var mbpo = try Self.optimizer(#"{"rolloutsPerStep": 3, "actor": {"hiddenSizes": [8]}, "critics": {"hiddenSizes": [8]}}"#)
        var generator = RandomGenerator(seed: 5)
        _ = try mbpo.modelDidFit(context: Self.context(buffer), generator: &generator)
        let rows = mbpo.modelPool.all()
        var modelGenerator = RandomGenerator(seed: 0)
        let truth = try PendulumDynamicsModel().predict(observations: rows.observations, actions: rows.actions, generator: &modelGenerator)
        #expect(truth.nextObservations == rows.nextObservations)
        let rewards = try PendulumRewardFunction().rewards(observations: rows.observations, actions: rows.actions,
                                                           nextObservations: rows.nextObservations)
        #expect(rewards == rows.rewards)
        // Start states are real observations.
        let real = Set((0..<buffer.count).map { buffer[$0].observation })
        #expect((0..<rows.count).allSatisfy { real.contains(Array(rows.observations.row($0))) })
    }

    @Test func checkpointRoundTripContinuesExactly() throws {
        let buffer = try Self.pendulumData()
        let json = #"{"rolloutsPerStep": 4, "sacUpdatesPerStep": 3, "batchSize": 8, "actor": {"hiddenSizes": [8]}, "critics": {"hiddenSizes": [8]}}"#
        var mbpo = try Self.optimizer(json)
        var generator = RandomGenerator(seed: 6)
        _ = try mbpo.modelDidFit(context: Self.context(buffer), generator: &generator)
        _ = try mbpo.improve(after: buffer[1], context: Self.context(buffer), generator: &generator)
        var writer = CheckpointWriter()
        try mbpo.write(to: &writer, prefix: "policyOptimizer")
        let checkpoint = try Checkpoint(data: writer.encodedData())
        var resumed = try Self.optimizer(json, seed: 99)
        try resumed.read(from: checkpoint, prefix: "policyOptimizer")
        #expect(resumed.modelPool == mbpo.modelPool && resumed.trainingStepsSeen == 1 && resumed.updatesMade == 3)
        var resumedGenerator = generator
        let continued = try mbpo.improve(after: buffer[2], context: Self.context(buffer), generator: &generator)
        let afterResume = try resumed.improve(after: buffer[2], context: Self.context(buffer), generator: &resumedGenerator)
        #expect(continued == afterResume && mbpo.learner.actor == resumed.learner.actor)
    }

    @Test func configIsStrictAndSharesSACKeys() throws {
        let decoded = try JSONDecoder().decode(MBPO.Config.self, from: Data("{}".utf8))
        #expect(decoded == MBPO.Config())
        #expect(decoded.rolloutsPerStep == 400 && decoded.sacUpdatesPerStep == 20 && decoded.realRatio == 0.05
                && decoded.rolloutSchedule == .oneStep && decoded.rolloutBatchSize == nil)
        let tuned = try JSONDecoder().decode(MBPO.Config.self, from: Data(#"{"learningRate": 0.001, "rolloutBatchSize": 1000, "tau": 0.01}"#.utf8))
        #expect(tuned.learner.learningRate == 0.001 && tuned.learner.tau == 0.01 && tuned.rolloutBatchSize == 1000)
        #expect { try JSONDecoder().decode(MBPO.Config.self, from: Data(#"{"rolloutsPerStpe": 3}"#.utf8)) }
            throws: { "\($0)".contains("rolloutsPerStep") }
        #expect { try JSONDecoder().decode(MBPO.Config.self, from: Data(#"{"realRatio": 2}"#.utf8)) } throws: { _ in true }
    }

    func refusal(_ recipe: String) -> String? { buildRefusal(recipe) }

    @Test func recipesThatCannotWorkAreRefusedAtBuildTime() throws {
        let noModel = refusal(#"{"name": "m", "environment": "Pendulum-v1", "model": null, "policyOptimizer": "mbpo"}"#)
        #expect(noModel?.contains("needs a model") == true, "\(noModel ?? "accepted")")
        let discrete = refusal(#"{"name": "m", "environment": "CartPole-v1", "model": "deterministic-mlp", "policyOptimizer": "mbpo"}"#)
        #expect(discrete?.contains("continuous") == true, "\(discrete ?? "accepted")")
        let noRewardHead = refusal(#"{"name": "m", "environment": "Pendulum-v1", "model": "deterministic-mlp", "policyOptimizer": "mbpo", "planning": {"reward": "learned"}}"#)
        #expect(noRewardHead?.contains("reward head") == true, "\(noRewardHead ?? "accepted")")
        #expect(refusal(#"{"name": "m", "environment": "Pendulum-v1", "model": "deterministic-mlp", "policyOptimizer": "mbpo"}"#) == nil)
    }
}
