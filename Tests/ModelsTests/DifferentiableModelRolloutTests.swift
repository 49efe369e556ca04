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

    @Test(arguments: [UInt64(10), 11]) func terminalValueAndGivenMembers(seed: UInt64) throws {
        var generator = RandomGenerator(seed: seed)
        let config = DynamicsModelConfig(kind: .deterministic, ensembleSize: 3, eliteCount: 3, hiddenSizes: [12, 12], activation: .silu)
        let model = try DynamicsEnsemble(config: config, observationSize: 3,
                                         actionSpace: .box(Box(lowerBound: -2, upperBound: 2, size: 1)), generator: &generator)
        let policy = TanhLinearPolicy(observationSize: 3, actionSize: 1, scale: 2, generator: &generator)
        let starts = TestData.uniform(4, 3, generator: &generator)
        let tiled = Matrix(rows: 12, columns: 3, values: starts.values + starts.values + starts.values)
        let members = [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2]
        // V(s) = -|s|^2 / 2 + s_0, dV/ds = -s + e_0.
        let value: DifferentiableModelRollout.TerminalValue = { states in
            let values = (0..<states.rows).map { row in -0.5 * states.row(row).reduce(0) { $0 + $1 * $1 } + states[row, 0] }
            var gradients = states.map { -$0 }
            for row in 0..<states.rows { gradients[row, 0] += 1 }
            return (values, gradients)
        }
        let rollout = try DifferentiableModelRollout(config: .init(horizon: 3, actionMode: .evaluation, discount: 0.9),
                                                     rewardFunction: PendulumRewardFunction())
        func meanReturn(_ parameters: [Matrix]) throws -> Double {
            var copy = policy
            try copy.setParameters(parameters)
            var scratch = RandomGenerator(seed: 0)
            return Double(try rollout.returnAndGradient(policy: copy, model: model, startObservations: tiled, members: members,
                                                        terminalValue: value, generator: &scratch).meanReturn)
        }
        var scratch = RandomGenerator(seed: 0)
        let result = try rollout.returnAndGradient(policy: policy, model: model, startObservations: tiled, members: members,
                                                   terminalValue: value, generator: &scratch)
        var sampler = RandomGenerator(seed: seed)
        let comparison = try SampledGradientComparison.compare(
            analytic: result.parameterGradients, at: policy.parameters, entriesPerMatrix: 6, step: 1e-2,
            generator: &sampler, measuredStep: true, scaleFloor: 1e-4, function: meanReturn)
        #expect(comparison.cosine > 0.999 && comparison.worst < 0.03, "cosine \(comparison.cosine), worst \(comparison.worst)")
        // Each block of rows went through its own member: the return of block m is the return of
        // the same starts with every row given member m, and the terminal value is in it.
        let trajectory = try #require(result.trajectory)
        #expect(trajectory.observations.count == 4 && trajectory.rewards.count == 3 && trajectory.terminalValues?.count == 12)
        for member in 0..<3 {
            var single = RandomGenerator(seed: 0)
            let alone = try rollout.returnAndGradient(policy: policy, model: model, startObservations: starts,
                                                      members: Array(repeating: member, count: 4), terminalValue: value, generator: &single)
            for row in 0..<4 { #expect(abs(alone.returns[row] - result.returns[4 * member + row]) < 1e-4) }
        }
        let withoutValue = try rollout.returnAndGradient(policy: policy, model: model, startObservations: tiled, members: members,
                                                         generator: &scratch)
        let values = try value(trajectory.observations[3]).values
        for row in 0..<12 { #expect(abs(result.returns[row] - withoutValue.returns[row] - 0.729 * values[row]) < 1e-4) }
        // Members out of range, or for a model without members, are refused.
        #expect(throws: MBRLError.self) {
            _ = try rollout.returnAndGradient(policy: policy, model: model, startObservations: starts, members: [0, 1, 2, 3],
                                              generator: &scratch)
        }
        #expect(throws: MBRLError.self) {
            _ = try rollout.returnAndGradient(policy: policy, model: LinearToyModel(stateMatrix: Matrix.identity(3),
                                                                                    actionMatrix: Matrix(rows: 3, columns: 1)),
                                              startObservations: starts, members: [0, 0, 0, 0], generator: &scratch)
        }
    }

    @Test func rewardsToGoStopAtTerminationsAndBootstrap() {
        let trajectory = DifferentiableRolloutTrajectory(
            observations: [], rewards: [[1, 1], [2, 2], [4, 4]], alive: [[1, 1], [1, 1], [1, 0], [1, 0]])
        // Row 0 alive throughout: G_2 = 4 + 0.5 * 10, G_1 = 2 + 0.5 * G_2, G_0 = 1 + 0.5 * G_1.
        // Row 1 terminated at step 1 (its reward counts, later ones do not, nor the bootstrap).
        let targets = trajectory.rewardsToGo(discount: 0.5, bootstrap: [10, 10])
        let expected: [[Float]] = [[4.25, 2], [6.5, 2], [9, 0]]
        #expect(targets == expected)
        let unbootstrapped: [[Float]] = [[3, 2], [4, 2], [4, 0]]
        #expect(trajectory.rewardsToGo(discount: 0.5) == unbootstrapped)
    }
}
