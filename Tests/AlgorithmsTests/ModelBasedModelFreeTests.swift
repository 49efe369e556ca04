import Algorithms
import Envs
import Foundation
import MBRLCore
import MBRLTesting
import Testing

/// A deterministic "planner" for tests: the action is `clamp(-gain * observation[index])`,
/// whatever the model says, so a label can be recomputed from its observation exactly.
struct FeedbackTestPlanner: Planner {
    struct Config: DocumentedConfig, Equatable {
        var gain: Float = 1
        var index = 2
        init(gain: Float = 1, index: Int = 2) {
            self.gain = gain
            self.index = index
        }
        static var defaults: Self { Self() }
        static let keyDescriptions = ["gain": "feedback gain", "index": "observation entry fed back"]
        enum CodingKeys: String, CodingKey, CaseIterable { case gain, index }
        init(from decoder: Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let container = try decoder.container(keyedBy: CodingKeys.self)
            gain = try container.decode(Float.self, forKey: .gain, default: 1)
            index = try container.decode(Int.self, forKey: .index, default: 2)
        }
    }

    let config: Config
    let actionSpace: Space
    var name: String { "test-feedback" }
    var requirements: PlanningCapabilities { [.sequenceScoring] }

    static func action(for observation: [Float], config: Config, box: Box) -> [Float] {
        box.clamp([-config.gain * observation[config.index]])
    }

    mutating func plan(from observation: [Float], model: any PlanningModel, generator: inout RandomGenerator) throws -> Plan {
        guard let box = actionSpace.box else { throw MBRLError.incompatible("test-feedback needs a box") }
        return Plan(actions: Matrix(row: Self.action(for: observation, config: config, box: box)))
    }

    mutating func reset() {}
}

/// MB-MF: the regression's gradient, DAgger's aggregation through the loop, the hand-over to SAC
/// and TRPO, the stages' acting requests, and the recipe's refusals.
@Suite struct ModelBasedModelFreeTests {
    static let pendulumObservations = Space.box(Box(lowerBound: [-1, -1, -8], upperBound: [1, 1, 8]))
    static let pendulumActions = Space.box(Box(lowerBound: -2, upperBound: 2, size: 1))

    func registry() -> ComponentRegistry {
        let registry = makeTestRegistryWithShippedComponents()
        registry.planners.register("test-feedback", summary: "a feedback law for tests", config: FeedbackTestPlanner.Config.self) { config, context in
            FeedbackTestPlanner(config: config, actionSpace: context.actionSpace)
        }
        return registry
    }

    // MARK: - Regression

