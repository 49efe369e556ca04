import Algorithms
import Foundation
import MBRLCore

/// `mbrl-run run RECIPE`: the main job.
enum RunCommand {
    static let help = """
        mbrl-run run RECIPE [--seed S] [--steps N] [--episodes N] [--out DIR] [--set key.path=value ...] [--overwrite]
        mbrl-run run --resume DIR

        Runs the recipe RECIPE (a JSON file, for example recipes/pets-cartpole.json) and writes a run
        directory (default runs/<recipe>-seed<seed>): recipe.json with every default written out,
        metrics.csv and events.jsonl (one line per episode), summary.json, checkpoint.mbrl and
        learning_curve.svg. --resume continues a stopped run from its last checkpoint.

          --seed S            seed of every generator (overrides the recipe's "seed")
          --steps N           stop after N environment steps (loop.maxSteps)
          --episodes N        planned episodes (loop.episodes)
          --out DIR           run directory (output.directory)
          --set key=value     override any recipe value, e.g. --set planner.populationSize=500
          --overwrite         replace an existing run directory's results
        """

    static func main(_ arguments: [String]) throws {
        if arguments.contains("--help") { print(help); return }
        var parsed = try CommandArguments(arguments, flagNames: ["overwrite"])
        let registry = makeRegistry()
        if let resumeDirectory = parsed.string("resume") {
            try parsed.rejectUnknown(command: "run")
            let directory = URL(fileURLWithPath: resumeDirectory)
            var recipe = try Recipe.load(from: directory.appendingPathComponent("recipe.json"))
            recipe.output.directory = directory.path
            _ = try run(recipe, registry: registry, resume: true, allowOverwrite: false)
            return
        }
        let recipe = try loadRecipe(&parsed, command: "run")
        let overwrite = parsed.flag("overwrite")
        try parsed.rejectUnknown(command: "run")
        _ = try run(recipe, registry: registry, resume: false, allowOverwrite: overwrite)
    }

    /// Runs `recipe` through the outer loop.
    static func run(_ recipe: Recipe, registry: ComponentRegistry, resume: Bool, allowOverwrite: Bool) throws -> RunSummary {
        try MBRLLoop(recipe: recipe, registry: registry).run(resume: resume, allowOverwrite: allowOverwrite)
    }

    /// The recipe named by the first positional argument, with the command line's overrides.
    static func loadRecipe(_ parsed: inout CommandArguments, command: String) throws -> Recipe {
        guard let path = parsed.positionals.first else {
            throw UsageError("\(command) needs a recipe file; see 'mbrl-run \(command) --help' (recipes ship in recipes/)")
        }
        var overrides = parsed.strings("set")
        if let seed = parsed.string("seed") { overrides.append("seed=\(seed)") }
        if let steps = parsed.string("steps") { overrides.append("loop.maxSteps=\(steps)") }
        if let episodes = parsed.string("episodes") { overrides.append("loop.episodes=\(episodes)") }
        if let out = parsed.string("out") { overrides.append("output.directory=\"\(out)\"") }
        let url = URL(fileURLWithPath: path)
        guard FileManager.default.fileExists(atPath: url.path) else {
            let shipped = (try? FileManager.default.contentsOfDirectory(atPath: "recipes"))?.filter { $0.hasSuffix(".json") }.sorted() ?? []
            throw UsageError("no recipe at \(path)" + (shipped.isEmpty ? "" : "; shipped recipes: " + shipped.map { "recipes/\($0)" }.joined(separator: ", ")))
        }
        return try Recipe.load(from: url, overrides: overrides)
    }
}
