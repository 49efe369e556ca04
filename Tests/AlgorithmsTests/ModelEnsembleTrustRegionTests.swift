import Algorithms
import Envs
import Foundation
import MBRLCore
import Models
import Testing

/// A toy ensemble: member `m` moves a point `x` by `0.2 a + shift * m` (`[B, 1]` observations and
/// actions in [-1, 1]); with `shift` 0 every member is the true dynamics.
struct ShiftedPointEnsemble: EnsembleDynamicsModel, Sendable {
    var memberCount: Int
    var shift: Float
    var observationSize: Int { 1 }
    var actionSize: Int { 1 }

    func predict(observations: Matrix, actions: Matrix, generator: inout RandomGenerator) throws -> ModelPrediction {
        try predict(observations: observations, actions: actions, members: Array(repeating: 0, count: observations.rows),
                    generator: &generator)
    }

    func predict(observations: Matrix, actions: Matrix, members: [Int], generator: inout RandomGenerator) throws -> ModelPrediction {
        let next = (0..<observations.rows).map { observations[$0, 0] + 0.2 * actions[$0, 0] + shift * Float(members[$0]) }
        return ModelPrediction(nextObservations: Matrix(rows: observations.rows, columns: 1, values: next))
    }
}

/// Reward `-x^2` of the point.
struct PointReward: RewardFunction {
    func rewards(observations: Matrix, actions: Matrix, nextObservations: Matrix) -> [Float] {
        (0..<observations.rows).map { -observations[$0, 0] * observations[$0, 0] }
    }
}

/// Every call's rewards are `sign * calls` for every row: validation returns keep rising (sign
/// 1) or falling (sign -1) from check to check.
final class DriftingReward: RewardFunction, @unchecked Sendable {
    let sign: Float
    private let lock = NSLock()
    private var calls: Float = 0
    init(sign: Float) { self.sign = sign }
    func rewards(observations: Matrix, actions: Matrix, nextObservations: Matrix) -> [Float] {
        lock.lock()
        defer { lock.unlock() }
        calls += 1
        return Array(repeating: sign * calls, count: observations.rows)
    }
}

/// ME-TRPO: per-member rollouts, the stopping rule, restoring the best policy, build-time
/// refusals, strict keys, an exact checkpoint round trip and a short learning test.
@Suite struct ModelEnsembleTrustRegionTests {
    typealias METRPO = ModelEnsembleTrustRegion<DiagonalGaussianMLPPolicy>
    static let pointSpace = Space.box(Box(lowerBound: [-5], upperBound: [5]))
    static let actionSpace = Space.box(Box(lowerBound: [-1], upperBound: [1]))

    /// Real data of the point: `episodes` episodes of 2 steps from starts spread over [-2, 2].
    static func pointBuffer(episodes: Int = 8) throws -> ReplayBuffer {
        var buffer = ReplayBuffer(capacity: 1000, observationSize: 1, actionSize: 1)
        for episode in 0..<episodes {
            let start = -2 + 4 * Float(episode) / Float(max(episodes - 1, 1))
            try buffer.append(Transition(observation: [start], action: [0], reward: 0, nextObservation: [start],
                                         terminated: false, truncated: false))
            try buffer.append(Transition(observation: [start], action: [0], reward: 0, nextObservation: [start],
                                         terminated: false, truncated: true))
        }
        return buffer
    }

    static func optimizer(_ json: String, seed: UInt64 = 3) throws -> METRPO {
        let config = try JSONDecoder().decode(METRPO.Config.self, from: Data(json.utf8))
        var generator = RandomGenerator(seed: seed)
        let policy = try DiagonalGaussianMLPPolicy(config: config.policy, observationSpace: pointSpace, actionSpace: actionSpace,
                                                   generator: &generator)
        return try METRPO(config: config, policy: policy, generator: &generator)
    }

