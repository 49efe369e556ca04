import Algorithms
import Foundation
import MBRLCore
import Testing

@Suite(.serialized) struct LoopTests {
    func pendulumRecipe(directory: URL, extra: String = "") throws -> Recipe {
        try Recipe(json: try JSONValue(parsing: """
            {"name": "test", "seed": 3, "environment": "Pendulum-v1", "model": "least-squares",
             "planner": {"type": "test-shooting", "candidates": 32, "horizon": 5},
             "planning": {"particleCount": 1},
             "loop": {"explorationEpisodes": 1, "episodes": 3, "trainEvery": 100, "maxSteps": 0 \(extra)},
             "output": {"directory": "\(directory.path)", "progress": "quiet"}}
            """))
    }

    @Test func runWritesEveryOutput() throws {
        let directory = temporaryDirectory("loop-outputs")
        defer { try? FileManager.default.removeItem(at: directory) }
        let summary = try MBRLLoop(recipe: try pendulumRecipe(directory: directory), registry: makeTestRegistry()).run()
        #expect(summary.trainingEpisodes == 3)
        #expect(summary.totalSteps == 800)
        // Fits at the start of training (step 200), then at steps 300, 400, ..., 700.
        #expect(summary.modelFits == 6)
        for file in ["recipe.json", "metrics.csv", "events.jsonl", "summary.json", "checkpoint.mbrl", "learning_curve.svg"] {
            #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent(file).path), "\(file) missing")
        }
        let metrics = try String(contentsOf: directory.appendingPathComponent("metrics.csv"), encoding: .utf8).split(separator: "\n")
        #expect(metrics.count == 5)  // header, 1 exploration, 3 training
        let resolved = try JSONValue(parsing: String(contentsOf: directory.appendingPathComponent("recipe.json"), encoding: .utf8))
        #expect(resolved["planner"]?["candidates"] == .number(32))
        #expect(resolved["loop"]?["replanEvery"] == .number(1))   // defaults written out
        #expect(resolved["model"]?["type"] == .string("least-squares"))
        // A second run into the same directory is refused rather than overwriting it.
        #expect(throws: MBRLError.self) {
            _ = try MBRLLoop(recipe: try pendulumRecipe(directory: directory), registry: makeTestRegistry()).run()
        }
    }

    @Test func resumedRunEndsWithTheSameMetricsAsAnUninterruptedOne() throws {
        let uninterrupted = temporaryDirectory("loop-whole")
        let interrupted = temporaryDirectory("loop-resumed")
        defer {
            try? FileManager.default.removeItem(at: uninterrupted)
            try? FileManager.default.removeItem(at: interrupted)
        }
        let whole = try MBRLLoop(recipe: try pendulumRecipe(directory: uninterrupted), registry: makeTestRegistry()).run()

        // The same run, failing in the middle of its third training episode (after 2.5 x 200 plans).
        var failing = try pendulumRecipe(directory: interrupted)
        failing.planner = try JSONValue(parsing: #"{"type": "test-shooting", "candidates": 32, "horizon": 5, "failAfterPlans": 500}"#)
        #expect(throws: MBRLError.self) { _ = try MBRLLoop(recipe: failing, registry: makeTestRegistry()).run() }
        let partial = try String(contentsOf: interrupted.appendingPathComponent("metrics.csv"), encoding: .utf8)
        #expect(partial.split(separator: "\n").count == 4)  // header, exploration, 2 training episodes

        // Resume with the original planner settings (the failure switch is test-only).
        var resumed = try Recipe.load(from: interrupted.appendingPathComponent("recipe.json"),
                                      overrides: ["planner.failAfterPlans=0"])
        resumed.output.directory = interrupted.path
        let finished = try MBRLLoop(recipe: resumed, registry: makeTestRegistry()).run(resume: true)
        #expect(finished.trainingReturns == whole.trainingReturns)
        #expect(finished.totalSteps == whole.totalSteps && finished.modelFits == whole.modelFits)
        func deterministicColumns(_ url: URL) throws -> [String] {
            try String(contentsOf: url.appendingPathComponent("metrics.csv"), encoding: .utf8).split(separator: "\n")
                .map { $0.split(separator: ",", omittingEmptySubsequences: false).prefix(8).joined(separator: ",") }
        }
        #expect(try deterministicColumns(interrupted) == deterministicColumns(uninterrupted))
    }

    @Test func stopAtReturnEndsTheRunAfterTheFirstEpisodeThatReachesIt() throws {
        let reference = temporaryDirectory("loop-no-stop")
        let stopped = temporaryDirectory("loop-stop")
        defer {
            try? FileManager.default.removeItem(at: reference)
            try? FileManager.default.removeItem(at: stopped)
        }
        let whole = try MBRLLoop(recipe: try pendulumRecipe(directory: reference), registry: makeTestRegistry()).run()
        // The first training episode's return is reached at once: the run ends after it.
        let threshold = try #require(whole.trainingReturns.first)
        let recipe = try pendulumRecipe(directory: stopped, extra: #", "stopAtReturn": \#(threshold)"#)
        let summary = try MBRLLoop(recipe: recipe, registry: makeTestRegistry()).run()
        #expect(summary.trainingReturns == [threshold])
        #expect(summary.totalSteps == 400)
        let resolved = try JSONValue(parsing: String(contentsOf: stopped.appendingPathComponent("recipe.json"), encoding: .utf8))
        #expect(resolved["loop"]?["stopAtReturn"] == .number(threshold))
        let unset = try JSONValue(parsing: String(contentsOf: reference.appendingPathComponent("recipe.json"), encoding: .utf8))
        #expect(unset["loop"]?["stopAtReturn"] == .null)
    }

    @Test func versionZeroPointFiveFitsOnceAndNeverStoresPlannedData() throws {
        let directory = temporaryDirectory("loop-v05")
        defer { try? FileManager.default.removeItem(at: directory) }
        let recipe = try pendulumRecipe(directory: directory, extra: #", "aggregateData": false"#)
        let summary = try MBRLLoop(recipe: recipe, registry: makeTestRegistry()).run()
        #expect(summary.modelFits == 1)
        let checkpoint = try Checkpoint(contentsOf: directory.appendingPathComponent("checkpoint.mbrl"))
        let buffer = try ReplayBuffer(checkpoint: checkpoint, prefix: "replayBuffer")
        #expect(buffer.count == 200)  // only the exploration episode
    }

    @Test func explorationStepsSpanEpisodesAndStopExactly() throws {
        let directory = temporaryDirectory("loop-exploration")
        defer { try? FileManager.default.removeItem(at: directory) }
        let recipe = try Recipe(json: try JSONValue(parsing: """
            {"name": "test", "environment": "ContinuousCartPole-v0", "model": "least-squares",
             "planner": {"type": "test-shooting", "candidates": 8, "horizon": 3}, "planning": {"particleCount": 1},
             "loop": {"explorationEpisodes": 1, "explorationSteps": 150, "episodes": 1, "maxSteps": 160},
             "output": {"directory": "\(directory.path)", "progress": "quiet"}}
            """))
        _ = try MBRLLoop(recipe: recipe, registry: makeTestRegistry()).run()
        let events = try String(contentsOf: directory.appendingPathComponent("events.jsonl"), encoding: .utf8)
            .split(separator: "\n").map { try JSONDecoder().decode(EpisodeRecord.self, from: Data($0.utf8)) }
        let exploration = events.filter { $0.phase == "exploration" }
        // Random cart-pole episodes last about 20 steps, so 150 steps take several of them.
        #expect(exploration.count > 2)
        #expect(exploration.last?.totalSteps == 150)
        #expect(exploration.map(\.episode) == Array(1...exploration.count))
    }
}
