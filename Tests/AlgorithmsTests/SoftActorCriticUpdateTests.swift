import Foundation
import Testing
import MBRLCore
import MBRLTesting
import Algorithms

@Suite struct SoftActorCriticUpdateTests {
    typealias Learner = SoftActorCriticUpdate<SoftActorCriticTestActor>

    static func learner(seed: UInt64, observationSize: Int = 3, actionSize: Int = 2, hidden: [Int] = [5, 4],
                        config: Learner.Config = .init()) throws -> Learner {
        var generator = RandomGenerator(seed: seed)
        let actor = try SoftActorCriticTestActor(observationSize: observationSize, actionSize: actionSize,
                                                 hiddenSizes: hidden, generator: &generator)
        var config = config
        config.critics.hiddenSizes = hidden
        config.critics.activation = .tanh
        return try Learner(actor: actor, config: config, generator: &generator)
    }

    static func batch(rows: Int, observationSize: Int = 3, actionSize: Int = 2, seed: UInt64) -> TransitionBatch {
        var generator = RandomGenerator(seed: seed)
        var batch = TransitionBatch(count: rows, observationSize: observationSize, actionSize: actionSize)
        batch.observations = TestData.uniform(rows, observationSize, generator: &generator)
        batch.nextObservations = TestData.uniform(rows, observationSize, generator: &generator)
        batch.actions = TestData.uniform(rows, actionSize, scale: 0.9, generator: &generator)
        for row in 0..<rows {
            batch.rewards[row] = generator.nextUniformFloat(in: -1, 1)
            batch.terminated[row] = row % 3 == 0
        }
        return batch
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func actorLossGradientMatchesFiniteDifferences(seed: UInt64) throws {
        let learner = try Self.learner(seed: seed)
        let batch = Self.batch(rows: 6, seed: seed + 50)
        let alpha: Float = 0.7
        func loss(_ actor: SoftActorCriticTestActor) throws -> (loss: Float, gradients: [Matrix]) {
            var generator = RandomGenerator(seed: seed + 99)             // the same noise every time
            let sample = try actor.reparameterizedSample(for: batch.observations, generator: &generator)
            return try Learner.actorLossAndGradients(sample: sample, observations: batch.observations,
                                                     critics: learner.critics, alpha: alpha)
        }
        let analytic = try loss(learner.actor)
        let reports = try GradientCheck(step: 2e-3, relativeTolerance: 2e-2, allowsKinks: true)
            .checkParameters(of: learner.actor, analytic: analytic.gradients) { Double(try loss($0).loss) }
        for report in reports { #expect(report.passed, "\(report)") }
    }

    @Test(arguments: [UInt64(4), 5])
    func criticLossGradientOfTheComposedTargetsMatchesFiniteDifferences(seed: UInt64) throws {
        let learner = try Self.learner(seed: seed)
        let batch = Self.batch(rows: 6, seed: seed + 50)
        func loss(_ critics: ActionValueCritics) throws -> ActionValueCritics.Loss {
            var generator = RandomGenerator(seed: seed + 99)
            let targets = try Learner.criticTargets(batch: batch, actor: learner.actor, targetCritics: learner.targetCritics,
                                                    alpha: 0.3, discount: 0.99, generator: &generator)
            return try critics.lossAndGradients(observations: batch.observations, actions: batch.actions, targets: targets)
        }
        let analytic = try loss(learner.critics)
        let reports = try GradientCheck().checkParameters(of: learner.critics, analytic: analytic.gradients) {
            Double(try loss($0).loss)
        }
        for report in reports { #expect(report.passed, "\(report)") }
        // The targets: r + gamma (1 - terminated) (min_k Q'_k(s', a') - alpha log pi(a'|s')).
        var generator = RandomGenerator(seed: seed + 99)
        let next = try learner.actor.sampleWithLogDensities(for: batch.nextObservations, generator: &generator)
        let nextValues = try learner.targetCritics(observations: batch.nextObservations, actions: next.actions).minimum
        generator = RandomGenerator(seed: seed + 99)
        let targets = try Learner.criticTargets(batch: batch, actor: learner.actor, targetCritics: learner.targetCritics,
                                                alpha: 0.3, discount: 0.99, generator: &generator)
        for row in 0..<batch.count {
            let expected = batch.rewards[row] + (batch.terminated[row] ? 0 : 0.99 * (nextValues[row] - 0.3 * next.logDensities[row]))
            #expect(abs(targets[row] - expected) < 1e-5)
        }
    }

    @Test func temperatureStepUsesTheOldAlphaAndMovesTowardTheTargetEntropy() throws {
        var learner = try Self.learner(seed: 6, config: .init(learningRate: 1e-3, initialTemperature: 0.5))
        let batch = Self.batch(rows: 8, seed: 56)
        var generator = RandomGenerator(seed: 7)
        var copy = generator
        let draw = try learner.actor.reparameterizedSample(for: batch.observations, generator: &copy)
        let meanLogDensity = draw.logDensities.reduce(0, +) / Float(batch.count)
        let metrics = try learner.update(on: batch, generator: &generator)
        #expect(abs(metrics.temperature - 0.5) < 1e-6)
        #expect(abs(metrics.entropy + meanLogDensity) < 1e-5)
        // Adam's first step moves by the learning rate against the gradient -(mean log p + H).
        let direction: Float = meanLogDensity + learner.targetEntropy > 0 ? 1 : -1
        #expect(abs(learner.logAlpha - (logf(0.5) + direction * 1e-3)) < 1e-5)
        #expect(learner.targetEntropy == -2)
        var fixed = try Self.learner(seed: 6, config: .init(initialTemperature: 0.5, learnsTemperature: false))
        _ = try fixed.update(on: batch, generator: &generator)
        #expect(fixed.alpha == 0.5)
    }

    @Test func targetCriticsFollowEveryIntervalSteps() throws {
        var learner = try Self.learner(seed: 8, config: .init(tau: 0.5, targetUpdateInterval: 3))
        let batch = Self.batch(rows: 8, seed: 58)
        var generator = RandomGenerator(seed: 9)
        var updatedAt: [Int] = []
        for step in 0..<7 {
            let before = learner.targetCritics
            _ = try learner.update(on: batch, generator: &generator)
            if learner.targetCritics != before { updatedAt.append(step) }
        }
        #expect(updatedAt == [0, 3, 6])
        #expect(learner.stepCount == 7)
        // tau = 1 copies the critics exactly.
        var copying = try Self.learner(seed: 8, config: .init(tau: 1))
        _ = try copying.update(on: batch, generator: &generator)
        #expect(copying.targetCritics == copying.critics)
    }

    @Test func learnsAToyProblem() throws {
        // Reward -(a0 - 0.5 s0)^2 - 0.1 a1^2 + s1, a third of the rows terminal.
        let rows = 128
        var generator = RandomGenerator(seed: 10)
        var batch = TransitionBatch(count: rows, observationSize: 2, actionSize: 2)
        batch.observations = TestData.uniform(rows, 2, generator: &generator)
        batch.nextObservations = TestData.uniform(rows, 2, generator: &generator)
        batch.actions = TestData.uniform(rows, 2, scale: 0.95, generator: &generator)
        for row in 0..<rows {
            let miss = batch.actions[row, 0] - 0.5 * batch.observations[row, 0]
            batch.rewards[row] = -miss * miss - 0.1 * batch.actions[row, 1] * batch.actions[row, 1] + batch.observations[row, 1]
            batch.terminated[row] = row % 3 == 0
        }
        var learner = try Self.learner(seed: 11, observationSize: 2, actionSize: 2, hidden: [32, 32],
                                       config: .init(learningRate: 3e-3, discount: 0.9, tau: 0.05))
        let untrained = learner.critics
        var first: SoftActorCriticMetrics?
        var last: [SoftActorCriticMetrics] = []
        for _ in 0..<300 {
            let metrics = try learner.update(on: batch, generator: &generator)
            if first == nil { first = metrics }
            last.append(metrics)
        }
        last = Array(last.suffix(20))
        for metrics in last { #expect(metrics.criticLoss.isFinite && metrics.actorLoss.isFinite && metrics.temperature > 0) }
        let finalLoss = last.map(\.criticLoss).reduce(0, +) / Float(last.count)
        #expect(finalLoss < 0.4 * (first?.criticLoss ?? 0), "critic loss \(first?.criticLoss ?? .nan) -> \(finalLoss)")
        // Against the same (final) targets the trained critics beat the untrained ones.
        var targetGenerator = RandomGenerator(seed: 12)
        let targets = try Learner.criticTargets(batch: batch, actor: learner.actor, targetCritics: learner.targetCritics,
                                                alpha: learner.alpha, discount: 0.9, generator: &targetGenerator)
        let trainedLoss = try learner.critics.lossAndGradients(observations: batch.observations, actions: batch.actions, targets: targets).loss
        let untrainedLoss = try untrained.lossAndGradients(observations: batch.observations, actions: batch.actions, targets: targets).loss
        #expect(trainedLoss < 0.4 * untrainedLoss, "trained \(trainedLoss), untrained \(untrainedLoss)")
    }

    @Test func checkpointResumesExactly() throws {
        var learner = try Self.learner(seed: 13)
        let batch = Self.batch(rows: 8, seed: 63)
        var generator = RandomGenerator(seed: 14)
        for _ in 0..<3 { _ = try learner.update(on: batch, generator: &generator) }
        var writer = CheckpointWriter()
        try learner.write(to: &writer, prefix: "sac")
        let checkpoint = try Checkpoint(data: writer.encodedData())
        var resumed = try Self.learner(seed: 15)
        try resumed.read(from: checkpoint, prefix: "sac")
        #expect(resumed.stepCount == 3 && resumed.logAlpha == learner.logAlpha)
        var resumedGenerator = generator
        let continued = try learner.update(on: batch, generator: &generator)
        let afterResume = try resumed.update(on: batch, generator: &resumedGenerator)
        #expect(continued == afterResume)
        #expect(learner.actor == resumed.actor && learner.critics == resumed.critics && learner.targetCritics == resumed.targetCritics)
        var wider = try Self.learner(seed: 16, hidden: [6, 4])
        #expect(throws: MBRLError.self) { try wider.read(from: checkpoint, prefix: "sac") }
    }

    @Test func aNonFiniteLossStopsTheUpdateNamingItAndLeavesTheNetworks() throws {
        var learner = try Self.learner(seed: 19)
        var batch = Self.batch(rows: 8, seed: 64)
        batch.rewards[3] = .nan
        let before = learner
        var generator = RandomGenerator(seed: 20)
        #expect { try learner.update(on: batch, generator: &generator) }
            throws: { "\($0)".contains("SAC update 1") && "\($0)".contains("critic loss is nan") }
        #expect(learner.critics == before.critics && learner.actor == before.actor && learner.targetCritics == before.targetCritics)
    }

    @Test func configDecodesStrictlyAndRejectsBadShapes() throws {
        let decoded = try JSONDecoder().decode(Learner.Config.self, from: Data("{}".utf8))
        #expect(decoded == Learner.Config())
        #expect(decoded.learningRate == 3e-4 && decoded.discount == 0.99 && decoded.tau == 0.005 && decoded.critics.criticCount == 2)
        #expect { try JSONDecoder().decode(Learner.Config.self, from: Data(#"{"tua": 0.1}"#.utf8)) } throws: { "\($0)".contains("tau") }
        let nested = try JSONDecoder().decode(Learner.Config.self, from: Data(#"{"critics": {"criticCount": 3}, "targetEntropy": -1}"#.utf8))
        #expect(nested.critics.criticCount == 3 && nested.targetEntropy == -1)
        var learner = try Self.learner(seed: 17)
        var generator = RandomGenerator(seed: 18)
        #expect { try learner.update(on: Self.batch(rows: 4, observationSize: 4, seed: 1), generator: &generator) }
            throws: { "\($0)".contains("[B, 3]") && "\($0)".contains("4 x 4") }
    }
}
