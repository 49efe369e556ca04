import Foundation
import MBRLCore
import Models
import Testing

/// Batched closed-loop model rollouts: shapes, member choice, dropped rows, determinism.
@Suite struct ModelRolloutTests {
    static func starts(_ values: [Float]) -> Matrix { Matrix(rows: values.count, columns: 1, values: values) }

    @Test func shapesAndRandomMembersEachStep() throws {
        let rollout = try ModelRollout(config: .init(horizon: 3), rewardFunction: FirstCoordinateReward(),
                                       terminationFunction: NoTermination())
        var generator = RandomGenerator(seed: 1)
        let result = try rollout.run(model: OffsetEnsemble(memberCount: 3), policy: ConstantPolicy(action: [1]),
                                     startObservations: Self.starts([0, 10, 20, 30]), generator: &generator)
        #expect(result.count == 12)
        #expect(result.observations.rows == 12 && result.nextObservations.columns == 1 && result.actions.columns == 1)
        #expect(result.steps == [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2])
        #expect(result.startRows == [0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3])
        #expect(result.members.allSatisfy { (0..<3).contains($0) })
        #expect(Set(result.members).count > 1)
        for row in 0..<12 {
            // Member m predicts s' = s + a + m; the reward is s'.
            #expect(result.nextObservations[row, 0] == result.observations[row, 0] + 1 + Float(result.members[row]))
            #expect(result.rewards[row] == result.nextObservations[row, 0])
        }
        // Each later step starts where the same start row's previous step ended.
        for row in 4..<12 { #expect(result.observations[row, 0] == result.nextObservations[row - 4, 0]) }
    }

    @Test func fixedMemberPerTrajectoryAndModelDefault() throws {
        var generator = RandomGenerator(seed: 2)
        let fixed = try ModelRollout(config: .init(horizon: 4, memberSelection: .fixedPerTrajectory),
                                     rewardFunction: FirstCoordinateReward(), terminationFunction: NoTermination())
        let result = try fixed.run(model: OffsetEnsemble(memberCount: 5), policy: ConstantPolicy(action: [0]),
                                   startObservations: Self.starts(Array(repeating: 0, count: 16)), generator: &generator)
        for start in 0..<16 {
            let members = zip(result.startRows, result.members).filter { $0.0 == start }.map(\.1)
            #expect(members.count == 4 && Set(members).count == 1)
        }
        #expect(Set(result.members).count > 1)

        let byDefault = try ModelRollout(config: .init(horizon: 2, memberSelection: .modelDefault),
                                         rewardFunction: FirstCoordinateReward(), terminationFunction: NoTermination())
        let mean = try byDefault.run(model: OffsetEnsemble(memberCount: 3), policy: ConstantPolicy(action: [0]),
                                     startObservations: Self.starts([0, 1]), generator: &generator)
        #expect(mean.members == [-1, -1, -1, -1])
        #expect(mean.nextObservations.values == [1, 2, 2, 3])   // the mean offset of members 0, 1, 2 is 1
    }

    @Test func terminatedRowsAreNotContinued() throws {
        let rollout = try ModelRollout(config: .init(horizon: 3), rewardFunction: FirstCoordinateReward(),
                                       terminationFunction: ThresholdTermination(threshold: 2.5))
        var generator = RandomGenerator(seed: 3)
        let result = try rollout.run(model: OffsetEnsemble(memberCount: 1), policy: ConstantPolicy(action: [1]),
                                     startObservations: Self.starts([0, 1.8, 5]), generator: &generator)
        // Step 0: 1, 2.8 (ends), 6 (ends); step 1: 2; step 2: 3 (ends).
        #expect(result.startRows == [0, 1, 2, 0, 0])
        #expect(result.steps == [0, 0, 0, 1, 2])
        #expect(result.terminated == [false, true, true, false, true])
        #expect(result.nextObservations.values == [1, 2.8, 6, 2, 3])
    }

    @Test func sameSeedSameRolloutAndBufferStartsAppendInOneCall() throws {
        var real = ReplayBuffer(capacity: 50, observationSize: 1, actionSize: 1)
        try real.append(observations: Self.starts((0..<20).map(Float.init)), actions: Matrix(rows: 20, columns: 1),
                        rewards: Array(repeating: 0, count: 20), nextObservations: Matrix(rows: 20, columns: 1),
                        terminated: Array(repeating: false, count: 20))
        let rollout = try ModelRollout(config: .init(horizon: 2), rewardFunction: FirstCoordinateReward(),
                                       terminationFunction: NoTermination())
        let model = OffsetEnsemble(memberCount: 4, noise: 0.3)
        var first = RandomGenerator(seed: 7), second = RandomGenerator(seed: 7), third = RandomGenerator(seed: 8)
        let a = try rollout.run(model: model, policy: ConstantPolicy(action: [0.5]), startingFrom: real, startCount: 30, generator: &first)
        let b = try rollout.run(model: model, policy: ConstantPolicy(action: [0.5]), startingFrom: real, startCount: 30, generator: &second)
        let c = try rollout.run(model: model, policy: ConstantPolicy(action: [0.5]), startingFrom: real, startCount: 30, generator: &third)
        #expect(a == b)
        #expect(a != c)
        var imagined = ReplayBuffer(capacity: 100, observationSize: 1, actionSize: 1)
        try imagined.append(a)
        #expect(imagined.count == 60)
        #expect(imagined[59].nextObservation == a.nextObservations.row(59))
    }

    @Test func learnedHeadsScoreWhenNoFunctionIsGivenAndNeitherIsAnError() throws {
        var generator = RandomGenerator(seed: 4)
        let config = DynamicsModelConfig(kind: .deterministic, ensembleSize: 3, eliteCount: 2, hiddenSizes: [8],
                                         learnedReward: true, learnedTermination: true)
        var model = try DynamicsEnsemble(config: config, observationSize: 2,
                                         actionSpace: .box(Box(lowerBound: -1, upperBound: 1, size: 1)), generator: &generator)
        try model.setElites([0, 2])
        let rollout = try ModelRollout(config: .init(horizon: 2), rewardFunction: nil, terminationFunction: nil)
        let starts = Matrix(rows: 6, columns: 2, values: (0..<12).map { Float($0) * 0.1 })
        let result = try rollout.run(model: model, policy: ConstantPolicy(action: [0.2]), startObservations: starts,
                                     generator: &generator)
        #expect(result.count >= 6)
        #expect(result.members.allSatisfy { (0..<2).contains($0) })   // the two elites
        // Row 0's reward is what its member predicts.
        let check = try model.predict(observations: starts.rows(0..<1), actions: Matrix(row: [0.2]),
                                      members: [result.members[0]], generator: &generator)
        #expect(check.rewards?[0] == result.rewards[0])

        let unscored = try ModelRollout(config: .init(horizon: 1), rewardFunction: nil, terminationFunction: NoTermination())
        #expect(throws: MBRLError.self) {
            _ = try unscored.run(model: OffsetEnsemble(memberCount: 2), policy: ConstantPolicy(action: [0]),
                                 startObservations: Self.starts([0]), generator: &generator)
        }
    }

    @Test func configDecodingIsStrict() throws {
        let decoded = try JSONDecoder().decode(ModelRolloutConfig.self,
                                               from: Data(#"{"horizon": 5, "memberSelection": "fixedPerTrajectory"}"#.utf8))
        #expect(decoded.horizon == 5 && decoded.memberSelection == .fixedPerTrajectory && decoded.discount == 0.99)
        #expect(throws: (any Error).self) {
            _ = try JSONDecoder().decode(ModelRolloutConfig.self, from: Data(#"{"horizn": 5}"#.utf8))
        }
        #expect(throws: (any Error).self) {
            _ = try JSONDecoder().decode(ModelRolloutConfig.self, from: Data(#"{"horizon": 0}"#.utf8))
        }
    }
}
