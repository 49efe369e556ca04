import Algorithms
import Foundation
import MBRLCore
import Planners
import Testing

/// Model learning with the planner in the loop (DAgger for models): expert and learner data kept
/// apart and mixed in every fit, expert transitions from a file, the best iteration's model, and
/// the refusals.
@Suite(.serialized) struct ExpertAndLearnerDataTests {
    /// The test components and the shipped planners: these tests plan with `"random-shooting"`,
    /// leaving the test planner's process-wide plan count to the resume tests.
    func registry() -> ComponentRegistry {
        let registry = makeTestRegistry()
        registerPlanners(in: registry)
        return registry
    }

    func recipe(directory: URL, loop: String, exploration: String = #""random""#, environment: String = "PointMassWall-v0") throws -> Recipe {
        try Recipe(json: try JSONValue(parsing: """
            {"name": "dagger-test", "seed": 2, "environment": "\(environment)", "model": "least-squares",
             "planner": {"type": "random-shooting", "sequenceCount": 16, "horizon": 4}, "planning": {"particleCount": 1},
             "acting": {"exploration": \(exploration)},
             "loop": {\(loop)},
             "output": {"directory": "\(directory.path)", "progress": "quiet"}}
            """))
    }

    func records(_ directory: URL) throws -> [EpisodeRecord] {
        try String(contentsOf: directory.appendingPathComponent("events.jsonl"), encoding: .utf8)
            .split(separator: "\n").map { try JSONDecoder().decode(EpisodeRecord.self, from: Data($0.utf8)) }
    }

    @Test func everyFitDrawsTheExpertFractionFromEachSource() throws {
        let directory = temporaryDirectory("dagger-mixing")
        defer { try? FileManager.default.removeItem(at: directory) }
        let loop = #""explorationEpisodes": 2, "episodes": 3, "trainEvery": 0, "modelData": "expert-and-learner", "expertFraction": 0.75"#
        _ = try MBRLLoop(recipe: recipe(directory: directory, loop: loop), registry: registry()).run()
        let training = try records(directory).filter { $0.phase == "training" }
        #expect(training.count == 3)
        // 2 random exploration episodes of 60 steps are the expert data; each training episode
        // (60 steps) adds to the learner data. The first fit has expert rows only; later fits
        // hold as many rows as both sources, three quarters of them expert rows.
        #expect(training[0].metrics["modelFitExpertRows"] == 120 && training[0].metrics["modelFitLearnerRows"] == 0)
        #expect(training[1].metrics["modelFitExpertRows"] == 135 && training[1].metrics["modelFitLearnerRows"] == 45)
        #expect(training[2].metrics["modelFitExpertRows"] == 180 && training[2].metrics["modelFitLearnerRows"] == 60)
        // The checkpoint keeps the two sources apart; the expert data is also written on its own.
        let checkpoint = try Checkpoint(contentsOf: directory.appendingPathComponent("checkpoint.mbrl"))
        #expect(try ReplayBuffer(checkpoint: checkpoint, prefix: "replayBuffer").count == 120)
        #expect(try ReplayBuffer(checkpoint: checkpoint, prefix: "learnerBuffer").count == 180)
        #expect(try ReplayBuffer(contentsOf: directory.appendingPathComponent("expert-transitions.mbrl")).count == 120)
    }

    @Test func expertTransitionsFromAFileAreTheExpertData() throws {
        let first = temporaryDirectory("dagger-file-source"), second = temporaryDirectory("dagger-file-user")
        defer { for url in [first, second] { try? FileManager.default.removeItem(at: url) } }
        let sourceLoop = #""explorationEpisodes": 1, "episodes": 1, "modelData": "expert-and-learner""#
        _ = try MBRLLoop(recipe: recipe(directory: first, loop: sourceLoop), registry: registry()).run()
        let file = first.appendingPathComponent("expert-transitions.mbrl").path
        let loop = #""explorationEpisodes": 0, "episodes": 2, "trainEvery": 0, "modelData": "expert-and-learner", "expertTransitions": "\#(file)""#
        _ = try MBRLLoop(recipe: recipe(directory: second, loop: loop), registry: registry()).run()
        let training = try records(second).filter { $0.phase == "training" }
        #expect(training.map { $0.metrics["modelFitExpertRows"] } == [60, 60])
        #expect(training.map { $0.metrics["modelFitLearnerRows"] } == [0, 60])
        // A run directory names its checkpoint's transitions (expert and pooled data alike).
        let pooled = #""explorationEpisodes": 0, "episodes": 1, "expertTransitions": "\#(first.path)""#
        #expect(buildRefusal(try recipeJSON(directory: temporaryDirectory("unused"), loop: pooled), registry: registry()) == nil)
    }

