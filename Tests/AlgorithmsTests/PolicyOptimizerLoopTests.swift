import Algorithms
import Envs
import Foundation
import MBRLCore
import Testing

/// Recipes with a `policyOptimizer` run through `PolicyOptimizerLoop`: Dyna-Q learns the maze,
/// runs resume exactly, and bad combinations are refused before any step.
@Suite struct PolicyOptimizerLoopTests {
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

    @Test func dynaQLearnsTheMazeThroughTheLoop() throws {
        let directory = temporaryDirectory("policy-loop-learns")
        defer { try? FileManager.default.removeItem(at: directory) }
        let summary = try PolicyOptimizerLoop(recipe: try mazeRecipe(directory: directory), registry: registry()).run()
        #expect(summary.trainingEpisodes == 12)
        let metrics = try String(contentsOf: directory.appendingPathComponent("metrics.csv"), encoding: .utf8)
        var lengths: [Int] = []
        for line in metrics.split(separator: "\n").dropFirst() {
            let fields: [Substring] = line.split(separator: ",", omittingEmptySubsequences: false)
            if fields[1] == "training" { lengths.append(Int(fields[3]) ?? 0) }
        }
        // The first episode is a random walk (hundreds of steps); with 20 planning updates per
        // step the agent follows a near-shortest (14-step) path within a few episodes.
        #expect(lengths[0] > 60)
        #expect(lengths.suffix(4).allSatisfy { $0 <= 24 }, "late episode lengths \(lengths)")
        let resolved = try JSONValue(parsing: String(contentsOf: directory.appendingPathComponent("recipe.json"), encoding: .utf8))
        #expect(resolved["policyOptimizer"]?["discount"] == .number(0.95))   // defaults written out
        #expect(resolved["model"] == .null)
        #expect(resolved["planner"] == nil)

        let evaluation = try PolicyOptimizerLoop(recipe: try mazeRecipe(directory: directory), registry: registry())
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
        let uninterrupted = try PolicyOptimizerLoop(recipe: try mazeRecipe(directory: whole, optimizer: optimizer),
                                                    registry: registry()).run()
        // Stop after 5 episodes, then resume the saved run with the full budget.
        _ = try PolicyOptimizerLoop(recipe: try mazeRecipe(directory: split, optimizer: optimizer, episodes: 5),
                                    registry: registry()).run()
        var resumed = try Recipe.load(from: split.appendingPathComponent("recipe.json"), overrides: ["loop.episodes=12"])
        resumed.output.directory = split.path
        let finished = try PolicyOptimizerLoop(recipe: resumed, registry: registry()).run(resume: true)
        #expect(finished.trainingReturns == uninterrupted.trainingReturns)
        #expect(finished.totalSteps == uninterrupted.totalSteps)
        func lengths(_ url: URL) throws -> [String] {
            try String(contentsOf: url.appendingPathComponent("metrics.csv"), encoding: .utf8).split(separator: "\n")
                .map { $0.split(separator: ",", omittingEmptySubsequences: false).prefix(5).joined(separator: ",") }
        }
        #expect(try lengths(split) == lengths(whole))
    }

    @Test func aPlannerAndAPolicyOptimizerTogetherAreRefused() throws {
        #expect(throws: RecipeError.self) {
            _ = try Recipe(json: try JSONValue(parsing: """
                {"environment": "DynaMaze-v0", "planner": "cem", "policyOptimizer": "dyna-q"}
                """))
        }
    }

    @Test func aTabularOptimizerOnAContinuousEnvironmentIsRefusedBeforeAnyStep() throws {
        let recipe = try Recipe(json: try JSONValue(parsing: """
            {"environment": "Pendulum-v1", "policyOptimizer": "dyna-q", "output": {"progress": "quiet"}}
            """))
        do {
            _ = try PolicyOptimizerLoop(recipe: recipe, registry: registry())
            Issue.record("a continuous environment was accepted")
        } catch {
            #expect("\(error)".contains("policyOptimizer"))
        }
    }

    @Test func aPlanningRecipeIsRefusedByThePolicyLoopAndAPolicyRecipeByThePlanningLoop() throws {
        let directory = temporaryDirectory("policy-loop-kinds")
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(throws: RecipeError.self) {
            _ = try MBRLLoop(recipe: try mazeRecipe(directory: directory), registry: registry())
        }
        let planning = try Recipe(json: try JSONValue(parsing: #"{"environment": "Pendulum-v1"}"#))
        #expect(throws: RecipeError.self) { _ = try PolicyOptimizerLoop(recipe: planning, registry: registry()) }
    }
}
