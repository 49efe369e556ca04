import Envs
import MBRLCore
import MBRLTesting
import Models
import Testing

/// The discounted return's gradient with respect to the policy's parameters, by backpropagation
/// through time, against finite differences.
@Suite struct DifferentiableModelRolloutTests {
    /// The mean return of `policy` with `parameters` swapped in.
    static func meanReturn<Model: DifferentiableDynamicsModel>(
        _ rollout: DifferentiableModelRollout, policy: TanhLinearPolicy, parameters: [Matrix], model: Model, starts: Matrix
    ) throws -> Double {
        var copy = policy
        try copy.setParameters(parameters)
        var generator = RandomGenerator(seed: 0)
        return Double(try rollout.returnAndGradient(policy: copy, model: model, startObservations: starts,
                                                    generator: &generator).meanReturn)
    }

    static func compare<Model: DifferentiableDynamicsModel>(
        _ rollout: DifferentiableModelRollout, policy: TanhLinearPolicy, model: Model, starts: Matrix, seed: UInt64
    ) throws -> (cosine: Double, worst: Double, result: PolicyReturnGradient) {
        var generator = RandomGenerator(seed: 0)
        let result = try rollout.returnAndGradient(policy: policy, model: model, startObservations: starts, generator: &generator)
        var sampler = RandomGenerator(seed: seed)
        let comparison = try SampledGradientComparison.compare(
            analytic: result.parameterGradients, at: policy.parameters, entriesPerMatrix: 6, step: 1e-2,
            generator: &sampler, measuredStep: true, scaleFloor: 1e-4) { parameters in
            try meanReturn(rollout, policy: policy, parameters: parameters, model: model, starts: starts)
        }
        return (comparison.cosine, comparison.worst, result)
    }

    @Test(arguments: [UInt64(1), 2, 3]) func linearModelWithAQuadraticReward(seed: UInt64) throws {
        var generator = RandomGenerator(seed: seed)
        var stateMatrix = Matrix(rows: 3, columns: 3), actionMatrix = Matrix(rows: 3, columns: 1)
        generator.fillUniform(&stateMatrix, lower: -0.6, upper: 0.6)
        generator.fillUniform(&actionMatrix, lower: -1, upper: 1)
        let model = LinearToyModel(stateMatrix: stateMatrix, actionMatrix: actionMatrix)
        let policy = TanhLinearPolicy(observationSize: 3, actionSize: 1, generator: &generator)
        let starts = TestData.uniform(5, 3, generator: &generator)
        let rollout = try DifferentiableModelRollout(config: .init(horizon: 4, actionMode: .evaluation, discount: 0.9),
                                                     rewardFunction: QuadraticReward())
        let (cosine, worst, result) = try Self.compare(rollout, policy: policy, model: model, starts: starts, seed: seed)
        #expect(cosine > 0.9999 && worst < 0.01, "cosine \(cosine), worst \(worst)")
        #expect(result.stepGradientNorms.count == 4 && result.stepGradientNorms.allSatisfy { $0 > 0 })
        #expect(result.returns.count == 5)
        #expect(abs(result.meanReturn - result.returns.reduce(0, +) / 5) < 1e-5)
    }

    @Test(arguments: [UInt64(4), 5]) func neuralEnsembleWithPendulumReward(seed: UInt64) throws {
        var generator = RandomGenerator(seed: seed)
        let config = DynamicsModelConfig(kind: .gaussian, ensembleSize: 3, eliteCount: 3, hiddenSizes: [16, 16], activation: .silu)
        let model = try DynamicsEnsemble(config: config, observationSize: 3,
                                         actionSpace: .box(Box(lowerBound: -2, upperBound: 2, size: 1)), generator: &generator)
        let policy = TanhLinearPolicy(observationSize: 3, actionSize: 1, scale: 2, generator: &generator)
        let starts = TestData.uniform(6, 3, generator: &generator)
        let rollout = try DifferentiableModelRollout(config: .init(horizon: 5, actionMode: .evaluation, discount: 0.95),
                                                     rewardFunction: PendulumRewardFunction())
        let (cosine, worst, _) = try Self.compare(rollout, policy: policy, model: model, starts: starts, seed: seed)
        #expect(cosine > 0.999 && worst < 0.03, "cosine \(cosine), worst \(worst)")
    }

