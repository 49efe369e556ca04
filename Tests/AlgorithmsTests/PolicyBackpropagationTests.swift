import Algorithms
import Envs
import Foundation
import MBRLCore
import Models
import Testing

/// A 1-D point that moves by `x' = x + a` while `x <= threshold` and becomes NaN beyond it; its
/// pullback's observation gradient is NaN when `nanObservationGradient` is set.
struct DivergingPointModel: DifferentiableDynamicsModel, Sendable {
    var threshold: Float = .infinity
    var nanObservationGradient = false
    var observationSize: Int { 1 }
    var actionSize: Int { 1 }

    func next(_ observations: Matrix, _ actions: Matrix) -> Matrix {
        Matrix(rows: observations.rows, columns: 1, values: (0..<observations.rows).map { row in
            observations[row, 0] <= threshold ? observations[row, 0] + actions[row, 0] : .nan
        })
    }

    func predict(observations: Matrix, actions: Matrix, generator: inout RandomGenerator) throws -> ModelPrediction {
        ModelPrediction(nextObservations: next(observations, actions))
    }

    func predictWithPullback(observations: Matrix, actions: Matrix) throws
        -> (nextObservations: Matrix, pullback: @Sendable (Matrix) throws -> InputGradients) {
        let nanGradient = nanObservationGradient
        return (next(observations, actions), { upstream in
            InputGradients(observations: nanGradient ? upstream.map { _ in .nan } : upstream, actions: upstream)
        })
    }
}

/// Reward `-(x' - 1)^2` of the point's next position, differentiable.
struct PointTargetReward: DifferentiableRewardFunction {
    func rewards(observations: Matrix, actions: Matrix, nextObservations: Matrix) -> [Float] {
        (0..<nextObservations.rows).map { -(nextObservations[$0, 0] - 1) * (nextObservations[$0, 0] - 1) }
    }

    func rewardGradients(observations: Matrix, actions: Matrix, nextObservations: Matrix) -> RewardGradients {
        RewardGradients(observations: Matrix(rows: observations.rows, columns: observations.columns),
                        actions: Matrix(rows: actions.rows, columns: actions.columns),
                        nextObservations: nextObservations.map { -2 * ($0 - 1) })
    }
}

/// Policy backpropagation: strict keys, learning on the true pendulum, the value at the
/// horizon's end, non-finite gradients skipped then stopping the run with where they appeared,
/// an exact checkpoint round trip, build-time refusals and a short learning run through the loop.
@Suite struct PolicyBackpropagationTests {
    static let pendulumSpace = Space.box(Box(lowerBound: [-1, -1, -8], upperBound: [1, 1, 8]))
    static let torqueSpace = Space.box(Box(lowerBound: [-2], upperBound: [2]))

    static func optimizer(_ json: String, observationSpace: Space = pendulumSpace, actionSpace: Space = torqueSpace,
                          seed: UInt64 = 3) throws -> PolicyBackpropagation {
        let config = try JSONDecoder().decode(PolicyBackpropagation.Config.self, from: Data(json.utf8))
        var generator = RandomGenerator(seed: seed)
        return try PolicyBackpropagation(config: config, observationSpace: observationSpace, actionSpace: actionSpace,
                                         generator: &generator)
    }

    /// `count` pendulum observations at uniformly random angles and speeds in [-1, 1].
    static func pendulumStates(_ count: Int, generator: inout RandomGenerator) -> Matrix {
        var values: [Float] = []
        for _ in 0..<count {
            let angle = Float.pi * (2 * generator.nextUniformFloat() - 1)
            values += [cos(angle), sin(angle), 2 * generator.nextUniformFloat() - 1]
        }
        return Matrix(rows: count, columns: 3, values: values)
    }

    /// The policy's mean discounted return over `starts` through the true pendulum.
    static func trueReturn(of policy: DeterministicMLPPolicy, starts: Matrix, horizon: Int) throws -> Float {
        let rollout = try DifferentiableModelRollout(config: .init(horizon: horizon, actionMode: .evaluation, discount: 0.99),
                                                     rewardFunction: PendulumRewardFunction())
        var generator = RandomGenerator(seed: 0)
        return try rollout.returnAndGradient(policy: policy, model: PendulumDynamicsModel(), startObservations: starts,
                                             generator: &generator).meanReturn
    }

