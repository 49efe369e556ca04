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
      mbrl-run run RECIPE          run a recipe (the main job)
      mbrl-run rollout --env ID    step an environment, one JSON line per step
      mbrl-run bench gemm          measure the matrix-multiplication engine
      mbrl-run --help              this text; 'mbrl-run COMMAND --help' for a command
    """

func standardError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

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
    case "rollout":
        try RolloutCommand.main(rest)
    case "bench":
        try BenchCommand.main(rest)
    default:
        throw UsageError("unknown command '\(command)'; commands: run, rollout, bench")
    }
    exit(ExitCode.success.rawValue)
} catch let error as UsageError {
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