    @Test(arguments: [UInt64(6), 7]) func learnedRewardHead(seed: UInt64) throws {
        var generator = RandomGenerator(seed: seed)
        let config = DynamicsModelConfig(kind: .deterministic, ensembleSize: 2, eliteCount: 2, hiddenSizes: [16, 16],
                                         activation: .tanh, learnedReward: true)
        let model = try DynamicsEnsemble(config: config, observationSize: 3,
                                         actionSpace: .box(Box(lowerBound: -1, upperBound: 1, size: 1)), generator: &generator)
        let policy = TanhLinearPolicy(observationSize: 3, actionSize: 1, generator: &generator)
        let starts = TestData.uniform(6, 3, generator: &generator)
        let rollout = try DifferentiableModelRollout(
            config: .init(horizon: 4, memberSelection: .modelDefault, actionMode: .evaluation, discount: 0.9), rewardFunction: nil)
        let (cosine, worst, result) = try Self.compare(rollout, policy: policy, model: model, starts: starts, seed: seed)
        #expect(cosine > 0.999 && worst < 0.03, "cosine \(cosine), worst \(worst)")
        // The return is the discounted sum of the model's own mean rewards.
        var state = starts, expected = [Float](repeating: 0, count: 6), weight: Float = 1
        var scratch = RandomGenerator(seed: 0)
        for _ in 0..<4 {
            let actions = try policy.actions(for: state, mode: .evaluation, generator: &scratch)
            let (next, rewards, _) = try model.predictWithRewardPullback(observations: state, actions: actions)
            for row in 0..<6 { expected[row] += weight * rewards[row] }
            state = next
            weight *= 0.9
        }
        for (got, want) in zip(result.returns, expected) { #expect(abs(got - want) < 1e-4) }
    }

    @Test(arguments: [RolloutMemberSelection.randomEachStep, .fixedPerTrajectory, .modelDefault])
    func perMemberRoutingWithLearnedAndKnownRewards(selection: RolloutMemberSelection) throws {
        var generator = RandomGenerator(seed: 9)
        var config = DynamicsModelConfig(kind: .gaussian, ensembleSize: 4, eliteCount: 3, hiddenSizes: [12, 12],
                                         activation: .silu, normalizeOutputs: true, learnedReward: true)
        config.noDeltaDimensions = [2]
        var model = try DynamicsEnsemble(config: config, observationSize: 3,
                                         actionSpace: .box(Box(lowerBound: -2, upperBound: 2, size: 1)), generator: &generator)
        try model.setElites([0, 1, 3])
        var data = TransitionBatch(count: 30, observationSize: 3, actionSize: 1)
        generator.fillUniform(&data.observations, lower: -1, upper: 1)
        generator.fillUniform(&data.actions, lower: -2, upper: 2)
        generator.fillUniform(&data.nextObservations, lower: -1, upper: 2)
        generator.fillUniform(&data.rewards, lower: -3, upper: 0)
        try model.fitNormalizers(to: data)
        let policy = TanhLinearPolicy(observationSize: 3, actionSize: 1, scale: 2, generator: &generator)
        let starts = TestData.uniform(7, 3, generator: &generator)
        for reward in [nil, PendulumRewardFunction()] as [(any DifferentiableRewardFunction)?] {
            let rollout = try DifferentiableModelRollout(
                config: .init(horizon: 4, memberSelection: selection, actionMode: .evaluation, discount: 0.9), rewardFunction: reward)
            let (cosine, worst, _) = try Self.compare(rollout, policy: policy, model: model, starts: starts, seed: 9)
            #expect(cosine > 0.999 && worst < 0.03, "\(selection), reward function \(reward != nil): cosine \(cosine), worst \(worst)")
        }
        // One step with one member per row is that member's prediction.
        let members = [2, 0, 1, 1, 0, 2, 2]
        let (next, rewards, _) = try model.predictWithPullback(observations: starts, actions: Matrix(rows: 7, columns: 1), members: members)
        let plain = try model.predict(observations: starts, actions: Matrix(rows: 7, columns: 1), members: members, generator: &generator)
        #expect(next.maxAbsoluteDifference(plain.nextObservations) > 0)   // the plain prediction samples the Gaussian
        let distribution = try model.predictiveDistribution(observations: starts, actions: Matrix(rows: 7, columns: 1))
        #expect(next.maxAbsoluteDifference(distribution.mean) > 1e-4)    // not the ensemble mean
        #expect(rewards?.count == 7)
    }

    @Test func oneStepNormIsTheWholeGradientsNormAndMissingRewardsAreRefused() throws {
        var generator = RandomGenerator(seed: 8)
        let model = LinearToyModel(stateMatrix: Matrix.identity(2), actionMatrix: Matrix(rows: 2, columns: 1, values: [1, 0.5]))
        let policy = TanhLinearPolicy(observationSize: 2, actionSize: 1, generator: &generator)
        let starts = TestData.uniform(3, 2, generator: &generator)
        let rollout = try DifferentiableModelRollout(config: .init(horizon: 1), rewardFunction: QuadraticReward())
        let result = try rollout.returnAndGradient(policy: policy, model: model, startObservations: starts, generator: &generator)
        let norm = result.parameterGradients.reduce(Float(0)) { $0 + $1.values.reduce(0) { $0 + $1 * $1 } }.squareRoot()
        #expect(abs(result.stepGradientNorms[0] - norm) < 1e-5)
        let unrewarded = try DifferentiableModelRollout(config: .init(horizon: 1), rewardFunction: nil)
        #expect(throws: MBRLError.self) {
            _ = try unrewarded.returnAndGradient(policy: policy, model: model, startObservations: starts, generator: &generator)
        }
    }
}