    func recipeJSON(directory: URL, loop: String, environment: String = "PointMassWall-v0") -> String {
        """
        {"environment": "\(environment)", "model": "least-squares", "planner": {"type": "random-shooting", "sequenceCount": 8, "horizon": 3},
         "planning": {"particleCount": 1}, "loop": {\(loop)}, "output": {"directory": "\(directory.path)", "progress": "quiet"}}
        """
    }

    @Test func missingCorruptOrMismatchedExpertDataIsRefusedBeforeAnyStep() throws {
        let directory = temporaryDirectory("dagger-refusals")
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        func refusal(_ loop: String, environment: String = "PointMassWall-v0") -> String {
            buildRefusal(recipeJSON(directory: directory.appendingPathComponent("run"), loop: loop, environment: environment),
                         registry: registry()) ?? "accepted"
        }
        // Missing.
        let missing = refusal(#""expertTransitions": "/nonexistent/expert.mbrl""#)
        #expect(missing.contains("/nonexistent/expert.mbrl") && missing.contains("does not exist"), "\(missing)")
        // Corrupt.
        let corrupt = directory.appendingPathComponent("corrupt.mbrl")
        try Data("not a checkpoint".utf8).write(to: corrupt)
        let unreadable = refusal(#""expertTransitions": "\#(corrupt.path)""#)
        #expect(unreadable.contains(corrupt.path) && unreadable.contains("not a readable transitions file"), "\(unreadable)")
        // A directory without a checkpoint.
        #expect(refusal(#""expertTransitions": "\#(directory.path)""#).contains("no checkpoint.mbrl"))
        // Other spaces: pendulum transitions (3 observation entries, 1 action) for the point mass (6, 2).
        var pendulum = ReplayBuffer(capacity: 10, observationSize: 3, actionSize: 1)
        try pendulum.append(Transition(observation: [1, 0, 0], action: [0], reward: 0, nextObservation: [1, 0, 0], terminated: false, truncated: false))
        let pendulumFile = directory.appendingPathComponent("pendulum.mbrl")
        try pendulum.save(to: pendulumFile)
        let shapes = refusal(#""expertTransitions": "\#(pendulumFile.path)""#)
        #expect(shapes.contains("[3]") && shapes.contains("[1]") && shapes.contains("[6]") && shapes.contains("[2]"), "\(shapes)")
        #expect(refusal(#""expertTransitions": "\#(pendulumFile.path)""#, environment: "Pendulum-v1") == "accepted")
    }

    @Test func aSavedPolicyInOtherSpacesIsRefusedNamingBothShapes() throws {
        let teacher = temporaryDirectory("dagger-maze-teacher")
        defer { try? FileManager.default.removeItem(at: teacher) }
        let withOptimizers = registry()
        registerPolicyOptimizers(in: withOptimizers)
        _ = try MBRLLoop(recipe: try Recipe(json: try JSONValue(parsing: """
            {"name": "maze", "seed": 5, "environment": "DynaMaze-v0", "policyOptimizer": "dyna-q",
             "loop": {"explorationEpisodes": 0, "episodes": 1, "maxEpisodeSteps": 100},
             "output": {"directory": "\(teacher.path)", "progress": "quiet"}}
            """)), registry: withOptimizers).run()
        let message = buildRefusal("""
            {"environment": "PointMassWall-v0", "model": "least-squares", "planner": "random-shooting",
             "acting": {"exploration": {"type": "saved-policy", "run": "\(teacher.path)"}}, "loop": {"modelData": "expert-and-learner"}}
            """, registry: withOptimizers) ?? "accepted"
        #expect(message.contains("DynaMaze-v0") && message.contains("Discrete(4)") && message.contains("Box [6]") && message.contains("Box [2]"), "\(message)")
        // A damaged checkpoint names the file.
        try Data("damaged".utf8).write(to: teacher.appendingPathComponent("checkpoint.mbrl"))
        let damaged = buildRefusal("""
            {"environment": "DynaMaze-v0", "policyOptimizer": "dyna-q", "acting": {"exploration": {"type": "saved-policy", "run": "\(teacher.path)"}}}
            """, registry: withOptimizers) ?? "accepted"
        #expect(damaged.contains(teacher.appendingPathComponent("checkpoint.mbrl").path), "\(damaged)")
    }

    @Test func loopKeysAreStrict() throws {
        func refusal(_ loop: String) -> String { buildRefusal(recipeJSON(directory: temporaryDirectory("unused"), loop: loop), registry: registry()) ?? "accepted" }
        #expect(refusal(#""modelData": "mixed""#).contains("expert-and-learner"))
        #expect(refusal(#""modelData": "expert-and-learner", "expertFraction": 1.5"#).contains("expertFraction"))
        let typo = refusal(#""expertFracton": 0.5"#)
        #expect(typo.contains("expertFracton") && typo.contains("expertFraction"), "\(typo)")
        #expect(refusal(#""keepBestModel": "yes""#).contains("keepBestModel"))
        #expect(refusal(#""keepBestModel": true"#).contains("evaluationEpisodes"))
        // A policy optimizer sees one buffer, so the split is refused with one.
        let withOptimizers = registry()
        registerPolicyOptimizers(in: withOptimizers)
        #expect(buildRefusal(#"{"environment": "PointMassWall-v0", "model": "least-squares", "planner": "random-shooting", "policyOptimizer": "sac", "loop": {"modelData": "expert-and-learner"}}"#,
                             registry: withOptimizers)?.contains("policy optimizer sees one replay buffer") == true)
        // Without a trainable model there is nothing to mix.
        #expect(buildRefusal(#"{"environment": "DynaMaze-v0", "policyOptimizer": "dyna-q", "loop": {"modelData": "expert-and-learner"}}"#,
                             registry: withOptimizers)?.contains("loop.modelData") == true)
    }

