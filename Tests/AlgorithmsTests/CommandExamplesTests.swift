import Envs
import Foundation
import Testing

/// The package root and the built `mbrl-run` (`swift build -c release` makes it).
private let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
/// Whether recipes on Gymnasium's MuJoCo tasks can be built here.
private let mujocoInstalled = GymnasiumEnvironment.isMuJoCoInstalled()

private let executable: URL? = {
    let candidate = packageRoot.appendingPathComponent(".build/release/mbrl-run")
    return FileManager.default.isExecutableFile(atPath: candidate.path) ? candidate : nil
}()

/// Every command line the README and the help texts show is parsed and checked by the built
/// `mbrl-run`, so a stale example (a renamed key, a removed flag, a missing recipe) fails here.
/// `run` lines are checked with `validate` (same recipe loading and overrides, no steps); `list`,
/// `describe`, `maze` and `rollout` lines are run with small budgets; `sweep` lines are expanded
/// and checked with `--dry-run` into a temporary directory; lines that need a run or sweep
/// directory made earlier (`eval`, `plot`, `--resume`, `sweep status`, `report`) or take minutes
/// (`bench`) have their command and flags checked against the command's help text instead.
@Suite(.enabled(if: executable != nil, "mbrl-run is not built: run 'swift build -c release' first to enable the command-example test"))
struct CommandExamplesTests {
    struct Outcome { var status: Int32; var output: String }

    func mbrlRun(_ arguments: [String]) throws -> Outcome {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = packageRoot
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }

    static let commands = ["run", "validate", "list", "describe", "eval", "plot", "rollout", "bench", "maze", "distill", "sweep", "report"]

    /// `mbrl-run ...` command lines in `text`: from code blocks and inline code, without the
    /// `swift run -c release` or `.build/release/` prefix and without trailing comments.
    static func commandLines(in text: String) -> [[String]] {
        var lines: [[String]] = []
        for raw in text.components(separatedBy: "\n") {
            var remainder = Substring(raw)
            while let range = remainder.range(of: "mbrl-run ") {
                let before = remainder[..<range.lowerBound]
                var rest = remainder[range.upperBound...]
                // Inline code ends at a backtick; a code line at a comment.
                let insideInline = before.filter { $0 == "`" }.count % 2 == 1
                if insideInline, let tick = rest.firstIndex(of: "`") { rest = rest[..<tick] }
                if let comment = rest.range(of: " #") { rest = rest[..<comment.lowerBound] }
                // A seed or count written as S or N stands for any number.
                let words = rest.split(separator: " ").map { $0 == "S" || $0 == "N" ? "1" : String($0) }
                remainder = remainder[range.upperBound...]
                guard let command = words.first, commands.contains(command) else { continue }
                // Syntax lines with placeholders (RECIPE, DIR..., [--seed S], NAME:) are not
                // examples, nor is a bare command name in prose.
                func isPlaceholder(_ word: String) -> Bool {
                    word.contains("[") || (word.contains(where: \.isLetter) && word.allSatisfy { $0.isUppercase || $0 == "." || $0 == ":" })
                }
                if words.contains(where: isPlaceholder) { continue }
                if words.count == 1 && command != "list" { continue }
                lines.append(words)
            }
        }
        return lines
    }

