import Algorithms
import Envs
import Foundation
import MBRLCore
import MBRLTesting
import Models
import Testing

/// DQN and general Dyna: the TD loss's gradients against finite differences, double-DQN targets
/// by hand, the epsilon schedule, the target network's cadence, strict config keys, the
/// refusal of `Box` actions at build time, exact checkpoint round trips, and learning through
/// the loop.
@Suite struct DeepQNetworkTests {
    static func cartPoleData(steps: Int = 300, seed: UInt64 = 1) throws -> ReplayBuffer {
        var environment = CartPole()
        var buffer = ReplayBuffer(capacity: 10_000, observationSize: 4, actionSize: 1)
        var generator = RandomGenerator(seed: seed)
        var episode: UInt64 = 0
        while buffer.count < steps {
            _ = try buffer.appendRandomEpisode(from: &environment, resetSeed: episode, generator: &generator)
            episode += 1
        }
        return buffer
    }

    static func dqn(_ json: String, seed: UInt64 = 3) throws -> DeepQNetwork {
        let config = try JSONDecoder().decode(DeepQNetwork.Config.self, from: Data(json.utf8))
        var generator = RandomGenerator(seed: seed)
        let cartPole = CartPole()
        return try DeepQNetwork(config: config, observationSpace: cartPole.observationSpace, actionSpace: cartPole.actionSpace,
                                generator: &generator)
    }

    static func dyna(_ json: String, seed: UInt64 = 3) throws -> GeneralDyna {
        let config = try JSONDecoder().decode(GeneralDyna.Config.self, from: Data(json.utf8))
        var generator = RandomGenerator(seed: seed)
        let cartPole = CartPole()
        return try GeneralDyna(config: config, observationSpace: cartPole.observationSpace, actionSpace: cartPole.actionSpace,
                               generator: &generator)
    }

    static func context(_ buffer: ReplayBuffer, fits: Int = 1) -> PolicyOptimizerContext {
        let cartPole = CartPole()
        return PolicyOptimizerContext(buffer: buffer, model: LeastSquaresModel(observationSize: 4, actionSize: 1),
                                      rewardFunction: cartPole.rewardFunction, terminationFunction: cartPole.terminationFunction,
                                      observationSpace: cartPole.observationSpace, actionSpace: cartPole.actionSpace,
                                      totalSteps: buffer.count, modelFits: fits)
    }

    // MARK: - The update

    @Test func temporalDifferenceLossGradientsMatchFiniteDifferences() throws {
        var generator = RandomGenerator(seed: 11)
        let network = try MLP(inputSize: 3, hiddenSizes: [6], outputSize: 3, activation: .tanh, generator: &generator)
        let observations = Matrix(rows: 5, columns: 3, values: (0..<15).map { _ in Float(generator.nextUniformDouble() * 2 - 1) })
        let actions = [0, 2, 1, 2, 0]
        // Targets far from some values and near others, so both sides of the Huber kink are used.
        let targets: [Float] = [3, -0.2, 0.1, -2.5, 0.3]
        let step = try DeepQNetworkUpdate.lossAndGradients(network: network, observations: observations, actions: actions, targets: targets)
        for (index, parameter) in network.parameters.enumerated() {
            let report = try GradientCheck(step: 1e-3).check("parameter \(index)", at: parameter, analytic: step.gradients[index]) { value in
                var perturbed = network
                var parameters = perturbed.parameters
                parameters[index] = value
                try perturbed.setParameters(parameters)
                return Double(try DeepQNetworkUpdate.lossAndGradients(network: perturbed, observations: observations,
                                                                       actions: actions, targets: targets).loss)
            }
            #expect(report.passed, "\(report)")
        }
    }