    @Test func theBestIterationIsTheHighestMeanEvaluationReturnEarliestFirst() {
        func record(_ episode: Int, _ phase: String, _ episodeReturn: Double, success: Double = 0) -> EpisodeRecord {
            (try? JSONDecoder().decode(EpisodeRecord.self, from: Data("""
                {"episode": \(episode), "phase": "\(phase)", "return": \(episodeReturn), "length": 10, "totalSteps": \(episode * 10),
                 "modelFits": \(episode), "planningSecondsPerAction": 0, "wallSeconds": 0, "metrics": {"terminated": \(success)}}
                """.utf8)))!
        }
        let records = [
            record(1, "exploration", 50), record(1, "training", 40), record(1, "evaluation", -10), record(1, "evaluation", -20),
            record(2, "training", -90), record(2, "evaluation", 5, success: 1), record(2, "evaluation", -5),
            record(3, "training", 100), record(3, "evaluation", 0, success: 1), record(3, "evaluation", 0, success: 1),
            record(4, "training", 0), record(4, "evaluation", -30), record(4, "evaluation", -30),
        ]
        // Iterations 2 and 3 tie at a mean of 0; the earlier one is kept. Training returns do not count.
        #expect(BestIteration.select(from: records) == BestIteration(episode: 2, meanReturn: 0, successRate: 0.5, totalSteps: 20))
        #expect(BestIteration.evaluations(in: records).map(\.meanReturn) == [-15, 0, 0, -30])
        #expect(BestIteration.evaluations(in: records).last?.successRate == 0)
        #expect(BestIteration.select(from: records.filter { $0.phase != "evaluation" }) == nil)
    }

