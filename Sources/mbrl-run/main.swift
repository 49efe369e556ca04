import Foundation
import MBRLCore

/// Exit codes: 0 success, 2 bad input (usage, recipe), 1 failure while running.
enum ExitCode: Int32 {
    case success = 0
    case failure = 1
    case badInput = 2
}

let usage = """
    mbrl-run: compose and run model-based reinforcement learning from JSON recipes.

    Usage:
      mbrl-run run RECIPE          run a recipe (the main job); --resume DIR continues a run
      mbrl-run validate RECIPE     check a recipe and print it with every default
      mbrl-run list                every registered component
      mbrl-run describe NAME       a component's settings, types and defaults
      mbrl-run eval DIR            play a saved agent
      mbrl-run plot DIR...         learning curves of one or several runs
      mbrl-run rollout --env ID    step an environment, one JSON line per step
      mbrl-run sweep SWEEP         a grid of settings x seeds, here (--jobs N) or on Slurm (--executor slurm)
      mbrl-run report DIR          a sweep's results: mean, std, min, max over seeds; learning curves
      mbrl-run distill CONFIG      policy distillation: teachers' run directories into one student
      mbrl-run maze RECIPE         a tabular Dyna / prioritized sweeping maze experiment (Sutton & Barto ch. 8)
      mbrl-run bench ...           performance measurements
      mbrl-run --help              this text; 'mbrl-run COMMAND --help' for a command
    """

func standardError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

AllocatorTuning.keepLargeBuffersInHeap()

let arguments = Array(CommandLine.arguments.dropFirst())
guard let command = arguments.first, command != "--help", command != "-h", command != "help" else {
    print(usage)
    exit(arguments.isEmpty ? ExitCode.badInput.rawValue : ExitCode.success.rawValue)
}
let rest = Array(arguments.dropFirst())

do {
    switch command {
    case "run":
        try RunCommand.main(rest)
    case "validate":
        try ValidateCommand.main(rest)
    case "list":
        try ListCommand.main(rest)
    case "describe":
        try DescribeCommand.main(rest)
    case "eval":
        try EvalCommand.main(rest)
    case "plot":
        try PlotCommand.main(rest)
    case "rollout":
        try RolloutCommand.main(rest)
    case "bench":
        try BenchCommand.main(rest)
    case "maze":
        try MazeCommand.main(rest)
    case "distill":
        try DistillCommand.main(rest)
    case "sweep":
        try SweepCommand.main(rest)
    case "report":
        try ReportCommand.main(rest)
    default:
        let commands = ["run", "validate", "list", "describe", "eval", "plot", "rollout", "bench", "maze", "distill", "sweep", "report"]
        throw UsageError("unknown command '\(command)'\(NameSuggestions.hint(for: command, in: commands)) Commands: \(commands.joined(separator: ", "))")
    }
    exit(ExitCode.success.rawValue)
} catch let error as UsageError {
    standardError("mbrl-run: \(error.description)")
    exit(ExitCode.badInput.rawValue)
} catch let error as RecipeError {
    standardError("mbrl-run: \(error.description)")
    exit(ExitCode.badInput.rawValue)
} catch let error as MBRLError {
    standardError("mbrl-run: \(error.description)")
    switch error {
    case .invalidArgument, .shapeMismatch, .fileFormat, .incompatible:
        exit(ExitCode.badInput.rawValue)
    default:
        exit(ExitCode.failure.rawValue)
    }
} catch {
    standardError("mbrl-run: \(error)")
    exit(ExitCode.failure.rawValue)
}