    @Test func configDefaultsAndStrictKeys() throws {
        let decoded = try JSONDecoder().decode(PolicyBackpropagation.Config.self, from: Data("{}".utf8))
        #expect(decoded == PolicyBackpropagation.Config())
        #expect(decoded.horizon == 10 && decoded.members == .each && decoded.value == nil && decoded.startStates == .realStates)
        let withValue = try JSONDecoder().decode(PolicyBackpropagation.Config.self,
                                                 from: Data(#"{"value": {"learningRate": 0.01}, "members": "mean"}"#.utf8))
        #expect(withValue.value?.learningRate == 0.01 && withValue.value?.stepsPerUpdate == 1 && withValue.members == .mean)
        #expect { try JSONDecoder().decode(PolicyBackpropagation.Config.self, from: Data(#"{"horizn": 5}"#.utf8)) }
            throws: { "\($0)".contains("horizon") }
        #expect { try JSONDecoder().decode(PolicyBackpropagation.Config.self, from: Data(#"{"value": {"lr": 1}}"#.utf8)) }
            throws: { "\($0)".contains("learningRate") }
        #expect { try JSONDecoder().decode(PolicyBackpropagation.Config.self, from: Data(#"{"horizon": 0}"#.utf8)) }
            throws: { _ in true }
        // The resolved recipe lists the value as null when it is off.
        let encoded = try JSONValue(encoding: decoded)
        #expect(encoded["value"] == .null)
    }

    @Test func gradientStepsRaiseTheReturnOfAPointThatMustReachOne() throws {
        // x' = x + a with a in [-1, 1] and reward -(x' - 1)^2: from starts in [-3, 3] the best
        // policy steps toward 1.
        let line = Space.box(Box(lowerBound: [-5], upperBound: [5]))
        let force = Space.box(Box(lowerBound: [-1], upperBound: [1]))
        var optimizer = try Self.optimizer(#"{"horizon": 5, "learningRate": 0.01, "policy": {"hiddenSizes": [16]}}"#,
                                           observationSpace: line, actionSpace: force)
        var generator = RandomGenerator(seed: 5)
        func starts(_ count: Int) -> Matrix {
            Matrix(rows: count, columns: 1, values: (0..<count).map { _ in 6 * generator.nextUniformFloat() - 3 })
        }
        let evaluationStarts = starts(64)
        let rollout = try DifferentiableModelRollout(config: .init(horizon: 5, actionMode: .evaluation, discount: 0.99),
                                                     rewardFunction: PointTargetReward())
        func meanReturn() throws -> Float {
            var scratch = RandomGenerator(seed: 0)
            return try rollout.returnAndGradient(policy: optimizer.policy, model: DivergingPointModel(),
                                                 startObservations: evaluationStarts, generator: &scratch).meanReturn
        }
        let before = try meanReturn()
        var reports: [PolicyBackpropagation.UpdateReport] = []
        for _ in 0..<100 {
            let batch = starts(32)
            reports.append(try optimizer.update(model: DivergingPointModel(), starts: batch, rewardFunction: PointTargetReward(),
                                                terminationFunction: nil, generator: &generator))
        }
        let after = try meanReturn()
        #expect(after > 0.3 * before, "5-step return: \(before) untrained, \(after) after 100 steps")
        #expect(reports.allSatisfy { $0.applied && $0.gradientNorm > 0 && $0.stepGradientNorms.count == 5 })
        #expect(optimizer.totalUpdates == 100 && optimizer.nonFiniteUpdates == 0)
    }

    @Test func valueAtTheHorizonIsFittedOnImaginedReturns() throws {
        // With discount 0 the targets are the rewards of the visited states, and with a policy that
        // barely moves they stay put, so the regression must converge.
        var optimizer = try Self.optimizer(
            #"{"horizon": 5, "discount": 0, "learningRate": 1e-8, "policy": {"hiddenSizes": [16]}, "value": {"network": {"hiddenSizes": [32]}, "learningRate": 0.01, "stepsPerUpdate": 5}}"#)
        #expect(optimizer.value != nil)
        var generator = RandomGenerator(seed: 8)
        var losses: [Float] = []
        for _ in 0..<40 {
            let starts = Self.pendulumStates(32, generator: &generator)
            let report = try optimizer.update(model: PendulumDynamicsModel(), starts: starts, rewardFunction: PendulumRewardFunction(),
                                              terminationFunction: nil, generator: &generator)
            losses.append(try #require(report.valueLoss))
        }
        let early = losses.prefix(5).reduce(0, +) / 5, late = losses.suffix(5).reduce(0, +) / 5
        #expect(late < 0.5 * early, "value loss \(early) over the first 5 steps, \(late) over the last 5")
    }

    @Test func nonFiniteGradientsAreSkippedCountedAndThenStopTheRun() throws {
        let line = Space.box(Box(lowerBound: [-10], upperBound: [10]))
        let unit = Space.box(Box(lowerBound: [0.9], upperBound: [1]))   // every action moves the point by about 1
        let starts = Matrix(rows: 4, columns: 1)
        // Forward: the point passes 2.5 after 3 steps, and the model's prediction at step 3 is NaN.
        var forward = try Self.optimizer(#"{"horizon": 5, "maxNonFiniteInARow": 3, "policy": {"hiddenSizes": [4]}}"#,
                                         observationSpace: line, actionSpace: unit)
        var generator = RandomGenerator(seed: 1)
        for attempt in 1...2 {
            let report = try forward.update(model: DivergingPointModel(threshold: 2.5), starts: starts,
                                            rewardFunction: PointTargetReward(), terminationFunction: nil, generator: &generator)
            #expect(!report.applied && forward.nonFiniteUpdates == attempt)
        }
        let policyBefore = forward.policy
        #expect { _ = try forward.update(model: DivergingPointModel(threshold: 2.5), starts: starts,
                                         rewardFunction: PointTargetReward(), terminationFunction: nil, generator: &generator) }
            throws: { error in
                let text = "\(error)"
                return text.contains("update 3") && text.contains("forward pass, at horizon step 3 of 5") && text.contains("3 updates in a row")
            }
        #expect(forward.policy == policyBefore)   // no skipped step moved the policy
        // Backward: finite predictions, NaN state gradients; the last step's own action gradient is
        // finite, so the NaN first reaches the parameters through step 3 (of 0...4).
        var backward = try Self.optimizer(#"{"horizon": 5, "maxNonFiniteInARow": 1, "policy": {"hiddenSizes": [4]}}"#,
                                          observationSpace: line, actionSpace: unit)
        #expect { _ = try backward.update(model: DivergingPointModel(nanObservationGradient: true), starts: starts,
                                          rewardFunction: PointTargetReward(), terminationFunction: nil, generator: &generator) }
            throws: { "\($0)".contains("backward pass, at horizon step 3 of 5") }
        // A finite step in between resets the count.
        var recovering = try Self.optimizer(#"{"horizon": 5, "maxNonFiniteInARow": 2, "policy": {"hiddenSizes": [4]}}"#,
                                            observationSpace: line, actionSpace: unit)
        for model in [DivergingPointModel(threshold: 2.5), DivergingPointModel(), DivergingPointModel(threshold: 2.5)] {
            _ = try recovering.update(model: model, starts: starts, rewardFunction: PointTargetReward(), terminationFunction: nil,
                                      generator: &generator)
        }
        #expect(recovering.nonFiniteUpdates == 2 && recovering.nonFiniteInARow == 1)
    }

