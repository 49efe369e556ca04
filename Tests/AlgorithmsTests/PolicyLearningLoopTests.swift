import Algorithms
import Envs
import Foundation
import MBRLCore
import Models
import Testing

/// Recipes with a `policyOptimizer` run through the one loop: Dyna-Q learns the maze, runs
/// resume exactly, a planner can act while an optimizer learns from its data, optimizer metrics
/// become log columns, and combinations that cannot work are refused before any step.
@Suite struct PolicyLearningLoopTests {
    func registry() -> ComponentRegistry {
        let registry = makeTestRegistry()
        registerPolicyOptimizers(in: registry)
        return registry
    }

    func mazeRecipe(directory: URL, optimizer: String = #"{"type": "dyna-q", "planningSteps": 20}"#,
                    episodes: Int = 12) throws -> Recipe {
        try Recipe(json: try JSONValue(parsing: """
            {"name": "maze", "seed": 5, "environment": "DynaMaze-v0", "policyOptimizer": \(optimizer),
             "loop": {"explorationEpisodes": 0, "episodes": \(episodes), "evaluationEpisodes": 1, "evaluateEvery": 4,
                      "maxEpisodeSteps": 2000},
             "output": {"directory": "\(directory.path)", "progress": "quiet"}}
            """))
    }

    func csvRows(_ directory: URL) throws -> [[String: String]] {
        let lines = try String(contentsOf: directory.appendingPathComponent("metrics.csv"), encoding: .utf8).split(separator: "\n")
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        return lines.dropFirst().map { line in
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            return Dictionary(uniqueKeysWithValues: zip(header, fields))
        }
    }

    @Test func dynaQLearnsTheMazeThroughTheLoopAndItsMetricsBecomeColumns() throws {
        let directory = temporaryDirectory("policy-loop-learns")
        defer { try? FileManager.default.removeItem(at: directory) }
        let summary = try MBRLLoop(recipe: try mazeRecipe(directory: directory), registry: registry()).run()
        #expect(summary.trainingEpisodes == 12)
        let rows = try csvRows(directory)
        let lengths = rows.filter { $0["phase"] == "training" }.compactMap { $0["length"].flatMap { Int($0) } }
        // The first episode is a random walk (hundreds of steps); with 20 planning updates per
        // step the agent follows a near-shortest (14-step) path within a few episodes.
        #expect((lengths.first ?? 0) > 60)
        #expect(lengths.suffix(4).allSatisfy { $0 <= 24 }, "late episode lengths \(lengths)")
        // Dyna-Q reports 1 + 20 Q updates per real step; the mean over an episode is exactly 21.
        #expect(rows.filter { $0["phase"] == "training" }.allSatisfy { $0["qUpdates"] == "21.0" }, "\(rows.first ?? [:])")
        #expect(rows.first?["tdError"]?.isEmpty == false)
        let resolved = try JSONValue(parsing: String(contentsOf: directory.appendingPathComponent("recipe.json"), encoding: .utf8))
        #expect(resolved["policyOptimizer"]?["discount"] == .number(0.95))   // defaults written out
        #expect(resolved["model"] == .null)
        #expect(resolved["acting"]?["training"] == .string("policy"))

        let evaluation = try MBRLLoop(recipe: try mazeRecipe(directory: directory), registry: registry())
            .evaluateSaved(directory: directory, episodes: 2, seed: 1)
        #expect(evaluation.allSatisfy { $0.length <= 20 && $0.episodeReturn == 1 }, "\(evaluation.map(\.length))")
    }