    static func context(_ buffer: ReplayBuffer, model: some DynamicsModel, reward: any RewardFunction = PointReward()) -> PolicyOptimizerContext {
        PolicyOptimizerContext(buffer: buffer, model: model, rewardFunction: reward, terminationFunction: NoTermination(),
                               observationSpace: pointSpace, actionSpace: actionSpace, totalSteps: buffer.count, modelFits: 1)
    }

    static let small = #"{"horizon": 10, "imaginedStepsPerUpdate": 200, "validationStarts": 8, "valueEpochs": 2, "valueBatchSize": 50, "policy": {"hiddenSizes": [8]}, "valueFunction": {"hiddenSizes": [8]}}"#

    // MARK: - Per-member rollouts

    @Test func memberRolloutsFollowTheGivenMemberAtEveryStep() throws {
        let ensemble = ShiftedPointEnsemble(memberCount: 3, shift: 0.5)
        let policy = try Self.optimizer(Self.small).learner.policy
        let rollout = try ModelRollout(config: ModelRolloutConfig(horizon: 4, actionMode: .evaluation),
                                       rewardFunction: PointReward(), terminationFunction: NoTermination())
        let starts = Matrix(rows: 4, columns: 1, values: [0.5, -1, 0.5, 2])
        let members = [2, 0, 1, 2]
        var generator = RandomGenerator(seed: 1)
        let imagined = try rollout.run(model: ensemble, policy: policy, startObservations: starts, members: members, generator: &generator)
        #expect(imagined.count == 16)
        #expect((0..<imagined.count).allSatisfy { imagined.members[$0] == members[imagined.startRows[$0]] })
        // Each trajectory matches stepping that member alone.
        for (row, member) in members.enumerated() {
            var state = starts.gatherRows([row])
            for step in 0..<4 {
                let action = try policy.actions(for: state, mode: .evaluation, generator: &generator)
                let next = try ensemble.predict(observations: state, actions: action, members: [member], generator: &generator).nextObservations
                let index = step * 4 + row
                #expect(imagined.steps[index] == step && imagined.startRows[index] == row)
                #expect(imagined.nextObservations[index, 0] == next[0, 0])
                state = next
            }
        }
        #expect(throws: MBRLError.self) {
            try rollout.run(model: ensemble, policy: policy, startObservations: starts, members: [0, 1], generator: &generator)
        }
        #expect(throws: MBRLError.self) {
            try rollout.run(model: ensemble, policy: policy, startObservations: starts, members: [0, 1, 3, 0], generator: &generator)
        }
    }

    @Test func memberReturnsDifferByMemberAndMatchADirectSum() throws {
        let optimizer = try Self.optimizer(Self.small)
        let ensemble = ShiftedPointEnsemble(memberCount: 2, shift: 0.3)
        let starts = Matrix(rows: 2, columns: 1, values: [1, -1])
        var generator = RandomGenerator(seed: 2)
        let returns = try optimizer.memberReturns(model: ensemble, starts: starts, rewardFunction: PointReward(),
                                                  terminationFunction: NoTermination(), generator: &generator)
        var expected = [0.0, 0.0]
        for member in 0..<2 {
            var state = starts
            for _ in 0..<10 {
                let rewards = PointReward().rewards(observations: state, actions: state, nextObservations: state)
                expected[member] += rewards.reduce(0.0) { $0 + Double($1) } / 2
                let action = try optimizer.learner.policy.actions(for: state, mode: .evaluation, generator: &generator)
                state = try ensemble.predict(observations: state, actions: action, members: [member, member], generator: &generator).nextObservations
            }
        }
        #expect(returns.count == 2 && returns[0] != returns[1])
        #expect(zip(returns, expected).allSatisfy { abs($0 - $1) < 1e-4 * max(1, abs($1)) }, "\(returns) vs \(expected)")
    }

    // MARK: - Stopping rule

    @Test func improvementCheckFollowsThanardsRule() throws {
        var check = try EnsembleImprovementCheck(initialReturns: [-10, -10, -10, -10, -10], improvementRatio: 0.7, patience: 2)
        // 4 of 5 improve (ties count): accepted, the references become these returns.
        var verdict = try check.record([-9, -10, -8, -7, -11])
        #expect(verdict.improvingFraction == 0.8 && verdict.accepted == true && verdict.shouldStop == false)
        #expect(check.referenceReturns == [-9, -10, -8, -7, -11])
        // 3 of 5: not enough.
        verdict = try check.record([-8, -9, -9, -6, -12])
        #expect(verdict.improvingFraction == 0.6 && verdict.accepted == false && verdict.shouldStop == false)
        #expect(check.referenceReturns == [-9, -10, -8, -7, -11])
        // Compared with the last accepted check, not the previous one; a second miss stops.
        verdict = try check.record([-20, -20, -20, -20, -20])
        #expect(verdict.improvingFraction == 0 && verdict.accepted == false && verdict.shouldStop == true)
        #expect(check.checks == 3 && check.acceptedChecks == 1 && check.improvingFractions == [0.8, 0.6, 0])
        // 7 of 10 is exactly the ratio: accepted (thanard stops only above 30% worse).
        var ten = try EnsembleImprovementCheck(initialReturns: Array(repeating: 0, count: 10), improvementRatio: 0.7, patience: 1)
        #expect(try ten.record([1, 1, 1, 1, 1, 1, 1, -1, -1, -1]).accepted)
        #expect(try !ten.record([2, 2, 2, 2, 2, 2, -2, -2, -2, -2]).accepted)
        #expect(try !ten.record(Array(repeating: .nan, count: 10)).accepted)
        #expect(throws: MBRLError.self) { try ten.record([1]) }
        #expect(throws: MBRLError.self) { try EnsembleImprovementCheck(initialReturns: [], improvementRatio: 0.7, patience: 1) }
    }

    @Test func withoutImprovementTheInitialPolicyIsRestored() throws {
        var optimizer = try Self.optimizer(#"{"horizon": 10, "imaginedStepsPerUpdate": 200, "validationStarts": 4, "validationEvery": 2, "patience": 2, "maxUpdates": 50, "valueEpochs": 2, "policy": {"hiddenSizes": [8]}, "valueFunction": {"hiddenSizes": [8]}}"#)
        let initial = optimizer.learner
        var generator = RandomGenerator(seed: 4)
        let metrics = try optimizer.modelDidFit(
            context: Self.context(try Self.pointBuffer(), model: ShiftedPointEnsemble(memberCount: 3, shift: 0), reward: DriftingReward(sign: -1)),
            generator: &generator)
        #expect(metrics["trpoUpdates"] == 4 && metrics["validationChecks"] == 2 && metrics["acceptedChecks"] == 0)
        #expect(metrics["restoredUpdate"] == 0 && metrics["improvingMemberFraction"] == 0)
        #expect(optimizer.learner.updateCount == 4)
        #expect(optimizer.learner.policy == initial.policy && optimizer.learner.valueFunction == initial.valueFunction)
    }

    @Test func theLastAcceptedPolicyIsRestored() throws {
        func run(maxUpdates: Int) throws -> (METRPO, [String: Double]) {
            var optimizer = try Self.optimizer(#"{"horizon": 10, "imaginedStepsPerUpdate": 200, "validationStarts": 4, "validationEvery": 3, "maxUpdates": \#(maxUpdates), "valueEpochs": 2, "policy": {"hiddenSizes": [8]}, "valueFunction": {"hiddenSizes": [8]}}"#)
            var generator = RandomGenerator(seed: 5)
            let metrics = try optimizer.modelDidFit(
                context: Self.context(try Self.pointBuffer(), model: ShiftedPointEnsemble(memberCount: 3, shift: 0), reward: DriftingReward(sign: 1)),
                generator: &generator)
            return (optimizer, metrics)
        }
        let (longer, metrics) = try run(maxUpdates: 8)
        let (atCheck, _) = try run(maxUpdates: 6)
        #expect(metrics["trpoUpdates"] == 8 && metrics["validationChecks"] == 2 && metrics["restoredUpdate"] == 6)
        #expect(metrics["improvingMemberFraction"] == 1 && metrics["improvingMemberFractionLast"] == 1)
        #expect(longer.learner.updateCount == 8)
        #expect(longer.learner.policy == atCheck.learner.policy && longer.learner.valueFunction == atCheck.learner.valueFunction)
    }

    // MARK: - Build-time refusals and keys

    func refusal(_ recipe: String) -> String? { buildRefusal(recipe) }

    @Test func recipesWithoutAnEnsembleAreRefusedAtBuildTime() throws {
        let single = refusal(#"{"name": "m", "environment": "Pendulum-v1", "model": "deterministic-mlp", "policyOptimizer": "me-trpo"}"#)
        #expect(single?.contains("ensemble model of at least 2 members") == true, "\(single ?? "accepted")")
        let one = refusal(#"{"name": "m", "environment": "Pendulum-v1", "model": {"type": "deterministic-ensemble", "ensembleSize": 1, "eliteCount": 1}, "policyOptimizer": "me-trpo"}"#)
        #expect(one?.contains("ensemble model of at least 2 members") == true, "\(one ?? "accepted")")
        let none = refusal(#"{"name": "m", "environment": "Pendulum-v1", "model": null, "policyOptimizer": "me-trpo"}"#)
        #expect(none?.contains("needs a model") == true, "\(none ?? "accepted")")
        #expect(refusal(#"{"name": "m", "environment": "Pendulum-v1", "model": {"type": "deterministic-ensemble", "ensembleSize": 2, "eliteCount": 2}, "policyOptimizer": "me-trpo"}"#) == nil)
        #expect(refusal(#"{"name": "m", "environment": "CartPole-v1", "model": {"type": "deterministic-ensemble", "ensembleSize": 2, "eliteCount": 2}, "policyOptimizer": "me-trpo"}"#) == nil)
    }

    @Test func configIsStrictWithThanardsDefaults() throws {
        let decoded = try JSONDecoder().decode(METRPO.Config.self, from: Data("{}".utf8))
        #expect(decoded == METRPO.Config())
        #expect(decoded.horizon == 100 && decoded.imaginedStepsPerUpdate == 50_000 && decoded.validationEvery == 5
                && decoded.patience == 5 && decoded.maxUpdates == 400 && decoded.improvementRatio == 0.7
                && decoded.validationStarts == 500 && decoded.discount == 1 && decoded.actionNoise == 3
                && decoded.policy.hiddenSizes == [32, 32] && decoded.learner.targetKullbackLeibler == 0.01)
        let tuned = try JSONDecoder().decode(METRPO.Config.self, from: Data(#"{"actionNoise": null, "valueEpochs": 3, "startStates": "realStates"}"#.utf8))
        #expect(tuned.actionNoise == nil && tuned.learner.valueEpochs == 3 && tuned.startStates == .realStates)
        let encoded = try JSONDecoder().decode(METRPO.Config.self, from: JSONEncoder().encode(tuned))
        #expect(encoded == tuned)
        #expect { try JSONDecoder().decode(METRPO.Config.self, from: Data(#"{"horizn": 3}"#.utf8)) }
            throws: { "\($0)".contains("horizon") }
        #expect { try JSONDecoder().decode(METRPO.Config.self, from: Data(#"{"improvementRatio": 2}"#.utf8)) } throws: { _ in true }
    }

    @Test func actionNoiseScalesWithTheBoxAndEvaluationUsesTheMean() throws {
        let policy = try Self.optimizer(Self.small).learner.policy
        let states = Matrix(rows: 400, columns: 1, repeating: 0.3)
        var generator = RandomGenerator(seed: 8)
        let mean = try policy.actions(for: states, mode: .evaluation, generator: &generator)
        let noisy = try ActionNoisePolicy(policy: policy, noise: 0.5).actions(for: states, mode: .exploration, generator: &generator)
        let quiet = try ActionNoisePolicy(policy: policy, noise: 0).actions(for: states, mode: .exploration, generator: &generator)
        #expect(quiet == mean)
        let deviations = (0..<400).map { Double(noisy[$0, 0] - mean[$0, 0]) }
        let spread = (deviations.map { $0 * $0 }.reduce(0, +) / 400).squareRoot()
        // std of 0.5 * u * N(0, 1) with u ~ U(0, 1): 0.5 / sqrt(3) = 0.29 (half-range 1).
        #expect(spread > 0.2 && spread < 0.38, "\(spread)")
        #expect(try ActionNoisePolicy(policy: policy, noise: 0.5).actions(for: states, mode: .evaluation, generator: &generator) == mean)
    }

    // MARK: - Checkpoint and learning

    @Test func checkpointRoundTripContinuesExactly() throws {
        let json = #"{"horizon": 10, "imaginedStepsPerUpdate": 100, "validationStarts": 4, "validationEvery": 2, "maxUpdates": 4, "valueEpochs": 2, "policy": {"hiddenSizes": [8]}, "valueFunction": {"hiddenSizes": [8]}}"#
        var optimizer = try Self.optimizer(json)
        let context = Self.context(try Self.pointBuffer(), model: ShiftedPointEnsemble(memberCount: 3, shift: 0.05))
        var generator = RandomGenerator(seed: 6)
        _ = try optimizer.modelDidFit(context: context, generator: &generator)
        _ = try optimizer.improve(after: context.buffer[0], context: context, generator: &generator)
        var writer = CheckpointWriter()
        try optimizer.write(to: &writer, prefix: "policyOptimizer")
        let checkpoint = try Checkpoint(data: writer.encodedData())
        var resumed = try Self.optimizer(json, seed: 99)
        #expect(resumed.learner.policy != optimizer.learner.policy)
        try resumed.read(from: checkpoint, prefix: "policyOptimizer")
        #expect(resumed.stepsSeen == 1 && resumed.fitsSeen == 1 && resumed.totalUpdates == optimizer.totalUpdates
                && resumed.totalChecks == optimizer.totalChecks)
        var resumedGenerator = generator
        let continued = try optimizer.modelDidFit(context: context, generator: &generator)
        let afterResume = try resumed.modelDidFit(context: context, generator: &resumedGenerator)
        #expect(continued == afterResume && optimizer.learner.policy == resumed.learner.policy
                && optimizer.learner.valueOptimizer.state == resumed.learner.valueOptimizer.state)
    }

    /// On the point toy (reward -x^2, members shifted by 0.02 each), a few fits of ME-TRPO drive
    /// the point towards 0: the true-dynamics return from fixed starts beats the untrained policy's.
    @Test func itLearnsToHoldThePointAtZero() throws {
        let json = #"{"horizon": 20, "imaginedStepsPerUpdate": 1000, "validationStarts": 16, "maxUpdates": 15, "valueEpochs": 3, "policy": {"hiddenSizes": [16]}, "valueFunction": {"hiddenSizes": [16]}}"#
        var optimizer = try Self.optimizer(json)
        let untrained = optimizer
        let context = Self.context(try Self.pointBuffer(episodes: 16), model: ShiftedPointEnsemble(memberCount: 3, shift: 0.02))
        var generator = RandomGenerator(seed: 7)
        var updates = 0.0
        for _ in 0..<3 { updates += try optimizer.modelDidFit(context: context, generator: &generator)["trpoUpdates"] ?? 0 }
        let truth = ShiftedPointEnsemble(memberCount: 2, shift: 0)
        let starts = Matrix(rows: 5, columns: 1, values: [-2, -1, 0.5, 1.5, 2])
        func score(_ candidate: METRPO) throws -> Double {
            try candidate.memberReturns(model: truth, starts: starts, rewardFunction: PointReward(),
                                        terminationFunction: NoTermination(), generator: &generator)[0]
        }
        let before = try score(untrained), after = try score(optimizer)
        #expect(updates >= 10)
        #expect(after > before + 5 && after > -12, "return \(before) -> \(after)")
    }
}