    @Test func checkpointRoundTripContinuesExactly() throws {
        let json = #"{"horizon": 4, "batchSize": 8, "updatesPerFit": 3, "policy": {"hiddenSizes": [8]}, "value": {"network": {"hiddenSizes": [8]}}}"#
        var optimizer = try Self.optimizer(json)
        var generator = RandomGenerator(seed: 6)
        let starts = Self.pendulumStates(8, generator: &generator)
        for _ in 0..<3 {
            _ = try optimizer.update(model: PendulumDynamicsModel(), starts: starts, rewardFunction: PendulumRewardFunction(),
                                     terminationFunction: nil, generator: &generator)
        }
        var writer = CheckpointWriter()
        try optimizer.write(to: &writer, prefix: "policyOptimizer")
        let checkpoint = try Checkpoint(data: writer.encodedData())
        var resumed = try Self.optimizer(json, seed: 99)
        #expect(resumed.policy != optimizer.policy)
        try resumed.read(from: checkpoint, prefix: "policyOptimizer")
        #expect(resumed.policy == optimizer.policy && resumed.value == optimizer.value && resumed.totalUpdates == 3)
        var resumedGenerator = generator
        let continued = try optimizer.update(model: PendulumDynamicsModel(), starts: starts, rewardFunction: PendulumRewardFunction(),
                                             terminationFunction: nil, generator: &generator)
        let afterResume = try resumed.update(model: PendulumDynamicsModel(), starts: starts, rewardFunction: PendulumRewardFunction(),
                                             terminationFunction: nil, generator: &resumedGenerator)
        #expect(continued == afterResume && optimizer.policy == resumed.policy && optimizer.value == resumed.value)
    }