    @Test func doubleQTargetsAreComputedByHand() throws {
        var generator = RandomGenerator(seed: 1)
        // Linear networks without hidden layers: online Q(s') = s', target Q'(s') = (s'_1, s'_0) + 1.
        var online = try MLP(inputSize: 2, hiddenSizes: [], outputSize: 2, generator: &generator)
        try online.setParameters([Matrix(rowArrays: [[1, 0], [0, 1]]), Matrix(rows: 1, columns: 2)])
        var target = online
        try target.setParameters([Matrix(rowArrays: [[0, 1], [1, 0]]), Matrix(rowArrays: [[1, 1]])])
        var batch = TransitionBatch(count: 2, observationSize: 2, actionSize: 1)
        batch.nextObservations = Matrix(rowArrays: [[1, 3], [5, 2]])
        batch.rewards = [0.5, 1]
        batch.terminated = [false, true]
        // Row 0: the online network picks action 1 (3 > 1); the target values it at 1 + 1 = 2.
        let double = try DeepQNetworkUpdate.targets(batch: batch, online: online, target: target, discount: 0.9, doubleQ: true)
        #expect(abs(double[0] - (0.5 + 0.9 * 2)) < 1e-6)
        // Plain DQN takes the target network's maximum, 3 + 1 = 4.
        let plain = try DeepQNetworkUpdate.targets(batch: batch, online: online, target: target, discount: 0.9, doubleQ: false)
        #expect(abs(plain[0] - (0.5 + 0.9 * 4)) < 1e-6)
        // A terminated row does not bootstrap.
        #expect(double[1] == 1 && plain[1] == 1)
    }