    @Test func regressionGradientMatchesFiniteDifferences() throws {
        var generator = RandomGenerator(seed: 3)
        let observationSpace = Space.box(Box(lowerBound: -1, upperBound: 1, size: 3))
        let actionSpace = Space.box(Box(lowerBound: [-2, -0.5], upperBound: [2, 1.5]))
        let observations = TestData.uniform(6, 3, generator: &generator)
        var targets = TestData.uniform(6, 2, generator: &generator)
        for row in 0..<6 { targets[row, 1] = 0.5 + targets[row, 1] * 0.9 }
        let squashed = try SquashedGaussianMLPPolicy(config: .init(hiddenSizes: [5], activation: .tanh), observationSpace: observationSpace,
                                                     actionSpace: actionSpace, generator: &generator)
        var gaussianConfig = DiagonalGaussianMLPPolicy.Config()
        gaussianConfig.hiddenSizes = [5]
        gaussianConfig.activation = .tanh
        let gaussian = try DiagonalGaussianMLPPolicy(config: gaussianConfig, observationSpace: .box(Box(lowerBound: -1, upperBound: 1, size: 3)),
                                                     actionSpace: .box(Box(lowerBound: -50, upperBound: 50, size: 2)), generator: &generator)
        let checker = GradientCheck(step: 1e-2, relativeTolerance: 2e-2, absoluteTolerance: 1e-3)
        func check<P: DifferentiablePolicy>(_ policy: P) throws {
            let (loss, analytic) = try PolicyRegression.lossAndGradients(policy: policy, observations: observations, targets: targets)
            #expect(loss > 0)
            let reports = try checker.checkParameters(of: policy, analytic: analytic) { candidate in
                Double(try PolicyRegression.lossAndGradients(policy: candidate, observations: observations, targets: targets).loss)
            }
            #expect(!reports.isEmpty)
            for report in reports { #expect(report.passed, "\(P.self) \(report)") }
        }
        try check(squashed)
        try check(gaussian)
    }

    @Test func regressionFitsTargetsAndRefusesMismatchedShapes() throws {
        var generator = RandomGenerator(seed: 4)
        var policy = try SquashedGaussianMLPPolicy(config: .init(hiddenSizes: [32, 32]), observationSpace: Self.pendulumObservations,
                                                   actionSpace: Self.pendulumActions, generator: &generator)
        let observations = TestData.uniform(256, 3, generator: &generator)
        var targets = Matrix(rows: 256, columns: 1)
        for row in 0..<256 { targets[row, 0] = 1.5 * observations[row, 0] - observations[row, 2] * 0.4 }
        let before = try PolicyRegression.lossAndGradients(policy: policy, observations: observations, targets: targets).loss
        var regression = try PolicyRegression(learningRate: 3e-3, epochs: 60, batchSize: 32)
        try regression.fit(&policy, observations: observations, targets: targets, generator: &generator)
        let after = try PolicyRegression.lossAndGradients(policy: policy, observations: observations, targets: targets).loss
        #expect(after < before / 20, "loss \(before) -> \(after)")
        #expect(throws: MBRLError.self) {
            try regression.fit(&policy, observations: observations, targets: Matrix(rows: 256, columns: 2), generator: &generator)
        }
        #expect(throws: MBRLError.self) { try PolicyRegression(epochs: 0) }
    }

    // MARK: - Hand-over

    func stepThrough<Tuner: ImitationFineTunable>(_ optimizer: inout ModelBasedModelFree<Tuner>, episodes: Int, rows: Int,
                                                   generator: inout RandomGenerator) throws {
        let buffer = ReplayBuffer(capacity: 100, observationSize: 3, actionSize: 1)
        for _ in 0..<episodes {
            for _ in 0..<rows {
                let observation = TestData.uniform(1, 3, generator: &generator).row(0)
                let label = [Float(0.8) * observation[2]]
                let transition = Transition(observation: observation, action: label, reward: 0, nextObservation: observation,
                                            terminated: false, truncated: false)
                let context = PolicyOptimizerContext(buffer: buffer, observationSpace: Self.pendulumObservations,
                                                     actionSpace: Self.pendulumActions, plannerLabel: label)
                _ = try optimizer.improve(after: transition, context: context, generator: &generator)
            }
            try optimizer.endEpisode()
        }
    }

