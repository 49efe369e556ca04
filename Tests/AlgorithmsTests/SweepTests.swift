import Algorithms
import Envs
import Foundation
import MBRLCore
import Models
import Planners
import Testing

/// Sweep files, their expansion into points and runs, the checks made before anything runs,
/// the Slurm job script and queue parsing, run states and the report's statistics.
struct SweepTests {
    static let mazeRecipe: JSONValue = .object([
        "name": .string("maze"), "environment": .string("DynaMaze-v0"),
        "policyOptimizer": .object(["type": .string("dyna-q"), "planningSteps": .number(5)]),
        "loop": .object(["explorationEpisodes": .number(0), "episodes": .number(3), "maxEpisodeSteps": .number(2000)]),
    ])

    static func registry() -> ComponentRegistry {
        let registry = ComponentRegistry()
        registerEnvironments(in: registry)
        registerModels(in: registry)
        registerPlanners(in: registry)
        registerPolicyOptimizers(in: registry)
        return registry
    }

    static func specification(_ text: String) throws -> SweepSpecification {
        try SweepSpecification(json: try JSONValue(parsing: text), source: "test.json")
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("mbrl-sweep-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func message(of body: () throws -> Void) -> String {
        do { try body() } catch { return "\(error)" }
        return "no error"
    }

    // MARK: - Sweep files

    @Test func sweepFileKeysAreStrictWithSuggestions() {
        let unknown = Self.message { _ = try Self.specification(#"{"recipe": "r.json", "seeds": [0], "grids": {}}"#) }
        #expect(unknown.contains("\"grids\"") && unknown.contains("did you mean grid?"), "\(unknown)")
        let slurm = Self.message { _ = try Self.specification(#"{"recipe": "r.json", "seeds": [0], "slurm": {"cpus": 2}}"#) }
        #expect(slurm.contains("slurm.cpus") && slurm.contains("cpusPerTask"), "\(slurm)")
        let variant = Self.message {
            _ = try Self.specification(#"{"recipe": "r.json", "seeds": [0], "variants": [{"name": "a", "sets": {}}]}"#)
        }
        #expect(variant.contains("\"sets\"") && variant.contains("did you mean set?"), "\(variant)")
        let recipe = Self.message { _ = try Self.specification(#"{"environment": "Pendulum-v1", "loop": {}}"#) }
        #expect(recipe.contains("looks like a recipe"), "\(recipe)")
    }

    @Test func badSweepValuesAreRefused() {
        let cases: [(String, String)] = [
            (#"{"recipe": "r.json"}"#, "seeds"),
            (#"{"recipe": "r.json", "seeds": [0, 0]}"#, "seed 0 twice"),
            (#"{"recipe": "r.json", "seeds": [-1]}"#, "whole numbers"),
            (#"{"seeds": [0]}"#, "\"recipe\" is missing"),
            (#"{"recipe": "r.json", "seeds": [0], "grid": {"planner.horizon": []}}"#, "non-empty list"),
            (#"{"recipe": "r.json", "seeds": [0], "grid": {"planner.horizon": 10}}"#, "non-empty list"),
            (#"{"recipe": "r.json", "seeds": [0], "grid": {"seed": [1, 2]}}"#, "\"seeds\""),
            (#"{"recipe": "r.json", "seeds": [0], "set": {"output.directory": "x"}}"#, "sweep chooses each run's directory"),
            (#"{"recipe": "r.json", "seeds": [0], "set": {"a.b": 1}, "grid": {"a.b": [1, 2]}}"#, "either fixed or swept"),
            (#"{"recipe": "r.json", "seeds": [0], "grid": {"a": [1, 2]}, "variants": [{"name": "v", "set": {"a": 3}}]}"#, "also under \"grid\""),
            (#"{"recipe": "r.json", "seeds": [0], "variants": [{"name": "v"}, {"name": "v"}]}"#, "two variants are named"),
            (#"{"recipe": "r.json", "seeds": [0], "slurm": {"time": "half an hour"}}"#, "time limit"),
            (#"{"recipe": "r.json", "seeds": [0], "slurm": {"memory": "4 gigabytes"}}"#, "memory"),
        ]
        for (text, expected) in cases {
            let message = Self.message { _ = try Self.specification(text) }
            #expect(message.contains(expected), "\(text): \(message)")
        }
    }

    // MARK: - Expansion

    @Test func gridTimesVariantsTimesSeedsExpandsToOneRunEach() throws {
        let specification = try Self.specification("""
            {"name": "grid", "recipe": {"environment": "DynaMaze-v0"}, "seeds": [3, 7],
             "set": {"loop.episodes": 2},
             "grid": {"policyOptimizer.planningSteps": [0, 5], "policyOptimizer.epsilon": [0.1, 0.2]},
             "variants": [{"name": "fast", "set": {"loop.maxEpisodeSteps": 100}}, {"name": "slow", "set": {}}]}
            """)
        #expect(specification.runCount == 16)
        let (recipe, _) = try SweepManifest.readBaseRecipe(specification.recipe)
        let manifest = SweepManifest(specification: specification, baseRecipe: recipe, recipeSource: "inline")
        #expect(manifest.points.count == 8)
        #expect(manifest.runs.count == 16)
        #expect(manifest.gridKeys == ["policyOptimizer.epsilon", "policyOptimizer.planningSteps"])
        #expect(manifest.points[0].label == "fast, epsilon=0.1, planningSteps=0")
        #expect(manifest.points[1].label == "fast, epsilon=0.1, planningSteps=5")
        #expect(manifest.points[4].label == "slow, epsilon=0.1, planningSteps=0")
        #expect(Set(manifest.runs.map(\.directory)).count == 16)
        #expect(manifest.runs.map(\.index) == Array(0..<16))
        #expect(manifest.runs[3].point == 1 && manifest.runs[3].seed == 7)
        #expect(manifest.runs[3].directory == "runs/fast_epsilon=0.1_planningSteps=5/seed7")
        #expect(manifest.overrides(forPoint: 1) == ["loop.episodes=2", "loop.maxEpisodeSteps=100",
                                                    "policyOptimizer.epsilon=0.1", "policyOptimizer.planningSteps=5"])
        let arguments = manifest.startArguments(for: manifest.runs[3], in: URL(fileURLWithPath: "/sweeps/grid"))
        #expect(arguments.starts(with: ["run", "/sweeps/grid/base-recipe.json", "--seed", "7", "--out", "/sweeps/grid/runs/fast_epsilon=0.1_planningSteps=5/seed7"]))
        #expect(manifest.resumeArguments(for: manifest.runs[3], in: URL(fileURLWithPath: "/sweeps/grid"))
                == ["run", "--resume", "/sweeps/grid/runs/fast_epsilon=0.1_planningSteps=5/seed7"])
        let point = try manifest.recipe(forPoint: 1, seed: 7)
        #expect(point.seed == 7 && point.loop.maxEpisodeSteps == 100 && point.loop.episodes == 2)
        #expect(point.policyOptimizer?["epsilon"] == .number(0.1))
    }

    @Test func labelsUseWholeKeyPathsWhenTheirEndsCollide() throws {
        let specification = try Self.specification("""
            {"recipe": {"environment": "Pendulum-v1"}, "seeds": [0],
             "grid": {"model.hiddenSizes": [[16, 16], [32]], "policyOptimizer.actor.hiddenSizes": [[8]], "planner": ["cem", {"type": "mppi"}]}}
            """)
        let manifest = SweepManifest(specification: specification, baseRecipe: .object([:]), recipeSource: "inline")
        #expect(manifest.points.count == 4)
        #expect(manifest.points[0].label == #"model.hiddenSizes=[16,16], planner=cem, policyOptimizer.actor.hiddenSizes=[8]"#)
        #expect(manifest.points[0].directory == "model.hiddenSizes=16-16_planner=cem_policyOptimizer.actor.hiddenSizes=8")
        #expect(manifest.points[1].directory.hasPrefix("model.hiddenSizes=16-16_planner=type-mppi"))
        #expect(manifest.overrides(forPoint: 1).contains(#"planner={"type":"mppi"}"#))
    }

    // MARK: - Checks before anything runs

    @Test func aGridKeyThatIsNotARecipeKeyFailsWithItsPathAndSuggestions() throws {
        let specification = try Self.specification("""
            {"recipe": {"environment": "DynaMaze-v0", "policyOptimizer": {"type": "dyna-q"}}, "seeds": [0],
             "grid": {"policyOptimizer.planingSteps": [0, 5]}}
            """)
        let (recipe, _) = try SweepManifest.readBaseRecipe(specification.recipe)
        let manifest = SweepManifest(specification: specification, baseRecipe: recipe, recipeSource: "inline")
        #expect(throws: RecipeError.self) { _ = try manifest.validate(registry: Self.registry()) }
        let message = Self.message { _ = try manifest.validate(registry: Self.registry()) }
        #expect(message.contains("policyOptimizer") && message.contains("did you mean planningSteps?"), "\(message)")
        #expect(message.contains("policyOptimizer.planingSteps=0"), "names the sweep's setting: \(message)")

        let topLevel = try Self.specification(#"{"recipe": {"environment": "DynaMaze-v0"}, "seeds": [0], "grid": {"planer.horizon": [5]}}"#)
        let topManifest = SweepManifest(specification: topLevel, baseRecipe: try SweepManifest.readBaseRecipe(topLevel.recipe).recipe,
                                        recipeSource: "inline")
        let topMessage = Self.message { _ = try topManifest.validate(registry: Self.registry()) }
        #expect(topMessage.contains("recipe error at planer.horizon") && topMessage.contains("did you mean planner?"), "\(topMessage)")
    }

    @Test func aSweepDirectoryWithRunsOfAnotherBaseRecipeIsAConflict() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let specification = try Self.specification(#"{"recipe": {"environment": "DynaMaze-v0"}, "seeds": [0, 1], "grid": {"loop.episodes": [1, 2]}}"#)
        let manifest = SweepManifest(specification: specification, baseRecipe: Self.mazeRecipe, recipeSource: "maze.json")
        let resolved = try manifest.validate(registry: Self.registry())
        #expect(manifest.conflict(in: directory, resolvedRecipes: resolved) == nil)
        try manifest.write(to: directory)
        // A run that started: its resolved recipe and metrics, as `mbrl-run run` writes them.
        let run = manifest.runs[1]
        let runDirectory = directory.appendingPathComponent(run.directory)
        try FileManager.default.createDirectory(at: runDirectory, withIntermediateDirectories: true)
        var written = resolved[run.point]
        try written.set(path: ["seed"], to: .number(Double(run.seed)))
        try written.set(path: ["output", "directory"], to: .string("/elsewhere"))
        try (written.formatted() + "\n").write(to: runDirectory.appendingPathComponent("recipe.json"), atomically: true, encoding: .utf8)
        try "episode\n".write(to: runDirectory.appendingPathComponent("metrics.csv"), atomically: true, encoding: .utf8)
        #expect(manifest.conflict(in: directory, resolvedRecipes: resolved) == nil, "the same sweep again resumes its runs")

        var otherRecipe = Self.mazeRecipe
        try otherRecipe.set(path: ["policyOptimizer", "planningSteps"], to: .number(50))
        let other = SweepManifest(specification: specification, baseRecipe: otherRecipe, recipeSource: "other.json")
        let conflict = other.conflict(in: directory, resolvedRecipes: try other.validate(registry: Self.registry()))
        #expect(conflict?.contains("different base recipe") == true, "\(conflict ?? "none")")
        #expect(conflict?.contains("policyOptimizer.planningSteps: 5 there, 50 in other.json") == true, "\(conflict ?? "none")")
        #expect(conflict?.contains("--overwrite") == true)

        // Without the manifest, the run's own recipe shows the difference.
        try FileManager.default.removeItem(at: directory.appendingPathComponent(SweepManifest.fileName))
        let runConflict = other.conflict(in: directory, resolvedRecipes: try other.validate(registry: Self.registry()))
        #expect(runConflict?.contains("\(run.directory) in") == true && runConflict?.contains("planningSteps") == true, "\(runConflict ?? "none")")
    }

    // MARK: - Slurm

    @Test func theJobScriptMapsArrayIndicesToRunsWithRequeueAndResources() throws {
        let specification = try Self.specification("""
            {"name": "my sweep", "recipe": {"environment": "DynaMaze-v0"}, "seeds": [0, 1], "grid": {"loop.episodes": [1, 2, 3]},
             "slurm": {"time": "00:30:00", "cpusPerTask": 2, "memory": "4G", "partition": "cpu", "maxParallel": 3,
                       "directives": ["--qos=short"]}}
            """)
        let manifest = SweepManifest(specification: specification, baseRecipe: Self.mazeRecipe, recipeSource: "maze.json")
        let runs = manifest.runs.filter { ![2, 3].contains($0.index) }
        let script = SlurmJobScript(manifest: manifest, sweepDirectory: URL(fileURLWithPath: "/data/sweep it"),
                                    executable: URL(fileURLWithPath: "/opt/mbrl/mbrl-run"), runs: runs, settings: manifest.slurm)
        #expect(script.arraySpecification == "0-1,4-5%3")
        let text = script.text
        for line in ["#SBATCH --array=0-1,4-5%3", "#SBATCH --requeue", "#SBATCH --time=00:30:00", "#SBATCH --cpus-per-task=2",
                     "#SBATCH --mem=4G", "#SBATCH --partition=cpu", "#SBATCH --qos=short", "#SBATCH --job-name=my-sweep",
                     "#SBATCH --output=/data/sweep it/slurm/%A_%a.out",
                     "exec '/opt/mbrl/mbrl-run' sweep task '/data/sweep it' \"$SLURM_ARRAY_TASK_ID\""] {
            #expect(text.contains(line + "\n"), "missing \(line)")
        }
        // sbatch reads #SBATCH lines only before the first command.
        let lines = text.split(separator: "\n")
        let firstCommand = lines.firstIndex { !$0.hasPrefix("#") && !$0.isEmpty } ?? lines.count
        #expect(lines.lastIndex { $0.hasPrefix("#SBATCH") }! < firstCommand)
        #expect(SlurmJobScript.ranges([7, 1, 2, 3, 9, 10]) == "1-3,7,9-10")
        #expect(SlurmJobScript.ranges([]) == "")
    }

    @Test func queueLinesParseToArrayTasks() {
        let squeue = "12_3|RUNNING|None\n12_4|PENDING|Resources\n12_[5-7]|PENDING|Priority\n"
        let tasks = SlurmQueue.parse(squeue)
        #expect(tasks == [.init(job: "12", arrayIndex: 3, state: "RUNNING", detail: "None"),
                          .init(job: "12", arrayIndex: 4, state: "PENDING", detail: "Resources")])
        let sacct = SlurmQueue.parse("12_0|COMPLETED|0:0\n12_0.batch|COMPLETED|0:0\n12_1|CANCELLED by 0|0:15\n13_1|TIMEOUT|0:0\n")
        #expect(sacct.map(\.state) == ["COMPLETED", "CANCELLED", "TIMEOUT"])
        let queue = SlurmQueue(accounted: sacct)
        #expect(queue.accountedTask(arrayIndex: 1, jobOrder: ["12", "13"])?.job == "13")
    }

    // MARK: - Run states and the report

    /// A finished run directory with the given training returns (10 steps per episode).
    static func writeFinishedRun(_ directory: URL, seed: UInt64, returns: [Double]) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let events = returns.enumerated().map { index, value in
            JSONValue.object(["episode": .number(Double(index + 1)), "phase": .string("training"), "return": .number(value),
                              "length": .number(10), "totalSteps": .number(Double(10 * (index + 1))), "modelFits": .number(0),
                              "planningSecondsPerAction": .number(0), "wallSeconds": .number(1), "metrics": .object([:])]).description
        }.joined(separator: "\n") + "\n"
        try events.write(to: directory.appendingPathComponent("events.jsonl"), atomically: true, encoding: .utf8)
        let lastFive = returns.suffix(5)
        let summary: JSONValue = .object([
            "recipe": .string("maze"), "seed": .number(Double(seed)), "trainingEpisodes": .number(Double(returns.count)),
            "totalSteps": .number(Double(10 * returns.count)), "modelFits": .number(0),
            "trainingReturns": .array(returns.map { .number($0) }), "bestReturn": .number(returns.max() ?? 0),
            "firstEpisodeAtBestReturn": .number(1), "meanReturnLastFive": .number(lastFive.reduce(0, +) / Double(lastFive.count)),
            "wallSeconds": .number(1), "meanPlanningSecondsPerAction": .number(0),
        ])
        try summary.formatted().write(to: directory.appendingPathComponent("summary.json"), atomically: true, encoding: .utf8)
    }

    @Test func runStatesComeFromTheRunDirectories() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let specification = try Self.specification(#"{"recipe": {"environment": "DynaMaze-v0"}, "seeds": [0, 1, 2, 3, 4, 5]}"#)
        let manifest = SweepManifest(specification: specification, baseRecipe: Self.mazeRecipe, recipeSource: "maze.json")
        let runDirectories = manifest.runs.map { directory.appendingPathComponent($0.directory) }
        for url in runDirectories { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) }
        // 0 done; 1 failed with an error line; 2 killed (an attempt left running, its process gone) with a checkpoint;
        // 3 running in this process; 4 not started; 5 queued in Slurm.
        try Self.writeFinishedRun(runDirectories[0], seed: 0, returns: [1, 2, 3])
        var failed = SweepAttempt(host: "h", processIdentifier: 1, resumed: false, started: 0, slurmTask: nil)
        failed.ended = 1
        failed.exitStatus = 2
        try failed.write(to: runDirectories[1])
        try "=== start\nepisode 1/3\nmbrl-run: recipe error at loop: something is wrong\n=== ended: exit status 2\n"
            .write(to: runDirectories[1].appendingPathComponent(SweepAttempt.logFileName), atomically: true, encoding: .utf8)
        try SweepAttempt(host: "this-host", processIdentifier: Int32.max - 7, resumed: false, started: 0, slurmTask: nil).write(to: runDirectories[2])
        try Data([1, 2, 3]).write(to: runDirectories[2].appendingPathComponent("checkpoint.mbrl"))
        try "{}\n{}\n".write(to: runDirectories[2].appendingPathComponent("events.jsonl"), atomically: true, encoding: .utf8)
        try SweepAttempt(host: "this-host", processIdentifier: ProcessInfo.processInfo.processIdentifier, resumed: true, started: 0,
                         slurmTask: nil).write(to: runDirectories[3])
        let queue = SlurmQueue(queued: [.init(job: "40", arrayIndex: 5, state: "PENDING", detail: "Resources")])
        var withJobs = manifest
        withJobs.slurmJobs = ["40"]
        let status = SweepStatus(manifest: withJobs, sweepDirectory: directory, queue: queue, host: "this-host")
        #expect(status.states.map(\.kind) == [.done, .failed, .stopped, .running, .notStarted, .queued])
        #expect(status.states[0].detail.contains("final return 3"))
        #expect(status.states[1].detail == "exit status 2: mbrl-run: recipe error at loop: something is wrong")
        #expect(status.states[2].detail.contains("2 episodes recorded") && status.states[2].detail.contains("resumes from its checkpoint"))
        #expect(status.states[5].detail.contains("40_5 pending (Resources)"))
        #expect(status.countsDescription == "1 done, 1 running, 1 queued, 1 stopped, 1 failed, 1 not started")
    }

    @Test func theReportGivesMeanStandardDeviationMinimumAndMaximumPerPoint() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let specification = try Self.specification(#"{"name": "r", "recipe": {"environment": "DynaMaze-v0"}, "seeds": [0, 1, 2], "grid": {"loop.episodes": [3, 4]}}"#)
        let manifest = SweepManifest(specification: specification, baseRecipe: Self.mazeRecipe, recipeSource: "maze.json")
        let returns: [[Double]] = [[0, 5, 10], [0, 0, 20], [2, 4, 6], [1, 2, 3, 4], [0, 0, 0, 1]]
        for (run, values) in zip(manifest.runs, returns) {
            try Self.writeFinishedRun(directory.appendingPathComponent(run.directory), seed: run.seed, returns: values)
        }
        // The sixth run has not finished.
        let report = try SweepReport(manifest: manifest, sweepDirectory: directory, threshold: 5)
        #expect(report.unfinished.map(\.index) == [5])
        #expect(report.rows.map(\.finished) == [3, 2])
        let final = try #require(report.rows[0].statistics(report.figures[0]))
        #expect(report.figures[0].column == "final_return")
        #expect(final.mean == 12 && final.minimum == 6 && final.maximum == 20)
        #expect(abs((final.standardDeviation ?? 0) - (104.0 / 2).squareRoot()) < 1e-12)   // deviations -2, 8, -6
        let steps = try #require(report.figures.first { $0.column == "steps_to_threshold" })
        let toThreshold = try #require(report.rows[0].statistics(steps))
        #expect(toThreshold.count == 3 && toThreshold.mean == (20 + 30 + 30) / 3)
        #expect(report.rows[1].statistics(steps) == nil, "no seed of the second point reached 5")
        let csv = report.csv().split(separator: "\n").map(String.init)
        #expect(csv[0].hasPrefix("point,label,loop.episodes,seeds,finished,final_return_mean,final_return_std,final_return_min,final_return_max"))
        #expect(csv[1].hasPrefix("0,episodes=3,3,3,3,12.0,"))
        #expect(csv[2].contains(",steps_to_threshold_reached") == false && csv[2].hasPrefix("1,episodes=4,4,3,2,2.5,"))
        let markdown = report.markdown()
        #expect(markdown.contains("| episodes=3 | 3/3 | 12 ± 7.21 [6, 20] |"), "\(markdown)")
        #expect(markdown.contains("Not finished (left out above): `runs/episodes=4/seed2`"))
        let svg = report.svg()
        #expect(svg.contains("episodes=3 (mean of 3 runs") && svg.contains("episodes=4 (mean of 2 runs"))
    }
}
