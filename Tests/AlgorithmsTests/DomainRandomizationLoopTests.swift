import Algorithms
import Envs
import Foundation
import MBRLCore
import Testing

/// A recipe's `"environment": {"id": ..., "randomize": ...}` runs through the loop: the drawn
/// parameters become `env.<name>` columns, a stopped and resumed run draws and plays exactly what
/// the uninterrupted run did, and `--set` reaches an environment named by a string.
@Suite struct DomainRandomizationLoopTests {
    func recipe(directory: URL, episodes: Int) throws -> Recipe {
        try Recipe(json: try JSONValue(parsing: """
            {"name": "randomized", "seed": 3,
             "environment": {"id": "Pendulum-v1", "randomize": {"mass": [0.7, 1.3], "length": [0.7, 1.3]}, "parameters": {"gravity": 9.81}},
             "model": "least-squares", "planner": {"type": "test-shooting", "candidates": 16, "horizon": 4},
             "loop": {"explorationEpisodes": 1, "episodes": \(episodes), "trainEvery": 0, "maxEpisodeSteps": 20,
                      "evaluationEpisodes": 1, "evaluateEvery": 2},
             "output": {"directory": "\(directory.path)", "progress": "quiet"}}
            """))
    }

    func csvRows(_ directory: URL) throws -> [[String: String]] {
        let lines = try String(contentsOf: directory.appendingPathComponent("metrics.csv"), encoding: .utf8).split(separator: "\n")
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        return lines.dropFirst().map { line in
            Dictionary(uniqueKeysWithValues: zip(header, line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)))
        }
    }

    @Test func drawnParametersAreLoggedAndAResumedRunDrawsTheSame() throws {
        let whole = temporaryDirectory("randomized-whole")
        let split = temporaryDirectory("randomized-split")
        defer {
            try? FileManager.default.removeItem(at: whole)
            try? FileManager.default.removeItem(at: split)
        }
        let uninterrupted = try MBRLLoop(recipe: try recipe(directory: whole, episodes: 6), registry: makeTestRegistry()).run()
        _ = try MBRLLoop(recipe: try recipe(directory: split, episodes: 3), registry: makeTestRegistry()).run()
        var resumed = try Recipe.load(from: split.appendingPathComponent("recipe.json"), overrides: ["loop.episodes=6"])
        resumed.output.directory = split.path
        let finished = try MBRLLoop(recipe: resumed, registry: makeTestRegistry()).run(resume: true)
        #expect(finished.trainingReturns == uninterrupted.trainingReturns)

        let rows = try csvRows(whole)
        let masses = rows.compactMap { $0["env.mass"].flatMap(Double.init) }
        #expect(masses.count == rows.count && rows.count >= 7)
        #expect(masses.allSatisfy { (0.7...1.3).contains($0) } && Set(masses).count == masses.count)
        #expect(rows.allSatisfy { $0["env.gravity"].flatMap(Double.init) == 9.81 })
        let columns = ["episode", "phase", "return", "env.mass", "env.length", "env.gravity"]
        #expect(try csvRows(split).map { row in columns.map { row[$0] } } == rows.map { row in columns.map { row[$0] } })

        // The saved recipe names the environment by "type", with every setting written out.
        let saved = try Recipe.load(from: whole.appendingPathComponent("recipe.json"))
        #expect(saved.environment["type"] == .string("Pendulum-v1") && saved.environment["id"] == nil)
        #expect(saved.environment["randomize"]?["mass"] == .array([.number(0.7), .number(1.3)]))

        // Held-out evaluation: fixed parameters instead of the ranges.
        var heldOut = try Recipe.load(from: whole.appendingPathComponent("recipe.json"),
                                      overrides: ["environment.randomize={}", "environment.parameters.mass=1.4"])
        heldOut.output.directory = whole.path
        let records = try MBRLLoop(recipe: heldOut, registry: makeTestRegistry()).evaluateSaved(directory: whole, episodes: 2, seed: 9)
        #expect(records.allSatisfy { $0.metrics["env.mass"] == 1.4 && $0.metrics["env.length"] == 1 })
    }

    @Test func setReachesAnEnvironmentNamedByAString() throws {
        var json = try JSONValue(parsing: #"{"environment": "Pendulum-v1"}"#)
        try Recipe.applyOverrides(["environment.parameters.mass=1.4"], to: &json)
        #expect(json["environment"] == .object(["type": .string("Pendulum-v1"), "parameters": .object(["mass": .number(1.4)])]))
    }
}