    @Test func handOverKeepsTheImitatedMeanActionForSACAndTRPO() throws {
        var generator = RandomGenerator(seed: 5)
        var config = ModelBasedModelFreeConfig()
        config.plannerEpisodes = 2
        config.daggerIterations = 1
        config.epochs = 3
        config.initialStandardDeviation = 0.25
        var sacConfig = SoftActorCritic.Config()
        sacConfig.actor.hiddenSizes = [16]
        let sac = try SoftActorCritic(config: sacConfig, observationSpace: Self.pendulumObservations,
                                      actionSpace: Self.pendulumActions, generator: &generator)
        var mbmf = try ModelBasedModelFree(config: config, fineTuner: sac, seed: 1)
        let probe = TestData.uniform(7, 3, generator: &generator)

        #expect(mbmf.actingRequest == ActingRequest(agent: .planner, plannerLabels: true, modelFits: true))
        try stepThrough(&mbmf, episodes: 2, rows: 10, generator: &generator)
        #expect(mbmf.stage == .imitation && mbmf.labelledRowCount == 20)
        #expect(mbmf.actingRequest == ActingRequest(agent: .policy, plannerLabels: true, modelFits: false))
        // Before the hand-over the imitation acts with its mean in both modes.
        var draws = RandomGenerator(seed: 9)
        let imitatedActions = try mbmf.imitated.actions(for: probe, mode: .evaluation, generator: &draws)
        #expect(try mbmf.policy.actions(for: probe, mode: .exploration, generator: &draws) == imitatedActions)
        #expect(mbmf.fineTuner.policy != mbmf.imitated)

        try stepThrough(&mbmf, episodes: 1, rows: 10, generator: &generator)
        #expect(mbmf.stage == .fineTuning && mbmf.labelledRowCount == 30)
        #expect(mbmf.actingRequest == ActingRequest(agent: .policy, plannerLabels: false, modelFits: false))
        let handed = try mbmf.fineTuner.policy.actions(for: probe, mode: .evaluation, generator: &draws)
        let finalImitation = try mbmf.imitated.actions(for: probe, mode: .evaluation, generator: &draws)
        #expect(handed == finalImitation)
        #expect(try mbmf.policy.actions(for: probe, mode: .evaluation, generator: &draws) == finalImitation)
        // The spread: log-std outputs are log(0.25) everywhere.
        let outputs = try mbmf.fineTuner.policy.network(probe)
        for row in 0..<probe.rows { #expect(abs(outputs[row, 1] - logf(0.25)) < 1e-6) }

        // TRPO: the Gaussian mean is the imitation's, the log standard deviation log(0.25).
        var trpoConfig = TrustRegionPolicyOptimizationConfig()
        trpoConfig.policy.hiddenSizes = [16]
        let gaussian = try DiagonalGaussianMLPPolicy(config: trpoConfig.policy, observationSpace: Self.pendulumObservations,
                                                     actionSpace: Self.pendulumActions, generator: &generator)
        let trpo = try TrustRegionPolicyOptimization(config: trpoConfig, policy: gaussian, generator: &generator)
        var tuned = try ModelBasedModelFree(config: config, fineTuner: trpo, seed: 1)
        try stepThrough(&tuned, episodes: 3, rows: 10, generator: &generator)
        #expect(tuned.stage == .fineTuning)
        #expect(try tuned.fineTuner.learner.policy.actions(for: probe, mode: .evaluation, generator: &draws)
                == (try tuned.imitated.actions(for: probe, mode: .evaluation, generator: &draws)))
        #expect(tuned.fineTuner.learner.policy.logStandardDeviation.values == [logf(0.25)])
        var tuner = tuned.fineTuner
        #expect(throws: MBRLError.self) { try tuner.handOver(tuned.imitated, initialStandardDeviation: 0) }
    }

    @Test func sacHoldsTheHandedOverActorWhileItsCriticsWarmUp() throws {
        var generator = RandomGenerator(seed: 8)
        var config = SoftActorCritic.Config()
        config.learningStarts = 0
        config.batchSize = 8
        config.actor.hiddenSizes = [8]
        var sac = try SoftActorCritic(config: config, observationSpace: Self.pendulumObservations,
                                      actionSpace: Self.pendulumActions, generator: &generator)
        var buffer = ReplayBuffer(capacity: 64, observationSize: 3, actionSize: 1)
        for _ in 0..<32 {
            let observation = TestData.uniform(1, 3, generator: &generator).row(0)
            try buffer.append(Transition(observation: observation, action: [observation[0]], reward: -observation[2] * observation[2],
                                         nextObservation: observation, terminated: false, truncated: false))
        }
        let context = PolicyOptimizerContext(buffer: buffer, observationSpace: Self.pendulumObservations, actionSpace: Self.pendulumActions)
        let transition = Transition(observation: [1, 0, 0], action: [0], reward: 0, nextObservation: [1, 0, 0], terminated: false, truncated: false)
        _ = try sac.improve(after: transition, context: context, generator: &generator)
        sac.holdPolicy(forSteps: 5)
        let actor = sac.policy, critics = sac.learner.critics
        for _ in 0..<5 { _ = try sac.improve(after: transition, context: context, generator: &generator) }
        #expect(sac.policy == actor, "the actor moved during the warm-up")
        #expect(sac.learner.critics != critics, "the critics did not learn during the warm-up")
        _ = try sac.improve(after: transition, context: context, generator: &generator)
        #expect(sac.policy != actor, "the actor did not learn after the warm-up")
    }