    /// Checks one command line; returns a failure message or nil.
    func check(_ words: [String], source: String) throws -> String? {
        var words = words
        let command = words.removeFirst()
        switch command {
        case "bench":
            let help = try mbrlRun([command, "--help"]).output
            guard let subcommand = words.first, help.contains("mbrl-run bench \(subcommand)") else {
                return "\(source): 'bench \(words.first ?? "")' is not a benchmark 'mbrl-run bench --help' lists"
            }
            return nil
        case "sweep" where words.first != "status" && words.first != "task":
            // Expanded, checked and written to a temporary directory, without running or submitting.
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mbrl-examples-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: directory) }
            var arguments = [command]
            var index = 0
            while index < words.count {
                if words[index] == "--out" { index += 2; continue }   // the example's own directory is not written
                arguments.append(words[index])
                index += 1
            }
            arguments += ["--dry-run", "--out", directory.path]
            let outcome = try mbrlRun(arguments)
            return outcome.status == 0 ? nil : "\(source): mbrl-run \(arguments.joined(separator: " ")) failed: \(outcome.output.suffix(400))"
        case "run" where words.contains("--resume"), "eval", "plot", "sweep", "report":
            // Flags must be ones the command's help names.
            let help = try mbrlRun([command, "--help"]).output
            for flag in words where flag.hasPrefix("--") && !help.contains(flag) {
                return "\(source): '\(flag)' is not an option of 'mbrl-run \(command)'"
            }
            return nil
        case "run", "validate":
            if let recipe = words.first(where: { $0.hasSuffix(".json") }), !mujocoInstalled,
               let text = try? String(contentsOf: packageRoot.appendingPathComponent(recipe), encoding: .utf8),
               text.contains("\"gymnasium\"") {
                print("\(source): not checking 'mbrl-run \(command) \(words.joined(separator: " "))': its recipe runs a Gymnasium task and python3 cannot import gymnasium and mujoco (scripts/install_gymnasium.sh --mujoco)")
                return nil
            }
            let arguments = ["validate"] + words.filter { $0 != "--overwrite" }
            let outcome = try mbrlRun(arguments)
            return outcome.status == 0 ? nil : "\(source): mbrl-run \(arguments.joined(separator: " ")) failed: \(outcome.output.suffix(400))"
        case "maze":
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mbrl-examples-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: directory) }
            let arguments = ["maze"] + words.filter { $0 != "--repetitions" } + ["--repetitions", "1", "--out", directory.path]
            let outcome = try mbrlRun(arguments)
            return outcome.status == 0 ? nil : "\(source): mbrl-run \(arguments.joined(separator: " ")) failed: \(outcome.output.suffix(400))"
        case "distill":
            // Teachers are run directories made earlier: the config and overrides are checked only.
            let arguments = ["distill"] + words.filter { $0 != "--overwrite" } + ["--check"]
            let outcome = try mbrlRun(arguments)
            return outcome.status == 0 ? nil : "\(source): mbrl-run \(arguments.joined(separator: " ")) failed: \(outcome.output.suffix(400))"
        case "rollout" where words.contains("--actions"):
            return nil   // reads a file of the reader's own
        default:
            let outcome = try mbrlRun([command] + words)
            return outcome.status == 0 ? nil : "\(source): mbrl-run \(([command] + words).joined(separator: " ")) failed: \(outcome.output.suffix(400))"
        }
    }

    @Test func everyReadmeCommandLineIsValid() throws {
        let readme = try String(contentsOf: packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let lines = Self.commandLines(in: readme)
        #expect(lines.count >= 20, "found only \(lines.count) command lines in README.md")
        for line in lines {
            if let failure = try check(line, source: "README.md") { Issue.record("\(failure)") }
        }
    }

    @Test func everyHelpTextExampleIsValid() throws {
        var checked = 0
        for command in Self.commands {
            let help = try mbrlRun([command, "--help"]).output
            for line in Self.commandLines(in: help) {
                if let failure = try check(line, source: "'mbrl-run \(command) --help'") { Issue.record("\(failure)") }
                checked += 1
            }
            // `--set key=value` examples: applied to a shipped recipe of the command's kind.
            let recipe = command == "maze" ? "recipes/prioritized-sweeping-maze.json" : "recipes/pets-cartpole.json"
            var remainder = Substring(help)
            while let range = remainder.range(of: "--set ") {
                let example = remainder[range.upperBound...].prefix { !$0.isWhitespace }
                remainder = remainder[range.upperBound...]
                guard example.contains("="), !example.hasPrefix("key") else { continue }
                let words = command == "distill" ? ["distill", "recipes/distill-pendulum.json", "--set", String(example)]
                    : [command == "maze" ? "maze" : "validate", recipe, "--set", String(example)]
                if let failure = try check(words, source: "'mbrl-run \(command) --help'") { Issue.record("\(failure)") }
                checked += 1
            }
        }
        #expect(checked >= 3, "found only \(checked) examples in the help texts")
    }

    @Test func aStaleExampleIsCaught() throws {
        let failure = try check(["run", "recipes/pets-cartpole.json", "--set", "planner.population=500"], source: "test")
        #expect(failure?.contains("population") == true, "\(failure ?? "accepted")")
    }
}
