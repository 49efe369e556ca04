import Algorithms
import Foundation
import MBRLCore

/// `mbrl-run eval DIR [--episodes N] [--seed S]`: runs a saved agent.
enum EvalCommand {
    static let help = """
        mbrl-run eval DIR [--episodes N] [--seed S]

        Loads the run in DIR (its recipe.json and the model or the policy optimizer's state in
        checkpoint.mbrl) and plays N evaluation episodes (default 5), acting with the recipe's
        evaluation agent (the planner or the policy) without exploration; prints one line per episode and the mean return.
        """

    static func main(_ arguments: [String]) throws {
        if arguments.contains("--help") { print(help); return }
        var parsed = try CommandArguments(arguments)
        let episodes = try parsed.integer("episodes", default: 5, range: 1...100_000)
        let seed = try parsed.integer("seed", default: 1000, range: 0...Int.max)
        try parsed.rejectUnknown(command: "eval")
        guard let path = parsed.positionals.first else { throw UsageError("eval needs a run directory") }
        let directory = URL(fileURLWithPath: path)
        var recipe = try Recipe.load(from: directory.appendingPathComponent("recipe.json"))
        recipe.output.directory = directory.path
        let records = try MBRLLoop(recipe: recipe, registry: makeRegistry())
            .evaluateSaved(directory: directory, episodes: episodes, seed: UInt64(seed))
        let mean = records.map(\.episodeReturn).reduce(0, +) / Double(records.count)
        print("mean return over \(records.count) episodes: \(String(format: "%.2f", mean))")
    }
}
