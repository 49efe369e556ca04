import Algorithms
import Envs
import Foundation
import MBRLCore
import Models
import Planners
import Testing

/// A shortened real recipe, end to end with the registered components, that must learn.
@Suite struct RecipeLearningTests {
    @Test func mpcThroughALearnedModelBeatsRandomActionsOnPendulum() throws {
        let directory = temporaryDirectory("recipe-learning")
        defer { try? FileManager.default.removeItem(at: directory) }
        let registry = ComponentRegistry()
        registerEnvironments(in: registry)
        registerModels(in: registry)
        registerPlanners(in: registry)
        let recipe = try Recipe(json: try JSONValue(parsing: """
            {"name": "learning", "seed": 0, "environment": "Pendulum-v1",
             "model": {"type": "deterministic-mlp", "hiddenSizes": [64, 64], "training": {"epochs": 40, "patience": 10}},
             "planner": {"type": "random-shooting", "horizon": 15, "sequenceCount": 500},
             "planning": {"particleCount": 1},
             "loop": {"explorationEpisodes": 0, "explorationSteps": 1000, "episodes": 3, "trainEvery": 200},
             "output": {"directory": "\(directory.path)", "progress": "quiet"}}
            """))
        let summary = try MBRLLoop(recipe: recipe, registry: registry).run()
        let events = try String(contentsOf: directory.appendingPathComponent("events.jsonl"), encoding: .utf8)
            .split(separator: "\n").map { try JSONDecoder().decode(EpisodeRecord.self, from: Data($0.utf8)) }
        let random = events.filter { $0.phase == "exploration" }.map(\.episodeReturn)
        let randomMean = random.reduce(0, +) / Double(random.count)
        let plannedMean = summary.trainingReturns.reduce(0, +) / Double(summary.trainingReturns.count)
        // Random torques earn about -1,100 per episode; planning through the fitted model keeps
        // the pendulum near upright for most of the episode.
        #expect(random.count == 5)
        #expect(plannedMean > randomMean + 400, "random \(random), planned \(summary.trainingReturns)")
        #expect(plannedMean > -600, "planned \(summary.trainingReturns)")
    }
}