    @Test func aLabelOfTheWrongShapeIsRefusedNamingBothShapes() throws {
        var generator = RandomGenerator(seed: 6)
        let sac = try SoftActorCritic(config: .init(), observationSpace: Self.pendulumObservations,
                                      actionSpace: Self.pendulumActions, generator: &generator)
        var mbmf = try ModelBasedModelFree(config: .init(), fineTuner: sac, seed: 1)
        let transition = Transition(observation: [1, 0, 0], action: [0], reward: 0, nextObservation: [1, 0, 0], terminated: false, truncated: false)
        let context = PolicyOptimizerContext(buffer: ReplayBuffer(capacity: 4, observationSize: 3, actionSize: 1),
                                             observationSpace: Self.pendulumObservations, actionSpace: Self.pendulumActions,
                                             plannerLabel: [0, 0])
        do {
            _ = try mbmf.improve(after: transition, context: context, generator: &generator)
            Issue.record("a two-entry label was accepted")
        } catch {
            #expect("\(error)".contains("[2]") && "\(error)".contains("[1]"), "\(error)")
        }
    }

    // MARK: - Through the loop

    func loopRecipe(directory: URL, optimizer: String = "") -> String {
        """
        {"name": "mbmf-test", "seed": 2, "environment": "Pendulum-v1", "model": "least-squares",
         "planner": {"type": "test-feedback", "gain": 0.7},
         "policyOptimizer": \(optimizer.isEmpty ? #"{"type": "mb-mf", "plannerEpisodes": 2, "daggerIterations": 2, "epochs": 2, "fineTuner": {"type": "sac", "learningStarts": 0, "batchSize": 16, "actor": {"hiddenSizes": [8]}, "critics": {"hiddenSizes": [8]}}}"# : optimizer),
         "loop": {"explorationEpisodes": 1, "episodes": 6, "maxEpisodeSteps": 15, "trainEvery": 0},
         "output": {"directory": "\(directory.path)", "progress": "quiet"}}
        """
    }

    @Test func daggerLabelsAreThePlannersActionsAtTheStatesThePolicyVisited() throws {
        let directory = temporaryDirectory("mbmf-dagger")
        defer { try? FileManager.default.removeItem(at: directory) }
        let recipe = try Recipe(json: try JSONValue(parsing: loopRecipe(directory: directory)))
        _ = try MBRLLoop(recipe: recipe, registry: registry()).run()
        let events = try String(contentsOf: directory.appendingPathComponent("events.jsonl"), encoding: .utf8)
        let records = try events.split(separator: "\n").map { try JSONDecoder().decode(EpisodeRecord.self, from: Data($0.utf8)) }
        let training = records.filter { $0.phase == "training" }
        #expect(training.map { $0.metrics["mbmfStage"] ?? -1 } == [0, 0, 1, 1, 2, 2])
        #expect(training.map { $0.modelFits } == [1, 2, 2, 2, 2, 2])   // no refits once the planner stops acting

        let checkpoint = try Checkpoint(contentsOf: directory.appendingPathComponent("checkpoint.mbrl"))
        let observations = try checkpoint.floats(named: "policyOptimizer.labelledObservations")
        let labels = try checkpoint.floats(named: "policyOptimizer.labels")
        let data = try ReplayBuffer(checkpoint: checkpoint).all()
        // Rows: 15 random (unlabelled), 2 x 15 planner, 2 x 15 DAgger, then fine-tuning (unlabelled).
        #expect(labels.count == 60 && observations.count == 180)
        let config = FeedbackTestPlanner.Config(gain: 0.7)
        let box = Box(lowerBound: -2, upperBound: 2, size: 1)
        var policyDiffers = 0
        for row in 0..<60 {
            let observation = Array(observations[(row * 3)..<(row * 3 + 3)])
            #expect(observation == data.observations.row(15 + row), "row \(row) is not the visited state")
            #expect([labels[row]] == FeedbackTestPlanner.action(for: observation, config: config, box: box), "row \(row)")
            let taken = data.actions.row(15 + row)
            if row < 30 {
                #expect(taken == [labels[row]], "the planner acted at row \(row)")
            } else if taken != [labels[row]] {
                policyDiffers += 1
            }
        }
        #expect(policyDiffers > 20, "the DAgger rows were acted by the policy, not the planner")
    }

