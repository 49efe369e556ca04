import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The built `mbrl-run` next to this package's sources (`swift build -c release` makes it).
private let executable: URL? = {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let candidate = root.appendingPathComponent(".build/release/mbrl-run")
    return FileManager.default.isExecutableFile(atPath: candidate.path) ? candidate : nil
}()

/// A run killed with SIGKILL and resumed ends with the same metrics as an uninterrupted run:
/// a planning run, and a run of a neural policy learner (SAC: networks, target networks, Adam
/// moments and temperature in the checkpoint), MBPO (SAC plus the model and the model-data
/// pool), and guided policy search.
@Suite(.enabled(if: executable != nil, "mbrl-run is not built: run 'swift build -c release' first to enable the kill-and-resume test"))
struct KillResumeTests {
    static let planningRecipe = """
        {"name": "kill-resume", "seed": 5, "environment": "Pendulum-v1",
         "model": {"type": "deterministic-mlp", "hiddenSizes": [32, 32], "training": {"epochs": 10, "patience": 5}},
         "planner": {"type": "random-shooting", "horizon": 8, "sequenceCount": 100},
         "planning": {"particleCount": 1},
         "loop": {"explorationEpisodes": 0, "explorationSteps": 200, "episodes": 5, "trainEvery": 100},
         "output": {"progress": "lines"}}
        """

    static let policyLearningRecipe = """
        {"name": "kill-resume-sac", "seed": 5, "environment": "Pendulum-v1", "model": null,
         "policyOptimizer": {"type": "sac", "learningStarts": 40, "batchSize": 32, "actor": {"hiddenSizes": [32, 32]},
                             "critics": {"hiddenSizes": [32, 32]}},
         "loop": {"explorationEpisodes": 0, "explorationSteps": 40, "episodes": 5, "maxEpisodeSteps": 60},
         "output": {"progress": "lines"}}
        """

    static let modelPolicyLearningRecipe = """
        {"name": "kill-resume-mbpo", "seed": 5, "environment": "Pendulum-v1",
         "model": {"type": "gaussian-ensemble", "ensembleSize": 3, "eliteCount": 2, "hiddenSizes": [16, 16],
                   "training": {"epochs": 5}},
         "policyOptimizer": {"type": "mbpo", "rolloutsPerStep": 2, "sacUpdatesPerStep": 2, "batchSize": 32,
                             "epochLength": 60, "actor": {"hiddenSizes": [32, 32]}, "critics": {"hiddenSizes": [32, 32]}},
         "acting": {"exploration": "policy"},
         "loop": {"explorationEpisodes": 0, "explorationSteps": 60, "episodes": 5, "maxEpisodeSteps": 60, "trainEvery": 30},
         "output": {"progress": "lines"}}
        """

    /// Guided policy search: controllers, dynamics priors, collected samples and the global
    /// policy with its Adam moments in the checkpoint; the run is killed while it collects (or
    /// works on) the first iteration's samples.
    static let guidedPolicySearchRecipe = """
        {"name": "kill-resume-gps", "seed": 5, "environment": "PointMass-v0", "model": null,
         "policyOptimizer": {"type": "gps", "conditions": 2, "samplesPerCondition": 3, "horizon": 30, "policyUpdates": 1000,
                             "policy": {"hiddenSizes": [32, 32]}},
         "acting": {"exploration": "policy", "training": "policy", "evaluation": "policy"},
         "loop": {"explorationEpisodes": 0, "episodes": 12, "maxEpisodeSteps": 30,
                  "initialStates": [[-0.6, -0.6, 0, 0, 0.5, 0.5], [0.6, -0.6, 0, 0, 0.5, 0.5]]},
         "output": {"progress": "lines"}}
        """

    @discardableResult
    func launch(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    func metricsLines(_ directory: URL) -> [String] {
        ((try? String(contentsOf: directory.appendingPathComponent("metrics.csv"), encoding: .utf8)) ?? "")
            .split(separator: "\n").map(String.init)
    }

    /// Every column but the timing ones (planning seconds per action, wall seconds, improvement
    /// seconds per step).
    func deterministicColumns(_ lines: [String]) -> [String] {
        guard let header = lines.first?.split(separator: ",", omittingEmptySubsequences: false) else { return [] }
        let timing: Set<Substring> = ["planning_seconds_per_action", "wall_seconds", "improvementSecondsPerStep"]
        let kept = header.indices.filter { !timing.contains(header[$0]) }
        return lines.map { line in
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            return kept.map { $0 < fields.count ? String(fields[$0]) : "" }.joined(separator: ",")
        }
    }

    @Test(arguments: [(planningRecipe, 7), (policyLearningRecipe, 7), (modelPolicyLearningRecipe, 7), (guidedPolicySearchRecipe, 13)])
    func killedRunResumesToTheSameMetrics(recipe: String, expectedLines: Int) throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("mbrl-kill-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: base) }
        let recipeURL = base.appendingPathComponent("recipe.json")
        try recipe.write(to: recipeURL, atomically: true, encoding: .utf8)
        let whole = base.appendingPathComponent("whole"), killed = base.appendingPathComponent("killed")

        let uninterrupted = try launch(["run", recipeURL.path, "--out", whole.path])
        uninterrupted.waitUntilExit()
        #expect(uninterrupted.terminationStatus == 0)

        // Kill the second run once it has finished the exploration episode and one training episode.
        let victim = try launch(["run", recipeURL.path, "--out", killed.path])
        let deadline = Date().addingTimeInterval(60)
        while metricsLines(killed).count < 3 && victim.isRunning && Date() < deadline { usleep(5_000) }
        #expect(victim.isRunning, "the run finished before it could be killed")
        kill(victim.processIdentifier, SIGKILL)
        victim.waitUntilExit()
        #expect(victim.terminationReason == .uncaughtSignal)
        #expect(metricsLines(killed).count < metricsLines(whole).count)

        let resumed = try launch(["run", "--resume", killed.path])
        resumed.waitUntilExit()
        #expect(resumed.terminationStatus == 0)
        let expected = deterministicColumns(metricsLines(whole))
        #expect(expected.count == expectedLines)   // header, one exploration episode, five training episodes
        #expect(deterministicColumns(metricsLines(killed)) == expected)
    }
}
