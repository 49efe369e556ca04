import Algorithms
import Foundation
import MBRLCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `mbrl-run bench pets`: the wall time of a whole PETS run up to its first solved episode.
enum PetsBenchmark {
    static let help = """
        mbrl-run bench pets [RECIPE] [--seed S] [--episodes N] [--target R] [--threads N]
                            [--out DIR] [--json]

        Runs RECIPE (default recipes/pets-cartpole.json: mbrl-lib's default PETS settings on
        ContinuousCartPole-v0) until the first training episode whose return reaches R (default
        200, a full cart-pole episode), or N training episodes (default 20), and reports the wall
        time (random exploration, model fits and planning included), the episode that reached R,
        the environment steps, the model fits, the mean planning time per action and this
        process's peak resident memory (getrusage).

          --seed S      the recipe's seed (default: the recipe's own)
          --out DIR     the run directory (default: a new temporary directory)
          --threads N   GEMM threads (default: all cores; the MBRL_THREADS variable)

        Compare with mbrl-lib's whole run: scripts/bench_pets_vs_mbrl_lib.sh
        """

    static func main(_ arguments: [String]) throws {
        if arguments.contains("--help") { print(help); return }
        var parsed = try CommandArguments(arguments, flagNames: ["json"])
        let episodes = try parsed.integer("episodes", default: 20, range: 1...100_000)
        let threads = try parsed.integer("threads", default: 0, range: 0...1024)
        let seed = parsed.string("seed")
        let target = try parsed.numbers("target")?.first ?? 200
        let json = parsed.flag("json")
        let out = parsed.string("out")
        try parsed.rejectUnknown(command: "bench pets")
        guard parsed.positionals.count <= 1 else {
            throw UsageError("unexpected argument '\(parsed.positionals[1])' for 'bench pets'")
        }
        guard target.isFinite else { throw UsageError("--target takes a finite return, got \(target)") }
        try TrainBenchmark.applyThreads(threads)

        let path = parsed.positionals.first ?? "recipes/pets-cartpole.json"
        guard FileManager.default.fileExists(atPath: path) else {
            throw UsageError("no recipe at \(path); run from the repository root or pass the recipe's path")
        }
        let directory = try out ?? temporaryDirectory()
        var overrides = ["loop.episodes=\(episodes)", "loop.stopAtReturn=\(target)",
                         "output.directory=\"\(directory)\"", "output.progress=\(json ? "quiet" : "lines")"]
        if let seed { overrides.append("seed=\(seed)") }
        let recipe = try Recipe.load(from: URL(fileURLWithPath: path), overrides: overrides)
        let loop = try MBRLLoop(recipe: recipe, registry: makeRegistry())
        let started = ContinuousClock.now
        let summary = try loop.run(resume: false, allowOverwrite: out == nil)
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let solvedEpisode = zip(1..., summary.trainingReturns).first { $0.1 >= target }?.0
        let peakMegabytes = peakResidentMegabytes()
        if json {
            let fields = [
                "\"system\": \"mbrl-swift\"", "\"recipe\": \"\(recipe.name)\"", "\"seed\": \(recipe.seed)",
                "\"target\": \(target)", "\"solved_episode\": \(solvedEpisode.map(String.init) ?? "null")",
                "\"wall_seconds\": \(seconds)", "\"environment_steps\": \(summary.totalSteps)",
                "\"model_fits\": \(summary.modelFits)", "\"planning_seconds_per_action\": \(summary.meanPlanningSecondsPerAction)",
                "\"peak_resident_megabytes\": \(peakMegabytes)", "\"threads\": \(GEMM.defaultThreadCount)",
                "\"training_returns\": [\(summary.trainingReturns.map { String($0) }.joined(separator: ", "))]",
            ]
            print("{" + fields.joined(separator: ", ") + "}")
        } else {
            print("")
            print("\(recipe.name), seed \(recipe.seed), \(GEMM.defaultThreadCount) threads: "
                  + (solvedEpisode.map { "first return >= \(target) at training episode \($0)" }
                     ?? "no training episode reached \(target) in \(episodes)"))
            print(String(format: "wall %.1f s, %d environment steps, %d model fits, %.3f s per planned action, peak memory %.0f MB",
                         seconds, summary.totalSteps, summary.modelFits, summary.meanPlanningSecondsPerAction, peakMegabytes))
            print("training returns: " + summary.trainingReturns.map { String(format: "%.0f", $0) }.joined(separator: ", "))
            print("outputs in \(directory)")
        }
    }

    /// A fresh directory under the system's temporary directory.
    static func temporaryDirectory() throws -> String {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("mbrl-bench-pets-\(ProcessInfo.processInfo.processIdentifier)-\(UInt64(Date().timeIntervalSince1970))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }

    /// This process's peak resident set size in megabytes (`ru_maxrss`: kilobytes on Linux,
    /// bytes on macOS).
    static func peakResidentMegabytes() -> Double {
        var usage = rusage()
        #if canImport(Darwin)
        guard getrusage(RUSAGE_SELF, &usage) == 0 else { return .nan }
        return Double(usage.ru_maxrss) / 1_048_576
        #else
        guard getrusage(RUSAGE_SELF.rawValue, &usage) == 0 else { return .nan }
        return Double(usage.ru_maxrss) / 1024
        #endif
    }
}