    @Test func theBestIterationsModelIsKeptAndCanBeEvaluated() throws {
        let directory = temporaryDirectory("dagger-best-model")
        defer { try? FileManager.default.removeItem(at: directory) }
        let loop = #""explorationEpisodes": 1, "episodes": 4, "trainEvery": 0, "evaluationEpisodes": 1, "modelData": "expert-and-learner", "keepBestModel": true"#
        let summary = try MBRLLoop(recipe: recipe(directory: directory, loop: loop), registry: registry()).run()
        let best = try #require(summary.bestEvaluation)
        #expect(best == BestIteration.select(from: try records(directory)))
        #expect(summary.finalEvaluation?.episode == 4)
        let kept = try Checkpoint(contentsOf: directory.appendingPathComponent("best-model.mbrl"))
        #expect(try kept.metadata(BestIteration.self, forKey: "bestIteration") == best)
        // The kept model is the one that was evaluated: replaying its evaluation seed reproduces the return.
        let saved = try Recipe.load(from: directory.appendingPathComponent("recipe.json"))
        let replay = try MBRLLoop(recipe: saved, registry: registry())
            .evaluateSaved(directory: directory, episodes: 1, seed: 77, bestModel: true)
        #expect(replay.count == 1)
        // Without a kept model, the file is named.
        let plain = temporaryDirectory("dagger-no-best")
        defer { try? FileManager.default.removeItem(at: plain) }
        _ = try MBRLLoop(recipe: recipe(directory: plain, loop: #""explorationEpisodes": 1, "episodes": 1"#), registry: registry()).run()
        #expect(throws: MBRLError.self) {
            _ = try MBRLLoop(recipe: try Recipe.load(from: plain.appendingPathComponent("recipe.json")), registry: registry())
                .evaluateSaved(directory: plain, episodes: 1, seed: 1, bestModel: true)
        }
        #expect(!FileManager.default.fileExists(atPath: plain.appendingPathComponent("best-model.mbrl").path))
    }
}

/// In `LoopTests` (serialized) because it resets the test planner's process-wide plan count, as
/// that suite's own resume test does.
extension LoopTests {
    @Test func aResumedRunKeepsTheSourcesApartAndMatchesAnUninterruptedOne() throws {
        let dagger = ExpertAndLearnerDataTests()
        let whole = temporaryDirectory("dagger-whole"), interrupted = temporaryDirectory("dagger-resumed")
        defer { for url in [whole, interrupted] { try? FileManager.default.removeItem(at: url) } }
        let loop = #""explorationEpisodes": 1, "episodes": 4, "trainEvery": 0, "evaluationEpisodes": 1, "modelData": "expert-and-learner", "keepBestModel": true"#
        var uninterrupted = try dagger.recipe(directory: whole, loop: loop)
        uninterrupted.planner = try JSONValue(parsing: #"{"type": "test-shooting", "candidates": 16, "horizon": 4}"#)
        let reference = try MBRLLoop(recipe: uninterrupted, registry: makeTestRegistry()).run()
        var failing = try dagger.recipe(directory: interrupted, loop: loop)
        failing.planner = try JSONValue(parsing: #"{"type": "test-shooting", "candidates": 16, "horizon": 4, "failAfterPlans": 100}"#)
        #expect(throws: MBRLError.self) { _ = try MBRLLoop(recipe: failing, registry: makeTestRegistry()).run() }
        var resumed = try Recipe.load(from: interrupted.appendingPathComponent("recipe.json"), overrides: ["planner.failAfterPlans=0"])
        resumed.output.directory = interrupted.path
        let finished = try MBRLLoop(recipe: resumed, registry: makeTestRegistry()).run(resume: true)
        #expect(finished.trainingReturns == reference.trainingReturns)
        #expect(finished.bestEvaluation == reference.bestEvaluation)
        let rows = { (url: URL) in try dagger.records(url).map { [$0.metrics["modelFitExpertRows"], $0.metrics["modelFitLearnerRows"]] } }
        #expect(try rows(interrupted) == rows(whole))
    }
}
