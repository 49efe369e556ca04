import Algorithms
import Foundation
import MBRLCore

/// `mbrl-run maze RECIPE`: a tabular planning experiment of Sutton & Barto's chapter 8.
enum MazeCommand {
    static let help = """
        mbrl-run maze RECIPE [--out DIR] [--repetitions N] [--seed S] [--set key.path=value ...]

        Runs a maze experiment (a JSON file, for example recipes/dyna-maze-figure-8-2.json): each
        agent (a policy optimizer such as dyna-q, dyna-q-plus or prioritized-sweeping) learns in
        a fresh maze for every repetition, and the measure is averaged over repetitions. Writes
        into DIR (default runs/<recipe name>), replacing earlier files:

          experiment.json   the experiment with every default written out
          mean.csv          the averaged series, one column per agent
          repetitions.csv   every repetition
          figure.svg        the figure
          summary.json      key numbers per agent

        Measures ("measure" in the recipe): steps-per-episode (Figure 8.2), cumulative-reward
        (Figures 8.4, 8.5) and updates-to-optimal-path (Example 8.4).

          --out DIR           run directory
          --repetitions N     repetitions per agent (overrides the recipe's "repetitions")
          --seed S            seed (overrides the recipe's "seed")
          --set key=value     override any recipe value, e.g. --set pathTolerance=1 or
                              --set agents[1].optimizer.stepSize=1
        """

    static func main(_ arguments: [String]) throws {
        if arguments.contains("--help") || arguments.contains("-h") { print(help); return }
        var parsed = try CommandArguments(arguments)
        let out = parsed.string("out")
        let repetitions = parsed.string("repetitions") == nil ? nil : try parsed.integer("repetitions", default: 1, range: 1...100_000)
        let seed = parsed.string("seed") == nil ? nil : try parsed.integer("seed", default: 0, range: 0...Int.max)
        let overrides = parsed.strings("set")
        try parsed.rejectUnknown(command: "maze")
        guard parsed.positionals.count == 1, let path = parsed.positionals.first else {
            throw UsageError(parsed.positionals.isEmpty
                ? "maze needs a recipe file; see 'mbrl-run maze --help' (recipes/dyna-*.json, recipes/prioritized-sweeping-*.json)"
                : "maze takes one recipe file, got \(parsed.positionals.count): \(parsed.positionals.joined(separator: " "))")
        }
        guard FileManager.default.fileExists(atPath: path) else {
            let shipped = (try? FileManager.default.contentsOfDirectory(atPath: "recipes"))?
                .filter { ($0.hasPrefix("dyna-") || $0.hasPrefix("prioritized-sweeping")) && $0.hasSuffix(".json") }.sorted() ?? []
            throw UsageError("no recipe at \(path)" + (shipped.isEmpty ? "" : "; maze recipes: " + shipped.map { "recipes/\($0)" }.joined(separator: ", ")))
        }
        var experiment = try MazeExperiment.load(from: URL(fileURLWithPath: path), overrides: overrides)
        if let repetitions { experiment.repetitions = repetitions }
        if let seed { experiment.seed = UInt64(seed) }

        let runner = try MazeExperimentRunner(experiment: experiment, registry: makeRegistry())
        let directory = out.map { URL(fileURLWithPath: $0) } ?? experiment.defaultDirectory
        let recorder = try MazeExperimentRecorder(directory: directory)
        print("\(experiment.name): \(experiment.measure.rawValue) on \(runner.environmentID), \(experiment.agents.count) agents x \(experiment.repetitions) repetitions, seed \(experiment.seed)"
              + (runner.fewestSteps.map { "; shortest path \($0) steps" } ?? ""))
        let result = try runner.run { line in print("  " + line) }
        let title = experiment.plot.title.isEmpty ? experiment.name : experiment.plot.title
        try recorder.write(result, resolvedExperiment: runner.resolvedExperiment, title: title,
                           firstX: experiment.measure == .stepsPerEpisode ? Double(experiment.plot.firstEpisode) : 1)
        for agent in result.agents {
            let numbers = agent.summary.keys.sorted().map { "\($0) \(formatted(agent.summary[$0] ?? 0))" }
            print("\(agent.label): " + numbers.joined(separator: ", "))
        }
        print("wrote \(directory.path)/ (mean.csv, repetitions.csv, figure.svg, summary.json) in \(String(format: "%.1f", result.wallSeconds)) s")
    }

    static func formatted(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e12 ? String(Int64(value)) : String(format: "%.1f", value)
    }
}