    @Test func epsilonFallsLinearlyAndTheTargetNetworkMovesOnItsCadence() throws {
        let schedule = try LinearEpsilonSchedule(initial: 1, final: 0.04, decaySteps: 8_000)
        #expect(schedule.epsilon(atStep: 0) == 1)
        #expect(abs(schedule.epsilon(atStep: 4_000) - 0.52) < 1e-6)
        #expect(schedule.epsilon(atStep: 8_000) == 0.04 && schedule.epsilon(atStep: 50_000) == 0.04)
        #expect(throws: MBRLError.self) { try LinearEpsilonSchedule(initial: 1.5, final: 0, decaySteps: 1) }

        let buffer = try Self.cartPoleData()
        var dqn = try Self.dqn(#"{"learningStarts": 2, "trainFrequency": 1, "gradientSteps": 1, "targetUpdateInterval": 3, "batchSize": 8, "explorationDecaySteps": 10, "explorationFinalEpsilon": 0.1, "learningRate": 0.01, "qNetwork": {"hiddenSizes": [8]}}"#)
        var generator = RandomGenerator(seed: 2)
        let initial = dqn.learner.targetNetwork
        #expect(dqn.policy.epsilon == 1)
        var updates: [Double?] = []
        for step in 1...7 {
            let onlineBefore = dqn.learner.policy.network, targetBefore = dqn.learner.targetNetwork
            let metrics = try dqn.improve(after: buffer[step], context: Self.context(buffer), generator: &generator)
            updates.append(metrics["dqnUpdates"])
            #expect(abs(dqn.policy.epsilon - (1 - 0.09 * Float(step))) < 1e-6)
            // As SB3's `_on_step`: at steps 3 and 6 the target network becomes a copy of the
            // online network before that step's training round; at other steps it stays.
            if step % 3 == 0 {
                #expect(dqn.learner.targetNetwork == onlineBefore)
                // The first round (step 3) trains after the copy, so only step 6 copies a trained network.
                #expect((dqn.learner.targetNetwork != initial) == (step == 6))
            } else {
                #expect(dqn.learner.targetNetwork == targetBefore)
            }
        }
        // Training starts after more than learningStarts (2) steps.
        #expect(updates == [nil, nil, 1, 2, 3, 4, 5])
        #expect(dqn.learner.targetUpdateCount == 2)
    }

    @Test func epsilonGreedyExploresAndEvaluationIsGreedy() throws {
        var generator = RandomGenerator(seed: 5)
        var network = try MLP(inputSize: 1, hiddenSizes: [], outputSize: 3, generator: &generator)
        try network.setParameters([Matrix(rowArrays: [[0, 0, 0]]), Matrix(rowArrays: [[0, 2, 1]])])
        var policy = try EpsilonGreedyQPolicy(network: network, epsilon: 0.3)
        let observations = Matrix(rows: 4_000, columns: 1)
        #expect(try policy.actions(for: observations, mode: .evaluation, generator: &generator).values.allSatisfy { $0 == 1 })
        let explored = try policy.actions(for: observations, mode: .exploration, generator: &generator).values
        let greedyShare = Double(explored.filter { $0 == 1 }.count) / Double(explored.count)
        // 0.7 + 0.3 / 3 = 0.8 greedy.
        #expect(abs(greedyShare - 0.8) < 0.03, "\(greedyShare)")
        policy.epsilon = 0
        #expect(try policy.actions(for: observations, mode: .exploration, generator: &generator).values.allSatisfy { $0 == 1 })
    }

    // MARK: - Recipes

    @Test func configsAreStrictAndNameTheNearestKey() throws {
        func message<Config: Decodable>(_ type: Config.Type, _ json: String) -> String {
            do {
                _ = try JSONDecoder().decode(type, from: Data(json.utf8))
                return ""
            } catch {
                return "\(error)"
            }
        }
        let defaults = try JSONDecoder().decode(DeepQNetwork.Config.self, from: Data("{}".utf8))
        #expect(defaults.learningStarts == 100 && defaults.batchSize == 32 && defaults.trainFrequency == 4)
        #expect(defaults.targetUpdateInterval == 10_000 && defaults.learner.learningRate == 1e-4 && defaults.learner.doubleQ)
        #expect(message(DeepQNetwork.Config.self, #"{"gradientStep": 2}"#).contains("did you mean gradientSteps"))
        #expect(message(DeepQNetwork.Config.self, #"{"rolloutStarts": 2}"#).contains("rolloutStarts"))
        #expect(message(DeepQNetwork.Config.self, #"{"explorationFinalEpsilon": 1.5}"#).contains("0.0...1.0"))
        #expect(message(DeepQNetwork.Config.self, #"{"qNetwork": {"hiddenSize": [8]}}"#).contains("did you mean hiddenSizes"))
        #expect(message(GeneralDyna.Config.self, #"{"rolloutLenght": 2}"#).contains("did you mean rolloutLength"))
        #expect(message(GeneralDyna.Config.self, #"{"actionSource": "model"}"#).contains(#""buffer", "policy", "uniform""#))
        let dyna = try JSONDecoder().decode(GeneralDyna.Config.self, from: Data(#"{"learningRate": 0.002, "realRatio": 0.25}"#.utf8))
        #expect(dyna.learner.learner.learningRate == 0.002 && dyna.realRatio == 0.25)
        let encoded = try JSONDecoder().decode(GeneralDyna.Config.self, from: try JSONEncoder().encode(dyna))
        #expect(encoded == dyna)
    }

    func registry() -> ComponentRegistry {
        let registry = makeTestRegistry()
        registerModels(in: registry)
        registerPolicyOptimizers(in: registry)
        return registry
    }

    @Test func boxActionsAreRefusedAtBuildTime() throws {
        func refusal(_ json: String) -> String? { buildRefusal(json, registry: registry()) }
        let dqn = refusal(#"{"environment": "Pendulum-v1", "model": null, "policyOptimizer": "dqn", "output": {"progress": "quiet"}}"#)
        #expect(dqn?.contains("policyOptimizer") == true && dqn?.contains("discrete action space") == true, "\(dqn ?? "accepted")")
        let dyna = refusal(#"{"environment": "Pendulum-v1", "model": "deterministic-ensemble", "policyOptimizer": "dyna", "output": {"progress": "quiet"}}"#)
        #expect(dyna?.contains("dyna") == true && dyna?.contains("mbpo") == true, "\(dyna ?? "accepted")")
        // Dyna without a model is refused before any step too.
        let noModel = refusal(#"{"environment": "CartPole-v1", "model": null, "policyOptimizer": "dyna", "output": {"progress": "quiet"}}"#)
        #expect(noModel?.contains("a model") == true, "\(noModel ?? "accepted")")
    }

    // MARK: - Checkpoints

    @Test func checkpointRoundTripContinuesExactly() throws {
        let buffer = try Self.cartPoleData()
        let json = #"{"learningStarts": 1, "trainFrequency": 2, "gradientSteps": 3, "targetUpdateInterval": 2, "batchSize": 8, "rolloutStarts": 16, "rolloutLength": 2, "actionSource": "buffer", "qNetwork": {"hiddenSizes": [8]}}"#
        var dyna = try Self.dyna(json)
        var generator = RandomGenerator(seed: 6)
        for step in 0..<4 { _ = try dyna.improve(after: buffer[step], context: Self.context(buffer), generator: &generator) }
        #expect(dyna.modelPool.count > 0 && dyna.learner.learner.stepCount == 6)
        var writer = CheckpointWriter()
        try dyna.write(to: &writer, prefix: "policyOptimizer")
        let checkpoint = try Checkpoint(data: writer.encodedData())
        var resumed = try Self.dyna(json, seed: 99)
        try resumed.read(from: checkpoint, prefix: "policyOptimizer")
        #expect(resumed.modelPool == dyna.modelPool && resumed.learner.learner.policy == dyna.learner.learner.policy)
        #expect(resumed.learner.learner.targetNetwork == dyna.learner.learner.targetNetwork)
        var resumedGenerator = generator
        for step in 4..<8 {
            let continued = try dyna.improve(after: buffer[step], context: Self.context(buffer), generator: &generator)
            let afterResume = try resumed.improve(after: buffer[step], context: Self.context(buffer), generator: &resumedGenerator)
            #expect(continued == afterResume)
        }
        #expect(dyna.learner.learner.policy == resumed.learner.learner.policy && dyna.modelPool == resumed.modelPool)
    }

    @Test func dynaSimulatesFromRealStatesWithEachActionSource() throws {
        let buffer = try Self.cartPoleData()
        for source in ["buffer", "policy", "uniform"] {
            var dyna = try Self.dyna(#"{"learningStarts": 0, "trainFrequency": 1, "gradientSteps": 1, "batchSize": 8, "rolloutStarts": 32, "rolloutLength": 1, "actionSource": "\#(source)", "qNetwork": {"hiddenSizes": [8]}}"#)
            var generator = RandomGenerator(seed: 8)
            // Without a fitted model a round trains on real rows only.
            let before = try dyna.improve(after: buffer[0], context: Self.context(buffer, fits: 0), generator: &generator)
            #expect(before["dqnUpdates"] == 1 && before["modelPoolSize"] == nil && dyna.modelPool.isEmpty)
            let after = try dyna.improve(after: buffer[1], context: Self.context(buffer, fits: 1), generator: &generator)
            #expect(after["modelPoolSize"] == 32 && after["simulatedTransitions"] == 32)
            let rows = dyna.modelPool.all()
            let real = Set((0..<buffer.count).map { buffer[$0].observation })
            #expect((0..<rows.count).allSatisfy { real.contains(rows.observations.row($0)) })
            #expect(rows.actions.values.allSatisfy { $0 == 0 || $0 == 1 })
        }
    }

    // MARK: - Learning through the loop

    @Test func dqnLearnsCartPoleThroughTheLoop() throws {
        let directory = temporaryDirectory("dqn-cartpole")
        defer { try? FileManager.default.removeItem(at: directory) }
        let recipe = try Recipe(json: try JSONValue(parsing: """
            {"name": "dqn", "seed": 1, "environment": "CartPole-v1", "model": null,
             "policyOptimizer": {"type": "dqn", "learningRate": 0.0023, "batchSize": 64, "learningStarts": 500, "targetUpdateInterval": 10,
                                 "trainFrequency": 64, "gradientSteps": 64, "explorationDecaySteps": 2000, "explorationFinalEpsilon": 0.04,
                                 "qNetwork": {"hiddenSizes": [64, 64]}},
             "loop": {"explorationEpisodes": 0, "explorationSteps": 500, "episodes": 10000, "maxSteps": 6000,
                      "evaluationEpisodes": 3, "evaluateEvery": 5},
             "output": {"directory": "\(directory.path)", "progress": "quiet"}}
            """))
        _ = try MBRLLoop(recipe: recipe, registry: registry()).run()
        let lines = try String(contentsOf: directory.appendingPathComponent("metrics.csv"), encoding: .utf8).split(separator: "\n")
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let rows = lines.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init))) }
        let evaluations = rows.filter { $0["phase"] == "evaluation" }.compactMap { $0["return"].flatMap(Double.init) }
        let exploration = rows.filter { $0["phase"] == "exploration" }.compactMap { $0["return"].flatMap(Double.init) }
        let randomMean = exploration.reduce(0, +) / Double(max(1, exploration.count))
        // Random actions balance the pole for about 22 steps; the greedy Q-network's best
        // evaluation episodes last several times longer within 6,000 steps.
        #expect(randomMean < 40, "\(randomMean)")
        #expect((evaluations.max() ?? 0) >= 150, "evaluations \(evaluations)")
        #expect(header.contains("qLoss") && header.contains("epsilon"))
    }
}
