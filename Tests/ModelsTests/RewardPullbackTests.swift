import MBRLCore
import MBRLTesting
import Models
import Testing

/// The joint pullback of the next observation and the learned reward, against finite differences.
@Suite struct RewardPullbackTests {
    static func model(kind: DynamicsModelKind, members: Int, seed: UInt64) throws -> DynamicsEnsemble {
        var generator = RandomGenerator(seed: seed)
        var config = DynamicsModelConfig(kind: kind, ensembleSize: members, eliteCount: members, hiddenSizes: [8, 8],
                                         activation: .tanh, normalizeOutputs: true, learnedReward: true)
        config.noDeltaDimensions = [1]
        var model = try DynamicsEnsemble(config: config, observationSize: 3,
                                         actionSpace: .box(Box(lowerBound: -1, upperBound: 1, size: 2)), generator: &generator)
        var data = TransitionBatch(count: 40, observationSize: 3, actionSize: 2)
        generator.fillUniform(&data.observations, lower: -2, upper: 2)
        generator.fillUniform(&data.actions, lower: -1, upper: 1)
        generator.fillUniform(&data.nextObservations, lower: -1, upper: 3)
        generator.fillUniform(&data.rewards, lower: -5, upper: 1)
        try model.fitNormalizers(to: data)
        return model
    }

    @Test(arguments: [(DynamicsModelKind.deterministic, 3, UInt64(1)), (.gaussian, 2, 2), (.gaussian, 1, 3)])
    func inputGradientsMatchFiniteDifferences(kind: DynamicsModelKind, members: Int, seed: UInt64) throws {
        let model = try Self.model(kind: kind, members: members, seed: seed)
        var generator = RandomGenerator(seed: seed + 10)
        let observations = TestData.uniform(4, 3, scale: 1.5, generator: &generator)
        let actions = TestData.uniform(4, 2, generator: &generator)
        let nextWeights = TestData.uniform(4, 3, generator: &generator)
        let rewardWeights = (0..<4).map { _ in generator.nextUniformFloat(in: -1, 1) }
        let (next, rewards, pullback) = try model.predictWithRewardPullback(observations: observations, actions: actions)
        // The forward values are the mean prediction and the expected reward.
        let distribution = try model.predictiveDistribution(observations: observations, actions: actions)
        #expect(next.maxAbsoluteDifference(distribution.mean) < 1e-4)
        let gradients = try pullback(nextWeights, rewardWeights)
        func loss(_ states: Matrix, _ moves: Matrix) throws -> Double {
            let (n, r, _) = try model.predictWithRewardPullback(observations: states, actions: moves)
            return TestData.projected(n, nextWeights) + zip(r, rewardWeights).reduce(0) { $0 + Double($1.0) * Double($1.1) }
        }
        let check = GradientCheck(step: 1e-2, relativeTolerance: 2e-2, absoluteTolerance: 2e-3)
        let observationReport = try check.check("observations", at: observations, analytic: gradients.observations) {
            try loss($0, actions)
        }
        let actionReport = try check.check("actions", at: actions, analytic: gradients.actions) { try loss(observations, $0) }
        #expect(observationReport.passed, "\(observationReport)")
        #expect(actionReport.passed, "\(actionReport)")
        // With a zero reward gradient the pullback is the plain next-observation pullback.
        let (_, plain) = try model.predictWithPullback(observations: observations, actions: actions)
        let withoutReward = try pullback(nextWeights, [Float](repeating: 0, count: 4))
        #expect(try plain(nextWeights) == withoutReward)
        #expect(rewards.count == 4)
    }

    @Test func aModelWithoutARewardHeadRefuses() throws {
        var generator = RandomGenerator(seed: 1)
        let model = try DeterministicMLP(config: DynamicsModelConfig(hiddenSizes: [4]), observationSize: 2,
                                         actionSpace: .box(Box(lowerBound: -1, upperBound: 1, size: 1)), generator: &generator)
        #expect(throws: MBRLError.self) {
            _ = try model.predictWithRewardPullback(observations: Matrix(rows: 1, columns: 2), actions: Matrix(rows: 1, columns: 1))
        }
    }
}