    @Test(arguments: [#"{"type": "dyna-q-plus", "planningSteps": 10}"#, #"{"type": "prioritized-sweeping", "planningSteps": 10}"#])
    func resumedRunMatchesAnUninterruptedOne(optimizer: String) throws {
        let whole = temporaryDirectory("policy-loop-whole")
        let split = temporaryDirectory("policy-loop-split")
        defer {
            try? FileManager.default.removeItem(at: whole)
            try? FileManager.default.removeItem(at: split)
        }
        let uninterrupted = try MBRLLoop(recipe: try mazeRecipe(directory: whole, optimizer: optimizer), registry: registry()).run()
        // Stop after 5 episodes, then resume the saved run with the full budget.
        _ = try MBRLLoop(recipe: try mazeRecipe(directory: split, optimizer: optimizer, episodes: 5), registry: registry()).run()
        var resumed = try Recipe.load(from: split.appendingPathComponent("recipe.json"), overrides: ["loop.episodes=12"])
        resumed.output.directory = split.path
        let finished = try MBRLLoop(recipe: resumed, registry: registry()).run(resume: true)
        #expect(finished.trainingReturns == uninterrupted.trainingReturns)
        #expect(finished.totalSteps == uninterrupted.totalSteps)
        let deterministic = ["episode", "phase", "return", "length", "total_steps", "qUpdates", "tdError", "priority", "queueLength"]
        func table(_ url: URL) throws -> [[String?]] { try csvRows(url).map { row in deterministic.map { row[$0] } } }
        #expect(try table(split) == table(whole))
    }

    func plannerAndLearnerRecipe(directory: URL, episodes: Int) throws -> Recipe {
        try Recipe(json: try JSONValue(parsing: """
            {"name": "imitation", "seed": 3, "environment": "Pendulum-v1", "model": "least-squares",
             "planner": {"type": "test-shooting", "candidates": 32, "horizon": 5},
             "policyOptimizer": "test-regression",
             "acting": {"evaluation": "policy"},
             "loop": {"explorationEpisodes": 1, "episodes": \(episodes), "trainEvery": 0, "maxEpisodeSteps": 30,
                      "evaluationEpisodes": 1},
             "output": {"directory": "\(directory.path)", "progress": "quiet"}}
            """))
    }

    @Test func aPlannerActsWhileAPolicyOptimizerLearnsAndTheRunResumesAndEvaluates() throws {
        let whole = temporaryDirectory("planner-learner-whole")
        let split = temporaryDirectory("planner-learner-split")
        defer {
            try? FileManager.default.removeItem(at: whole)
            try? FileManager.default.removeItem(at: split)
        }
        let summary = try MBRLLoop(recipe: try plannerAndLearnerRecipe(directory: whole, episodes: 4), registry: registry()).run()
        #expect(summary.trainingEpisodes == 4 && summary.modelFits == 4)
        let rows = try csvRows(whole)
        // The optimizer saw every stored step (30 exploration + 4 x 30 training) and fitted once per model fit.
        // (Metrics are means over the episode's steps: steps 121...150 of the last episode.)
        #expect(rows.last(where: { $0["phase"] == "training" })?["stepsSeen"] == "135.5")
        #expect(rows.filter { $0["phase"] == "training" }.allSatisfy { !($0["regressionError"] ?? "").isEmpty })
        #expect(rows.contains { $0["phase"] == "evaluation" })
        let resolved = try JSONValue(parsing: String(contentsOf: whole.appendingPathComponent("recipe.json"), encoding: .utf8))
        #expect(resolved["acting"]?["training"] == .string("planner"))
        #expect(resolved["acting"]?["evaluation"] == .string("policy"))

        _ = try MBRLLoop(recipe: try plannerAndLearnerRecipe(directory: split, episodes: 2), registry: registry()).run()
        var resumed = try Recipe.load(from: split.appendingPathComponent("recipe.json"), overrides: ["loop.episodes=4"])
        resumed.output.directory = split.path
        let finished = try MBRLLoop(recipe: resumed, registry: registry()).run(resume: true)
        #expect(finished.trainingReturns == summary.trainingReturns)
        let columns = ["episode", "phase", "return", "length", "total_steps", "model_fits", "stepsSeen", "regressionError"]
        #expect(try csvRows(split).map { row in columns.map { row[$0] } } == rows.map { row in columns.map { row[$0] } })

        // The saved run evaluates with its evaluation agent, the learned linear policy.
        let evaluation = try MBRLLoop(recipe: resumed, registry: registry()).evaluateSaved(directory: split, episodes: 2, seed: 4)
        #expect(evaluation.count == 2 && evaluation.allSatisfy { $0.length == 30 })
    }

    @Test func anOptimizerNeedingAnEnsembleIsRefusedWithASingleMLPNamingBoth() throws {
        let registry = registry()
        registerModels(in: registry)
        let recipe = try Recipe(json: try JSONValue(parsing: """
            {"environment": "Pendulum-v1", "model": "deterministic-mlp", "policyOptimizer": "needs-ensemble",
             "output": {"progress": "quiet"}}
            """))
        do {
            _ = try MBRLLoop(recipe: recipe, registry: registry)
            Issue.record("a single MLP was accepted for an optimizer that needs an ensemble")
        } catch {
            let message = "\(error)"
            #expect(message.contains("needs-ensemble") && message.contains("deterministic-mlp") && message.contains("ensemble"), "\(message)")
        }
    }

    @Test func agentPairingsThatCannotWorkAreRefusedBeforeAnyStep() throws {
        func refusal(_ json: String) -> String? { buildRefusal(json, registry: registry()) }
        // A policy acting without a policy optimizer.
        #expect(refusal(#"{"environment": "Pendulum-v1", "model": "least-squares", "planner": "test-shooting", "acting": {"training": "policy"}}"#)?
            .contains("acting.training") == true)
        // The recipe's planner exploring before its model is fitted.
        #expect(refusal(#"{"environment": "Pendulum-v1", "model": "least-squares", "planner": "test-shooting", "acting": {"exploration": "planner"}}"#)?
            .contains("acting.exploration") == true)
        // An unknown agent, with a suggestion.
        #expect(refusal(#"{"environment": "Pendulum-v1", "model": "least-squares", "planner": "test-shooting", "acting": {"training": "planer"}}"#)?
            .contains("did you mean") == true)
        // A saved policy from a directory that holds no run.
        #expect(refusal(#"{"environment": "Pendulum-v1", "model": "least-squares", "planner": "test-shooting", "acting": {"exploration": {"type": "saved-policy", "run": "/nonexistent/run"}}}"#)?
            .contains("not a finished or checkpointed run") == true)
        // A tabular optimizer on a continuous environment.
        #expect(refusal(#"{"environment": "Pendulum-v1", "policyOptimizer": "dyna-q"}"#)?.contains("policyOptimizer") == true)
        // A planning recipe without a model.
        #expect(refusal(#"{"environment": "Pendulum-v1", "model": null, "planner": "test-shooting"}"#)?.contains("model") == true)
    }

    @Test func aSavedPolicyActsAsAnExpertInAnotherRun() throws {
        let teacher = temporaryDirectory("saved-policy-teacher")
        let student = temporaryDirectory("saved-policy-student")
        defer {
            try? FileManager.default.removeItem(at: teacher)
            try? FileManager.default.removeItem(at: student)
        }
        _ = try MBRLLoop(recipe: try mazeRecipe(directory: teacher, episodes: 12), registry: registry()).run()
        // The student explores with the teacher's saved Dyna-Q policy: its exploration episodes
        // reach the goal in a near-shortest number of steps (a random walk takes hundreds).
        let recipe = try Recipe(json: try JSONValue(parsing: """
            {"name": "student", "seed": 9, "environment": "DynaMaze-v0", "policyOptimizer": "dyna-q",
             "acting": {"exploration": {"type": "saved-policy", "run": "\(teacher.path)"}},
             "loop": {"explorationEpisodes": 3, "episodes": 1, "maxEpisodeSteps": 2000},
             "output": {"directory": "\(student.path)", "progress": "quiet"}}
            """))
        _ = try MBRLLoop(recipe: recipe, registry: registry()).run()
        let exploration = try csvRows(student).filter { $0["phase"] == "exploration" }.compactMap { $0["length"].flatMap { Int($0) } }
        #expect(exploration.count == 3 && exploration.allSatisfy { $0 <= 30 }, "\(exploration)")
    }

    @Test func aTrueDynamicsPlannerExploresAsAnExpert() throws {
        let directory = temporaryDirectory("true-dynamics-expert")
        defer { try? FileManager.default.removeItem(at: directory) }
        let registry = registry()
        let recipe = try Recipe(json: try JSONValue(parsing: """
            {"name": "expert", "seed": 2, "environment": "Pendulum-v1", "model": "least-squares",
             "planner": {"type": "test-shooting", "candidates": 200, "horizon": 15},
             "acting": {"exploration": {"type": "planner", "model": "true-dynamics"}},
             "loop": {"explorationEpisodes": 1, "episodes": 1, "maxSteps": 60},
             "output": {"directory": "\(directory.path)", "progress": "quiet"}}
            """))
        _ = try MBRLLoop(recipe: recipe, registry: registry).run()
        let rows = try csvRows(directory)
        // Random torques from Pendulum's reset states earn about -6 per step; planning on the
        // true dynamics keeps the pendulum nearer upright.
        _ = try MBRLLoop(recipe: try Recipe(json: try JSONValue(parsing: """
            {"name": "random", "seed": 2, "environment": "Pendulum-v1", "model": "least-squares", "planner": "test-shooting",
             "loop": {"explorationEpisodes": 1, "episodes": 1, "maxSteps": 60},
             "output": {"directory": "\(directory.path)-random", "progress": "quiet"}}
            """)), registry: registry).run()
        defer { try? FileManager.default.removeItem(at: URL(fileURLWithPath: directory.path + "-random")) }
        let randomRows = try csvRows(URL(fileURLWithPath: directory.path + "-random"))
        #expect(rows.count == 1 && randomRows.count == 1)
        let expertReturn = Double(rows.first?["return"] ?? "") ?? -.infinity
        let randomReturn = Double(randomRows.first?["return"] ?? "") ?? .infinity
        #expect(expertReturn > randomReturn, "expert \(expertReturn), random \(randomReturn)")
    }

    @Test func aMazeExperimentFileIsRecognisedByRun() throws {
        do {
            _ = try Recipe(json: try JSONValue(parsing: #"{"environment": "DynaMaze-v0", "measure": "steps-per-episode", "agents": []}"#))
            Issue.record("a maze experiment was accepted as a recipe")
        } catch {
            #expect("\(error)".contains("mbrl-run maze"), "\(error)")
        }
    }
}