    @Test func aResumedRunCrossesTheStagesAsAnUninterruptedOne() throws {
        let whole = temporaryDirectory("mbmf-whole"), split = temporaryDirectory("mbmf-split")
        defer {
            try? FileManager.default.removeItem(at: whole)
            try? FileManager.default.removeItem(at: split)
        }
        let summary = try MBRLLoop(recipe: try Recipe(json: try JSONValue(parsing: loopRecipe(directory: whole))), registry: registry()).run()
        // Stop inside the DAgger stage (after training episode 3), then resume to the end.
        var first = try Recipe(json: try JSONValue(parsing: loopRecipe(directory: split)))
        first.loop.episodes = 3
        _ = try MBRLLoop(recipe: first, registry: registry()).run()
        var resumed = try Recipe.load(from: split.appendingPathComponent("recipe.json"), overrides: ["loop.episodes=6"])
        resumed.output.directory = split.path
        let finished = try MBRLLoop(recipe: resumed, registry: registry()).run(resume: true)
        #expect(finished.trainingReturns == summary.trainingReturns)
        let events = { (directory: URL) in try String(contentsOf: directory.appendingPathComponent("events.jsonl"), encoding: .utf8)
            .split(separator: "\n").map { try JSONDecoder().decode(EpisodeRecord.self, from: Data($0.utf8)) } }
        // Every metric but the timings is the same.
        let untimed = { (records: [EpisodeRecord]) in records.map { $0.metrics.filter { !$0.key.contains("Seconds") } } }
        #expect(untimed(try events(split)) == untimed(try events(whole)))
        #expect(untimed(try events(whole)).contains { $0["mbmfStage"] == 2 })
    }

    @Test func recipesAreRefusedWithTheirPathAndReason() throws {
        let directory = temporaryDirectory("mbmf-refusals")
        defer { try? FileManager.default.removeItem(at: directory) }
        let refusals: [(String, [String])] = [
            (#"{"type": "mb-mf", "daggerIteration": 2}"#, ["daggerIteration", "daggerIterations"]),
            (#"{"type": "mb-mf", "fineTuner": {"type": "sac", "learningRat": 0.1}}"#, ["fineTuner", "learningRat"]),
            (#"{"type": "mb-mf", "fineTuner": {"type": "ppo"}}"#, ["fineTuner", "ppo"]),
            (#"{"type": "mb-mf", "initialStandardDeviation": 0}"#, ["initialStandardDeviation"]),
        ]
        for (optimizer, words) in refusals {
            let message = buildRefusal(loopRecipe(directory: directory, optimizer: optimizer), registry: registry())
            #expect(message != nil, "\(optimizer) was accepted")
            for word in words { #expect(message?.contains(word) == true, "\(message ?? "accepted") should name \(word)") }
        }
        let noPlanner = buildRefusal("""
            {"environment": "Pendulum-v1", "model": "least-squares", "policyOptimizer": "mb-mf"}
            """, registry: registry())
        #expect(noPlanner?.contains("a planner") == true, "\(noPlanner ?? "accepted")")
        let discrete = buildRefusal("""
            {"environment": "CartPole-v1", "model": "least-squares", "planner": "test-shooting", "policyOptimizer": "mb-mf"}
            """, registry: registry())
        #expect(discrete != nil)
    }
}
