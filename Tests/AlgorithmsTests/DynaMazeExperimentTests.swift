import Algorithms
import Envs
import Foundation
import MBRLCore
import Testing

/// The shapes of Sutton & Barto's chapter 8 figures, on few repetitions.
@Suite struct DynaMazeExperimentTests {
    func run(_ text: String) throws -> MazeExperimentResult {
        let experiment = try MazeExperiment(json: JSONValue(parsing: text))
        return try MazeExperimentRunner(experiment: experiment, registry: makeDynaTestRegistry()).run()
    }

    @Test func figure8Point2Shape() throws {
        let result = try run("""
            {"environment": "DynaMaze-v0", "measure": "steps-per-episode", "episodes": 10, "repetitions": 10, "agents": [
              {"label": "n = 0", "optimizer": {"type": "dyna-q", "planningSteps": 0}},
              {"label": "n = 5", "optimizer": {"type": "dyna-q", "planningSteps": 5}},
              {"label": "n = 50", "optimizer": {"type": "dyna-q", "planningSteps": 50}}]}
            """)
        #expect(result.fewestSteps == 14)
        let none = result.agents[0].mean, five = result.agents[1].mean, fifty = result.agents[2].mean
        // The first episode is a random walk (all values zero, ties broken at random), the same
        // walk for every n because acting draws from the same seed.
        #expect(none[0] > 300)
        #expect(none[0] == five[0] && five[0] == fifty[0])
        #expect(result.agents[0].repetitions.map { $0[0] } == result.agents[2].repetitions.map { $0[0] })
        #expect(fifty[4] < 20)
        #expect(none[4] > 40)
        #expect(fifty[2] < 25)                       // n = 50 is near the optimum by episode 3
        #expect(five[1] < none[1] && fifty[1] < five[1])
        #expect(fifty.allSatisfy { $0 >= 14 })
    }

    @Test func firstEpisodeIsARandomWalkOfAbout869StepsOnAverage() {
        // The expected number of steps of a uniform random walk from S to G in the Example 8.1
        // maze, from the hitting-time equations h(s) = 1 + mean over actions of h(s'), h(G) = 0
        // (Gauss-Seidel). This is what the first episode of every agent averages to.
        let maze = DynaMaze()
        let layout = maze.layout
        var hitting = [Double](repeating: 0, count: layout.cellCount)
        for _ in 0..<20_000 {
            for index in 0..<layout.cellCount {
                let cell = maze.cell(ofStateIndex: index)
                guard cell != layout.goal, !layout.walls.contains(cell) else { continue }
                let total = DynaMaze.Action.allCases.reduce(0.0) { sum, action in
                    sum + hitting[maze.stateIndex(of: maze.destination(from: cell, action: action, afterSteps: 0))]
                }
                hitting[index] = 1 + total / 4
            }
        }
        #expect(abs(hitting[maze.stateIndex(of: layout.start)] - 868.7) < 0.1)
    }

    @Test func dynaQPlusFindsTheShortcutAndDynaQDoesNot() throws {
        let result = try run("""
            {"environment": "ShortcutMaze-v0", "measure": "cumulative-reward", "steps": 6000, "changeStep": 3000, "repetitions": 4,
             "agents": [
              {"label": "Dyna-Q", "optimizer": {"type": "dyna-q", "planningSteps": 50, "stepSize": 1}},
              {"label": "Dyna-Q+", "optimizer": {"type": "dyna-q-plus", "planningSteps": 50, "stepSize": 1}}]}
            """)
        let dyna = result.agents[0].summary, plus = result.agents[1].summary
        let dynaAfter = try #require(dyna["rewardAfterChange"]), plusAfter = try #require(plus["rewardAfterChange"])
        #expect(plusAfter > dynaAfter * 1.2)
        #expect(dyna["finalGreedyPathShortestFraction"] == 0)
        #expect((plus["finalGreedyPathShortestFraction"] ?? 0) >= 0.5)
        #expect(result.agents[0].mean.count == 6000)
        #expect(zip(result.agents[1].mean, result.agents[1].mean.dropFirst()).allSatisfy { $0 <= $1 })
    }