    func refusal(_ recipe: String) -> String? { buildRefusal(recipe) }

    @Test func recipesThatCannotWorkAreRefusedAtBuildTime() throws {
        let latent = refusal(#"{"name": "p", "environment": "PointMassPixels-v0", "model": {"type": "latent", "latentSize": 4}, "policyOptimizer": "policy-backprop", "planning": {"reward": "learned"}}"#)
        #expect(latent?.contains("a differentiable model") == true, "\(latent ?? "accepted")")
        let stepReward = refusal(#"{"name": "p", "environment": "ContinuousCartPole-v0", "model": "deterministic-mlp", "policyOptimizer": "policy-backprop"}"#)
        #expect(stepReward?.contains("reward gradients") == true, "\(stepReward ?? "accepted")")
        let discrete = refusal(#"{"name": "p", "environment": "CartPole-v1", "model": "deterministic-mlp", "policyOptimizer": "policy-backprop"}"#)
        #expect(discrete?.contains("continuous") == true, "\(discrete ?? "accepted")")
        #expect(refusal(#"{"name": "p", "environment": "PointMass-v0", "model": "deterministic-ensemble", "policyOptimizer": "policy-backprop"}"#) == nil)
        // A learned reward head gives the gradients, even where the known reward has none.
        let learned = refusal(#"{"name": "p", "environment": "ContinuousCartPole-v0", "model": {"type": "deterministic-ensemble", "learnedReward": true, "learnedTermination": true}, "policyOptimizer": "policy-backprop", "planning": {"reward": "learned"}}"#)
        #expect(learned == nil, "\(learned ?? "")")
    }

    /// The success rate (`terminated` at the goal) of the last evaluation round in `directory`.
    static func lastEvaluationSuccess(_ directory: URL) throws -> Double {
        let lines = try String(contentsOf: directory.appendingPathComponent("metrics.csv"), encoding: .utf8)
            .split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = try #require(lines.first)
        let phase = try #require(header.firstIndex(of: "phase")), terminated = try #require(header.firstIndex(of: "terminated"))
        let episode = try #require(header.firstIndex(of: "episode"))
        let evaluations = lines.dropFirst().filter { $0[phase] == "evaluation" }
        let lastRound = evaluations.filter { $0[episode] == evaluations.last?[episode] }
        return lastRound.map { Double($0[terminated]) ?? 0 }.reduce(0, +) / Double(max(lastRound.count, 1))
    }

    @Test func learnsToReachThePointMassGoalThroughTheLoop() throws {
        func run(updatesPerFit: Int) throws -> Double {
            let directory = temporaryDirectory("policy-backprop-\(updatesPerFit)")
            defer { try? FileManager.default.removeItem(at: directory) }
            let recipe = try Recipe(json: try JSONValue(parsing: """
                {"name": "policy-backprop-test", "seed": 2, "environment": "PointMass-v0",
                 "model": {"type": "deterministic-ensemble", "ensembleSize": 3, "eliteCount": 3, "hiddenSizes": [64, 64],
                           "activation": "silu", "targetIsDelta": true, "normalizeInputs": true, "normalizeOutputs": true,
                           "training": {"epochs": 20, "validationRatio": 0.1, "patience": 5}},
                 "policyOptimizer": {"type": "policy-backprop", "horizon": 25, "batchSize": 128, "updatesPerFit": \(updatesPerFit),
                                     "policy": {"hiddenSizes": [32, 32], "activation": "tanh"}},
                 "loop": {"explorationEpisodes": 4, "episodes": 10, "trainEvery": 0, "evaluationEpisodes": 10, "evaluateEvery": 10},
                 "output": {"directory": "\(directory.path)", "progress": "quiet"}}
                """))
            let registry = makeTestRegistry()
            registerModels(in: registry)
            registerPolicyOptimizers(in: registry)
            _ = try MBRLLoop(recipe: recipe, registry: registry).run()
            return try Self.lastEvaluationSuccess(directory)
        }
        let trained = try run(updatesPerFit: 50)
        let untrained = try run(updatesPerFit: 0)
        #expect(trained >= 0.8 && trained > untrained + 0.3, "goal reached in \(trained) of evaluations trained, \(untrained) untrained")
    }
}
