import Algorithms
import Foundation
import MBRLCore

/// `mbrl-run eval DIR [--episodes N] [--seed S] [--set key=value ...]`: runs a saved agent;
/// `--sweep NAME=V1,V2,...` evaluates one or several runs across values of a physical parameter.
enum EvalCommand {
    static let help = """
        mbrl-run eval DIR [--episodes N] [--seed S] [--model last|best] [--set key.path=value ...]

        Loads the run in DIR (its recipe.json and the model or the policy optimizer's state in
        checkpoint.mbrl) and plays N evaluation episodes (default 5), acting with the recipe's
        evaluation agent (the planner or the policy) without exploration; prints one line per episode,
        the mean return, and how many episodes ended in a terminal state rather than at the time limit
        (the success rate of a task that ends at its goal, the failure rate of one that ends in a fall).

          --model best        plan with the model of the best iteration (best-model.mbrl, kept by
                              runs with loop.keepBestModel) instead of the last one
          --set key=value     override a value of the saved recipe, for example held-out physical
                              parameters: --set environment.parameters.poleMass=0.2
                              A run trained with randomized parameters also needs --set environment.randomize={}
          --sweep NAME=V,...  evaluate every run DIR... (several may be given) with the physical
                              parameter NAME fixed at each value in turn (randomization off, other
                              parameters as --set gives them or nominal), e.g. --sweep mass=0.6,1,1.4;
                              prints a table of the mean return per recipe (mean, min and max over runs)
          --plot FILE         with --sweep: also write the table as an SVG figure of return against the parameter
        """

    static func main(_ arguments: [String]) throws {
        if arguments.contains("--help") { print(help); return }
        var parsed = try CommandArguments(arguments)
        let episodes = try parsed.integer("episodes", default: 5, range: 1...100_000)
        let seed = try parsed.integer("seed", default: 1000, range: 0...Int.max)
        let overrides = parsed.strings("set")
        let sweep = parsed.string("sweep")
        let plot = parsed.string("plot")
        let modelChoice = parsed.string("model") ?? "last"
        guard ["last", "best"].contains(modelChoice) else { throw UsageError("--model takes last or best, got \(modelChoice)") }
        try parsed.rejectUnknown(command: "eval")
        guard let path = parsed.positionals.first else { throw UsageError("eval needs a run directory") }
        if let sweep {
            try ParameterSweep(specification: sweep, runs: parsed.positionals, overrides: overrides)
                .run(episodes: episodes, seed: UInt64(seed), plotPath: plot)
            return
        }
        if plot != nil { throw UsageError("--plot needs --sweep NAME=V1,V2,...") }
        guard parsed.positionals.count == 1 else { throw UsageError("eval takes one run directory (several only with --sweep)") }
        let directory = URL(fileURLWithPath: path)
        var recipe = try Recipe.load(from: directory.appendingPathComponent("recipe.json"), overrides: overrides)
        recipe.output.directory = directory.path
        let records = try MBRLLoop(recipe: recipe, registry: makeRegistry())
            .evaluateSaved(directory: directory, episodes: episodes, seed: UInt64(seed), bestModel: modelChoice == "best")
        let returns = records.map(\.episodeReturn)
        let mean = returns.reduce(0, +) / Double(returns.count)
        let deviation = (returns.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(returns.count)).squareRoot()
        // Parameters the environment reported (`env.<name>`), averaged over the episodes.
        let parameterNames = Set(records.flatMap { $0.metrics.keys.filter { $0.hasPrefix("env.") } }).sorted()
        if !parameterNames.isEmpty {
            let means = parameterNames.map { name in
                "\(name.dropFirst(4)) \(String(format: "%.4g", records.compactMap { $0.metrics[name] }.reduce(0, +) / Double(records.count)))"
            }
            print("environment parameters (mean over episodes): \(means.joined(separator: ", "))")
        }
        print("mean return over \(records.count) episodes: \(String(format: "%.2f", mean)) (standard deviation \(String(format: "%.2f", deviation)))")
        // Episodes that ended in a terminal state: the success rate of a reaching task whose
        // episodes end at the goal, the failure rate of a balancing task.
        let terminated = records.filter { ($0.metrics["terminated"] ?? 0) > 0.5 }.count
        print("ended in a terminal state (not cut by a time limit): \(terminated) of \(records.count) episodes")
    }
}