    @Test func dynaQPlusRecoversFromTheBlockingWallEveryTime() throws {
        let result = try run("""
            {"environment": "BlockingMaze-v0", "measure": "cumulative-reward", "steps": 3000, "changeStep": 1000, "repetitions": 10,
             "agents": [
              {"label": "Dyna-Q", "optimizer": {"type": "dyna-q", "planningSteps": 10, "stepSize": 1}},
              {"label": "Dyna-Q+", "optimizer": {"type": "dyna-q-plus", "planningSteps": 10, "stepSize": 1}}]}
            """)
        // Dyna-Q+ finds the new path in every run; Dyna-Q, whose values of the blocked region
        // only decay, stays stuck in some runs, so its mean is lower.
        let afterChange = result.agents.map { agent in agent.repetitions.map { $0[2999] - $0[999] } }
        #expect(afterChange[1].allSatisfy { $0 > 40 })
        #expect(afterChange[0].contains { $0 < 5 })
        #expect((result.agents[1].summary["rewardAfterChange"] ?? 0) > (result.agents[0].summary["rewardAfterChange"] ?? 0))
        #expect((result.agents[1].summary["finalCumulativeReward"] ?? 0) > (result.agents[0].summary["finalCumulativeReward"] ?? 0))
        // Right after the wall moves the old path is blocked: both agents earn almost nothing
        // for a while (the flat stretch of Figure 8.4).
        for agent in result.agents {
            #expect(agent.mean[1099] - agent.mean[999] < 3)
        }
    }

    @Test func sameSeedSameNumbersAndOtherAgentsDoNotMatter() throws {
        let pair = """
            {"environment": "DynaMaze-v0", "episodes": 5, "repetitions": 3, "seed": 11, "agents": [
              {"label": "a", "optimizer": {"type": "dyna-q", "planningSteps": 5}},
              {"label": "b", "optimizer": "dyna-q-plus"}]}
            """
        let single = """
            {"environment": "DynaMaze-v0", "episodes": 5, "repetitions": 3, "seed": 11, "agents": [
              {"label": "b", "optimizer": "dyna-q-plus"}]}
            """
        let first = try run(pair), second = try run(pair), alone = try run(single)
        #expect(first.agents.map(\.repetitions) == second.agents.map(\.repetitions))
        #expect(first.agents[1].repetitions == alone.agents[0].repetitions)
        let otherSeed = try run(pair.replacingOccurrences(of: "\"seed\": 11", with: "\"seed\": 12"))
        #expect(otherSeed.agents[0].repetitions != first.agents[0].repetitions)
    }

    @Test func recorderWritesTheRunDirectory() throws {
        let experiment = try MazeExperiment(json: JSONValue(parsing: """
            {"name": "tiny", "environment": "DynaMaze-v0", "episodes": 3, "repetitions": 2, "agents": [
              {"label": "n = 5", "optimizer": {"type": "dyna-q"}}, {"label": "sweeping", "optimizer": "prioritized-sweeping"}]}
            """))
        let runner = try MazeExperimentRunner(experiment: experiment, registry: makeDynaTestRegistry())
        let result = try runner.run()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dyna-recorder-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let recorder = try MazeExperimentRecorder(directory: directory)
        try recorder.write(result, resolvedExperiment: runner.resolvedExperiment, title: "tiny", firstX: 1)
        let mean = try String(contentsOf: recorder.meanURL, encoding: .utf8).split(separator: "\n")
        #expect(mean.first == "episode,n = 5,sweeping")
        #expect(mean.count == 4)
        let repetitions = try String(contentsOf: recorder.repetitionsURL, encoding: .utf8).split(separator: "\n")
        #expect(repetitions.count == 1 + 2 * 2 * 3)
        let svg = try String(contentsOf: recorder.figureURL, encoding: .utf8)
        #expect(svg.hasPrefix("<svg") && svg.contains("sweeping") && svg.contains("shortest path, 14 steps"))
        let summary = try JSONValue(parsing: String(contentsOf: recorder.summaryURL, encoding: .utf8))
        #expect(summary["fewestSteps"] == .number(14))
        let resolved = try JSONValue(parsing: String(contentsOf: recorder.experimentURL, encoding: .utf8))
        #expect(resolved["agents"].map { "\($0)".contains("\"stepSize\":0.1") } == true)
    }

    @Test func shippedRecipesBuild() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let names = ["dyna-maze-figure-8-2", "dyna-blocking-maze", "dyna-shortcut-maze", "prioritized-sweeping-maze"]
        for name in names {
            let experiment = try MazeExperiment.load(from: root.appendingPathComponent("recipes/\(name).json"))
            #expect(experiment.name == name)
            _ = try MazeExperimentRunner(experiment: experiment, registry: makeDynaTestRegistry())
        }
    }
}
