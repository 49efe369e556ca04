import Algorithms
import Envs
import Foundation
import MBRLCore
import MBRLTesting
import Testing

/// The `"trpo"` policy optimizer: strict config, the policy kind follows the action space, its
/// rollouts store the unclipped samples and bootstrap cut episodes, runs resume exactly, and it
/// learns CartPole-v1 in a few thousand steps.
@Suite struct TrustRegionPolicyOptimizationTests {
    typealias GaussianTRPO = TrustRegionPolicyOptimization<DiagonalGaussianMLPPolicy>

    func registry() -> ComponentRegistry {
        let registry = makeTestRegistry()
        registerPolicyOptimizers(in: registry)
        return registry
    }

    func csvRows(_ directory: URL) throws -> [[String: String]] {
        let lines = try String(contentsOf: directory.appendingPathComponent("metrics.csv"), encoding: .utf8).split(separator: "\n")
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        return lines.dropFirst().map { line in
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            return Dictionary(uniqueKeysWithValues: zip(header, fields))
        }
    }

    @Test func configIsStrictAndThePolicyFollowsTheActionSpace() throws {
        let defaults = try JSONValue(parsing: "{}").decode(TrustRegionPolicyOptimizationConfig.self)
        #expect(defaults == TrustRegionPolicyOptimizationConfig())
        #expect(defaults.stepsPerUpdate == 2048 && defaults.discount == 0.99 && defaults.gaeLambda == 0.95)
        #expect(defaults.policy.hiddenSizes == [64, 64] && defaults.policy.activation == .tanh && defaults.learner.valueEpochs == 10)
        let tuned = try JSONValue(parsing: #"{"stepsPerUpdate": 512, "valueEpochs": 15, "policy": {"hiddenSizes": [32]}}"#)
            .decode(TrustRegionPolicyOptimizationConfig.self)
        #expect(tuned.stepsPerUpdate == 512 && tuned.learner.valueEpochs == 15 && tuned.policy.hiddenSizes == [32])
        #expect(try JSONValue(encoding: tuned).decode(TrustRegionPolicyOptimizationConfig.self) == tuned)
        for (json, named) in [(#"{"stepsPerUpdat": 512}"#, "stepsPerUpdate"), (#"{"valueEpoch": 5}"#, "valueEpochs"),
                              (#"{"policy": {"hiddenSize": [8]}}"#, "hiddenSizes"), (#"{"stepsPerUpdate": 1}"#, "stepsPerUpdate")] {
            do {
                _ = try JSONValue(parsing: json).decode(TrustRegionPolicyOptimizationConfig.self)
                Issue.record("\(json) was accepted")
            } catch {
                #expect("\(error)".contains(named), "\(error)")
            }
        }
        #expect(TrustRegionPolicyOptimizationConfig.keyDescriptions.keys.contains("targetKullbackLeibler"))

        let registry = registry()
        for (environment, discrete) in [("CartPole-v1", true), ("Pendulum-v1", false)] {
            let (built, _) = try registry.environments.build(.string(environment), context: .init(seed: 0), path: "environment")
            let (optimizer, resolved) = try registry.policyOptimizers.build(
                try JSONValue(parsing: #"{"type": "trpo", "stepsPerUpdate": 64}"#),
                context: .init(observationSpace: built.observationSpace, actionSpace: built.actionSpace, seed: 0), path: "policyOptimizer")
            #expect(optimizer.name == "trpo")
            #expect(optimizer.requirements == (discrete ? [.discreteActions] : [.continuousActions]))
            #expect((optimizer is TrustRegionPolicyOptimization<CategoricalMLPPolicy>) == discrete)
            #expect(resolved["targetKullbackLeibler"] == .number(0.01))
        }
    }

    /// Twelve steps in four episodes (cut by the loop, terminated, truncated by a time limit, and
    /// open at the update), acted by the optimizer's policy with a wide Gaussian so that actions
    /// are clipped: the update equals one built by hand from the unclipped samples, with the cut
    /// and truncated steps bootstrapped and the terminated one not.
    @Test func rolloutsStoreUnclippedSamplesAndBootstrapCutEpisodes() throws {
        let observationSpace = Space.box(Box(lowerBound: -1, upperBound: 1, size: 3))
        let actionSpace = Space.box(Box(lowerBound: -1, upperBound: 1, size: 1))
        var config = TrustRegionPolicyOptimizationConfig()
        config.stepsPerUpdate = 12
        config.discount = 0.9
        config.policy = .init(hiddenSizes: [8], logStandardDeviationInit: 1.5)
        config.learner.valueFunction = .init(hiddenSizes: [8], activation: .tanh)
        config.learner.valueBatchSize = 5
        var generator = RandomGenerator(seed: 31)
        let policy = try DiagonalGaussianMLPPolicy(config: config.policy, observationSpace: observationSpace,
                                                   actionSpace: actionSpace, generator: &generator)
        var optimizer = try GaussianTRPO(config: config, policy: policy, generator: &generator)
        let reference = optimizer.learner
        let context = PolicyOptimizerContext(buffer: ReplayBuffer(capacity: 10, observationSize: 3, actionSize: 1),
                                             observationSpace: observationSpace, actionSpace: actionSpace)

        var data = RandomGenerator(seed: 32)
        var acting = RandomGenerator(seed: 33)
        var replay = acting
        var improvement = RandomGenerator(seed: 34)
        let referenceImprovement = improvement
        let observations = TestData.uniform(12, 3, generator: &data)
        let nextObservations = TestData.uniform(12, 3, generator: &data)
        let rewards = (0..<12).map { _ in data.nextUniformFloat(in: -1, 1) }
        let terminated = (0..<12).map { $0 == 6 }, timeLimit = (0..<12).map { $0 == 8 }
        let episodeEnds: Set<Int> = [3, 6, 8]
        var samples: [Float] = [], clipped = 0
        var metrics: [String: Double] = [:]

        // An exploration-phase step (another agent) is not stored.
        _ = try optimizer.improve(after: Transition(observation: [0, 0, 0], action: [0.5], reward: 1, nextObservation: [0, 0, 0],
                                                    terminated: false, truncated: false),
                                  context: PolicyOptimizerContext(buffer: context.buffer, observationSpace: observationSpace,
                                                                  actionSpace: actionSpace, isExploration: true),
                                  generator: &improvement)
        #expect(optimizer.pendingSteps == 0)

        for row in 0..<12 {
            let action = try optimizer.policy.action(for: observations.row(row), mode: .exploration, generator: &acting)
            let draw = try policy.sample(for: Matrix(row: observations.row(row)), generator: &replay)
            #expect(draw.actions.row(0) == action)
            if draw.samples[0, 0] != action[0] { clipped += 1 }
            samples.append(draw.samples[0, 0])
            let transition = Transition(observation: observations.row(row), action: action, reward: rewards[row],
                                        nextObservation: nextObservations.row(row), terminated: terminated[row], truncated: timeLimit[row])
            metrics = try optimizer.improve(after: transition, context: context, generator: &improvement)
            if row < 11 { #expect(metrics.isEmpty && optimizer.pendingSteps == row + 1) }
            if episodeEnds.contains(row) { optimizer.endEpisode() }
        }
        #expect(clipped >= 2, "only \(clipped) of 12 actions were clipped; the test needs clipped ones")
        #expect(optimizer.pendingSteps == 0 && metrics["policyUpdates"] == 1 && optimizer.stepsSeen == 12)

        // By hand: GAE with the loop's cut (row 3) and the time limit (row 8) bootstrapped.
        var learner = reference
        let sampleMatrix = Matrix(rows: 12, columns: 1, values: samples)
        let values = try learner.values(for: observations), nextValues = try learner.values(for: nextObservations)
        let logDensities = try learner.policy.logDensities(of: sampleMatrix, for: observations)
        var buffer = TrajectoryBuffer(observationSize: 3, actionSize: 1)
        for row in 0..<12 {
            try buffer.append(observations: Matrix(row: observations.row(row)), actions: Matrix(row: [samples[row]]),
                              rewards: [rewards[row]], logProbabilities: [logDensities[row]], values: [values[row]],
                              terminated: [terminated[row]], truncated: [row == 3 || row == 8],
                              episodeStarts: [row == 0 || row == 4 || row == 7 || row == 9], finalObservationValues: [nextValues[row]])
        }
        try buffer.computeReturnsAndAdvantages(lastValues: [nextValues[11]], discount: 0.9, gaeLambda: 0.95)
        var referenceGenerator = referenceImprovement
        let expected = try learner.update(on: buffer.batch(Array(0..<12)), generator: &referenceGenerator)
        #expect(expected.outcome == .accepted)
        #expect(optimizer.learner.policy == learner.policy && optimizer.learner.valueFunction == learner.valueFunction)
        #expect(metrics == expected.dictionary)
    }

    func pendulumRecipe(directory: URL, episodes: Int) throws -> Recipe {
        try Recipe(json: try JSONValue(parsing: """
            {"name": "trpo-resume", "seed": 7, "environment": "Pendulum-v1", "model": null,
             "policyOptimizer": {"type": "trpo", "stepsPerUpdate": 64, "valueBatchSize": 32, "valueEpochs": 3,
                                 "policy": {"hiddenSizes": [16]}, "valueFunction": {"hiddenSizes": [16]}},
             "loop": {"explorationEpisodes": 0, "episodes": \(episodes), "maxEpisodeSteps": 30, "evaluationEpisodes": 1,
                      "evaluateEvery": 2},
             "output": {"directory": "\(directory.path)", "progress": "quiet"}}
            """))
    }

    /// Stopped after 3 episodes of 30 steps (26 steps of an unfinished 64-step rollout saved in
    /// the checkpoint) and resumed, the run ends with the same metrics as an uninterrupted one.
    @Test func aResumedRunMatchesAnUninterruptedOne() throws {
        let whole = temporaryDirectory("trpo-whole")
        let split = temporaryDirectory("trpo-split")
        defer {
            try? FileManager.default.removeItem(at: whole)
            try? FileManager.default.removeItem(at: split)
        }
        let uninterrupted = try MBRLLoop(recipe: try pendulumRecipe(directory: whole, episodes: 7), registry: registry()).run()
        _ = try MBRLLoop(recipe: try pendulumRecipe(directory: split, episodes: 3), registry: registry()).run()
        var resumed = try Recipe.load(from: split.appendingPathComponent("recipe.json"), overrides: ["loop.episodes=7"])
        resumed.output.directory = split.path
        let finished = try MBRLLoop(recipe: resumed, registry: registry()).run(resume: true)
        #expect(finished.trainingReturns == uninterrupted.trainingReturns && finished.totalSteps == 210)
        let columns = ["episode", "phase", "return", "length", "total_steps", "policyUpdates", "surrogateImprovement",
                       "kullbackLeibler", "valueLoss", "policyStandardDeviation"]
        let rows = try csvRows(whole)
        #expect(rows.filter { !($0["policyUpdates"] ?? "").isEmpty }.count == 3)   // updates at steps 64, 128, 192
        #expect(try csvRows(split).map { row in columns.map { row[$0] } } == rows.map { row in columns.map { row[$0] } })
    }

    func cartPoleRecipe(directory: URL, steps: Int) throws -> Recipe {
        // rl-baselines3-zoo's tuned CartPole-v1 TRPO settings (hyperparams/trpo.yml), one environment.
        try Recipe(json: try JSONValue(parsing: """
            {"name": "trpo-cartpole", "seed": 1, "environment": "CartPole-v1", "model": null,
             "policyOptimizer": {"type": "trpo", "stepsPerUpdate": 1024, "valueBatchSize": 512, "conjugateGradientDamping": 0.001,
                                 "gaeLambda": 0.98, "valueEpochs": 20},
             "loop": {"explorationEpisodes": 0, "episodes": 1000, "maxSteps": \(steps), "checkpointEvery": 1000},
             "output": {"directory": "\(directory.path)", "progress": "quiet"}}
            """))
    }

    /// 5,120 steps (5 updates) of TRPO on CartPole-v1 against the same recipe stopped before its
    /// first update: the trained greedy policy balances several times longer.
    @Test func itLearnsCartPoleInAFewThousandSteps() throws {
        let trained = temporaryDirectory("trpo-cartpole-trained")
        let control = temporaryDirectory("trpo-cartpole-control")
        defer {
            try? FileManager.default.removeItem(at: trained)
            try? FileManager.default.removeItem(at: control)
        }
        func meanEvaluation(_ directory: URL, steps: Int) throws -> Double {
            let recipe = try cartPoleRecipe(directory: directory, steps: steps)
            _ = try MBRLLoop(recipe: recipe, registry: registry()).run()
            let episodes = try MBRLLoop(recipe: recipe, registry: registry()).evaluateSaved(directory: directory, episodes: 5, seed: 3)
            return episodes.map(\.episodeReturn).reduce(0, +) / Double(episodes.count)
        }
        let untrained = try meanEvaluation(control, steps: 200)
        let learned = try meanEvaluation(trained, steps: 5120)
        #expect(untrained < 60 && learned > 150, "mean greedy return \(untrained) untrained, \(learned) after 5 updates")
        let rows = try csvRows(trained).filter { !($0["policyUpdates"] ?? "").isEmpty }
        #expect(rows.count == 5 && rows.allSatisfy { $0["stepAccepted"] == "1.0" && $0["policyStandardDeviation"] == nil })
    }
}
