import Envs
import Foundation
import MBRLCore

/// `mbrl-run rollout`: steps a built-in environment and prints one JSON line per step (the logic
/// is `Envs.Rollout`).
enum RolloutCommand {
    static let help = """
        mbrl-run rollout --env ID [--state v1,v2,...] [--seed S] [--actions FILE | --random-actions]
                         [--steps N] [--continue-after-done]

        Resets environment ID (seeded with S, default 0), optionally sets its physical state, and
        steps it, printing one JSON line per step:
          {"step":0,"observation":[...]}                                  the reset observation
          {"step":k,"observation":[...],"reward":r,"terminated":b,"truncated":b,"action":[...]}
        --actions FILE     one action per line, numbers separated by commas ('#' lines skipped)
        --random-actions   uniform random actions seeded with S (the default)
        --steps N          the most steps to take (default: the number of actions in FILE;
                           required with random actions)
        --continue-after-done   keep stepping the same episode after it terminates or truncates
                                (by default the rollout stops there)
        Environments: \(EnvironmentCatalog.ids.joined(separator: ", "))
        """

    static func main(_ arguments: [String]) throws {
        if arguments.contains("--help") { print(help); return }
        var parsed = try CommandArguments(arguments, flagNames: ["random-actions", "continue-after-done"])
        guard let environmentID = parsed.string("env") else {
            throw UsageError("rollout needs --env ID; environments: \(EnvironmentCatalog.ids.joined(separator: ", "))")
        }
        let state = try parsed.numbers("state")
        let seed = UInt64(try parsed.integer("seed", default: 0, range: 0...Int.max))
        let actionsFile = parsed.string("actions")
        let randomActions = parsed.flag("random-actions")
        let continueAfterDone = parsed.flag("continue-after-done")
        let stepsText = parsed.string("steps")
        try parsed.rejectUnknown(command: "rollout")
        if !parsed.positionals.isEmpty {
            throw UsageError("rollout takes no positional arguments; got \(parsed.positionals.joined(separator: " "))")
        }
        if actionsFile != nil && randomActions {
            throw UsageError("give either --actions FILE or --random-actions, not both")
        }

        var actions = Rollout.Actions.random
        if let actionsFile {
            guard let data = FileManager.default.contents(atPath: actionsFile),
                  let text = String(data: data, encoding: .utf8) else {
                throw MBRLError.fileFormat("cannot read the actions file \(actionsFile) as UTF-8 text")
            }
            actions = .given(try Rollout.parseActions(text))
        }
        let steps: Int
        if let stepsText {
            guard let value = Int(stepsText), value >= 0 else {
                throw UsageError("--steps takes a non-negative integer, got \"\(stepsText)\"")
            }
            steps = value
        } else if case .given(let rows) = actions {
            steps = rows.count
        } else {
            throw UsageError("rollout with random actions needs --steps N")
        }

        let rollout = Rollout(environmentID: environmentID, initialState: state, seed: seed,
                              actions: actions, steps: steps, continueAfterDone: continueAfterDone)
        try rollout.run { line in print(line) }
    }
}
