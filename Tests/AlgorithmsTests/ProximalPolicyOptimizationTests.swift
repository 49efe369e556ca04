import Algorithms
import Envs
import Foundation
import MBRLCore
import MBRLTesting
import Testing

/// The `"ppo"` policy optimizer and its learner: strict config with rl-baselines3-zoo's
/// CartPole-v1 defaults, the policy kind follows the action space, the loss's gradients match
/// finite differences (inside and outside the clip range, with the entropy bonus), the linear
/// schedules, and it learns CartPole-v1 within a small budget.
@Suite struct ProximalPolicyOptimizationTests {
    func registry() -> ComponentRegistry {
        let registry = makeTestRegistry()
        registerPolicyOptimizers(in: registry)
        return registry
    }

    @Test func configIsStrictWithTheZooDefaultsAndThePolicyFollowsTheActionSpace() throws {
        let defaults = try JSONValue(parsing: "{}").decode(ProximalPolicyOptimizationConfig.self)
        #expect(defaults == ProximalPolicyOptimizationConfig())
        #expect(defaults.stepsPerUpdate == 256 && defaults.discount == 0.98 && defaults.gaeLambda == 0.8)
        #expect(defaults.learner.epochs == 20 && defaults.learner.batchSize == 256 && defaults.learner.clipRange == 0.2)
        #expect(defaults.learner.learningRate == 1e-3 && defaults.learner.entropyCoefficient == 0 && defaults.learner.annealSteps == 100_000)
        #expect(defaults.learner.valueCoefficient == 0.5 && defaults.learner.maxGradientNorm == 0.5 && defaults.learner.normalizeAdvantages)
        let tuned = try JSONValue(parsing: #"{"stepsPerUpdate": 512, "epochs": 4, "clipRange": 0.1, "policy": {"hiddenSizes": [32]}}"#)
            .decode(ProximalPolicyOptimizationConfig.self)
        #expect(tuned.stepsPerUpdate == 512 && tuned.learner.epochs == 4 && tuned.learner.clipRange == 0.1 && tuned.policy.hiddenSizes == [32])
        #expect(try JSONValue(encoding: tuned).decode(ProximalPolicyOptimizationConfig.self) == tuned)
        for (json, named) in [(#"{"stepsPerUpdat": 512}"#, "stepsPerUpdate"), (#"{"clipRang": 0.1}"#, "clipRange"),
                              (#"{"epochs": 0}"#, "epochs"), (#"{"valueFunction": {"hiddenSize": [8]}}"#, "hiddenSizes")] {
            do {
                _ = try JSONValue(parsing: json).decode(ProximalPolicyOptimizationConfig.self)
                Issue.record("\(json) was accepted")
            } catch {
                #expect("\(error)".contains(named), "\(error)")
            }
        }
        let schedule = ProximalPolicyUpdateConfig(annealSteps: 1000)
        #expect(schedule.scheduled(afterSteps: 250) == (7.5e-4, 0.15) && schedule.scheduled(afterSteps: 2000) == (0, 0))

        let registry = registry()
        for (environment, discrete) in [("CartPole-v1", true), ("Pendulum-v1", false)] {
            let (built, _) = try registry.environments.build(.string(environment), context: .init(seed: 0), path: "environment")
            let (optimizer, resolved) = try registry.policyOptimizers.build(
                try JSONValue(parsing: #"{"type": "ppo"}"#),
                context: .init(observationSpace: built.observationSpace, actionSpace: built.actionSpace, seed: 0), path: "policyOptimizer")
            #expect(optimizer.name == "ppo")
            #expect(optimizer.requirements == (discrete ? [.discreteActions] : [.continuousActions]))
            #expect((optimizer is ProximalPolicyOptimization<CategoricalMLPPolicy>) == discrete)
            #expect(resolved["clipRange"] == .number(0.2) && resolved["gaeLambda"] == .number(0.8))
        }
    }

    /// The loss at parameters moved by `+-h` along one entry, for central differences.
    func centralDifference<P: StochasticPolicy>(_ learner: ProximalPolicyUpdate<P>, value: Bool, parameter: Int, entry: Int,
                                                 step: Float, loss: (ProximalPolicyUpdate<P>) throws -> Float) throws -> Double {
        func moved(_ delta: Float) throws -> ProximalPolicyUpdate<P> {
            func shift(_ parameters: inout [Matrix]) {
                let columns = parameters[parameter].columns
                parameters[parameter][entry / columns, entry % columns] += delta
            }
            var policy = learner.policy, valueFunction = learner.valueFunction
            if value { valueFunction.updateParameters(shift) } else { policy.updateParameters(shift) }
            return try ProximalPolicyUpdate(policy: policy, valueFunction: valueFunction, config: learner.config)
        }
        let plus = try moved(step), minus = try moved(-step)
        return (Double(try loss(plus)) - Double(try loss(minus))) / (2 * Double(step))
    }

    func checkGradients<P: StochasticPolicy>(_ learner: ProximalPolicyUpdate<P>, observations: Matrix, samples: Matrix,
                                             label: String) throws {
        let rows = observations.rows
        var generator = RandomGenerator(seed: 5)
        let current = try learner.policy.logDensities(of: samples, for: observations)
        // Old log-densities that put the ratios on both sides of the clip range and inside it.
        let offsets: [Float] = [-0.6, -0.1, 0.05, 0.4, 0.7, -0.3, 0.15, -0.05]
        let old = (0..<rows).map { current[$0] + offsets[$0 % offsets.count] }
        let advantages = (0..<rows).map { Float($0 % 3) - 0.8 }
        let returns = (0..<rows).map { Float($0) * 0.3 - 1 }
        func loss(_ candidate: ProximalPolicyUpdate<P>) throws -> Float {
            var fixed = RandomGenerator(seed: 5)
            return try candidate.lossAndGradients(observations: observations, samples: samples, oldLogDensities: old,
                                                  advantages: advantages, returns: returns, clipRange: 0.2, generator: &fixed).terms.loss
        }
        let result = try learner.lossAndGradients(observations: observations, samples: samples, oldLogDensities: old,
                                                  advantages: advantages, returns: returns, clipRange: 0.2, generator: &generator)
        #expect(result.terms.clipFraction > 0 && result.terms.clipFraction < 1, "\(label): \(result.terms)")
        for (isValue, gradients) in [(false, result.policyGradients), (true, result.valueGradients)] {
            for parameter in gradients.indices {
                for entry in Set([0, gradients[parameter].count / 2, gradients[parameter].count - 1]) {
                    let numeric = try centralDifference(learner, value: isValue, parameter: parameter, entry: entry, step: 1e-3, loss: loss)
                    let analytic = Double(gradients[parameter].values[entry])
                    #expect(abs(numeric - analytic) <= 2e-3 + 2e-2 * abs(numeric),
                            "\(label) \(isValue ? "value" : "policy") parameter \(parameter)[\(entry)]: analytic \(analytic), numeric \(numeric)")
                }
            }
        }
    }

    @Test func lossGradientsMatchFiniteDifferences() throws {
        var generator = RandomGenerator(seed: 3)
        let config = ProximalPolicyUpdateConfig(entropyCoefficient: 0.05, valueCoefficient: 0.7,
                                                valueFunction: .init(hiddenSizes: [6], activation: .tanh))
        var observations = Matrix(rows: 8, columns: 3)
        generator.fillStandardNormal(&observations)

        let categorical = try CategoricalMLPPolicy(config: .init(hiddenSizes: [6]), observationSpace: .box(Box(lowerBound: -5, upperBound: 5, size: 3)),
                                                   actionSpace: .discrete(Discrete(count: 3)), generator: &generator)
        let categoricalLearner = try ProximalPolicyUpdate(policy: categorical, config: config, generator: &generator)
        let actions = Matrix(rows: 8, columns: 1, values: (0..<8).map { Float($0 % 3) })
        try checkGradients(categoricalLearner, observations: observations, samples: actions, label: "categorical")

        let gaussian = try DiagonalGaussianMLPPolicy(config: .init(hiddenSizes: [6], logStandardDeviationInit: -0.3),
                                                     observationSpace: .box(Box(lowerBound: -5, upperBound: 5, size: 3)),
                                                     actionSpace: .box(Box(lowerBound: -1, upperBound: 1, size: 2)), generator: &generator)
        let gaussianLearner = try ProximalPolicyUpdate(policy: gaussian, config: config, generator: &generator)
        var samples = Matrix(rows: 8, columns: 2)
        generator.fillStandardNormal(&samples)
        try checkGradients(gaussianLearner, observations: observations, samples: samples, label: "gaussian")
    }

    @Test func aNonFiniteBatchChangesNothing() throws {
        var generator = RandomGenerator(seed: 4)
        let policy = try CategoricalMLPPolicy(config: .init(hiddenSizes: [4]), observationSpace: .box(Box(lowerBound: -5, upperBound: 5, size: 2)),
                                              actionSpace: .discrete(Discrete(count: 2)), generator: &generator)
        var learner = try ProximalPolicyUpdate(policy: policy, config: .init(epochs: 2, batchSize: 4), generator: &generator)
        let before = learner
        let batch = TrajectoryBatch(observations: Matrix(rows: 4, columns: 2, repeating: 0.5), actions: Matrix(rows: 4, columns: 1, repeating: 1),
                                    logProbabilities: [-0.7, -0.7, -0.7, -0.7], values: [0, 0, 0, 0],
                                    advantages: [1, .nan, 0, -1], returns: [1, 1, 1, 1])
        let metrics = try learner.update(on: batch, stepsSoFar: 0, generator: &generator)
        #expect(metrics.nonFiniteSteps == 2 && metrics.minibatches == 0)
        #expect(learner.policy == before.policy && learner.valueFunction == before.valueFunction)
    }

    func cartPoleRecipe(directory: URL, steps: Int) throws -> Recipe {
        try Recipe(json: try JSONValue(parsing: """
            {"name": "ppo-cartpole", "seed": 1, "environment": "CartPole-v1", "model": null,
             "policyOptimizer": {"type": "ppo"},
             "loop": {"explorationEpisodes": 0, "episodes": 1000, "maxSteps": \(steps), "checkpointEvery": 1000},
             "output": {"directory": "\(directory.path)", "progress": "quiet"}}
            """))
    }

    /// 20,480 steps (80 updates) of PPO with the zoo's defaults on CartPole-v1 against the same
    /// recipe stopped before its first update: the trained greedy policy balances far longer.
    @Test func itLearnsCartPoleWithinASmallBudget() throws {
        let trained = temporaryDirectory("ppo-cartpole-trained")
        let control = temporaryDirectory("ppo-cartpole-control")
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
        let learned = try meanEvaluation(trained, steps: 20_480)
        #expect(untrained < 60 && learned > 150, "mean greedy return \(untrained) untrained, \(learned) after 80 updates")
    }

    func pendulumRecipe(directory: URL, episodes: Int) throws -> Recipe {
        try Recipe(json: try JSONValue(parsing: """
            {"name": "ppo-resume", "seed": 7, "environment": "Pendulum-v1", "model": null,
             "policyOptimizer": {"type": "ppo", "stepsPerUpdate": 64, "batchSize": 32, "epochs": 3,
                                 "policy": {"hiddenSizes": [16]}, "valueFunction": {"hiddenSizes": [16]}},
             "loop": {"explorationEpisodes": 0, "episodes": \(episodes), "maxEpisodeSteps": 30, "evaluationEpisodes": 1,
                      "evaluateEvery": 2},
             "output": {"directory": "\(directory.path)", "progress": "quiet"}}
            """))
    }

    /// Stopped after 3 episodes of 30 steps (26 steps of an unfinished 64-step rollout saved in
    /// the checkpoint) and resumed, the run ends with the same returns as an uninterrupted one.
    @Test func aResumedRunMatchesAnUninterruptedOne() throws {
        let whole = temporaryDirectory("ppo-whole")
        let split = temporaryDirectory("ppo-split")
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
    }
}
