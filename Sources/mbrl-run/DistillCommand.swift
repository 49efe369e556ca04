import Algorithms
import Foundation
import MBRLCore

/// `mbrl-run distill CONFIG`: policy distillation from teacher run directories into one student.
enum DistillCommand {
    static let help = """
        mbrl-run distill CONFIG [--seed S] [--out DIR] [--teacher DIR ...] [--set key.path=value ...] [--overwrite] [--check]

        Policy distillation (Rusu et al. 2015): trains one student policy to match the action
        distributions of one or several teachers, the policies saved in run directories of
        "sac" or "mbpo" (squashed Gaussians: the KL of their pre-tanh Gaussians), "trpo"
        (Gaussian or categorical) or "dqn" / "dyna" (softmax of the Q-values over "temperature").
        CONFIG is a JSON file (for example recipes/distill-pendulum.json); its keys and defaults:
        `mbrl-run describe distill`. Each teacher collects states and is evaluated in its own
        saved environment (one task per teacher) unless the config names one "environment".
        States come from the teacher, the student (DAgger) or both ("states").

        Writes a run directory (default runs/<name>-seed<seed>) that 'mbrl-run eval' and the
        "saved-policy" agent load (policy optimizer "distilled-policy"), plus distillation.json:
        per-round losses and, per teacher, the teacher's, the untrained and the trained student's
        mean return and termination rate (reaching the goal in PointMass-v0) on the same
        evaluation episodes.

          --seed S            the student's seed (overrides the config's "seed")
          --out DIR           the student's run directory ("output")
          --teacher DIR       a teacher run directory; repeated, replaces the config's "teachers"
          --set key=value     override any config value, e.g. --set student.hiddenSizes=[64,64]
          --overwrite         replace an existing run in the output directory
          --check             only read and check CONFIG (with the overrides) and print it with
                              every default; no teacher is loaded, nothing is trained
        """

    static func main(_ arguments: [String]) throws {
        if arguments.contains("--help") { print(help); return }
        var parsed = try CommandArguments(arguments, flagNames: ["overwrite", "check"])
        guard let path = parsed.positionals.first else {
            throw UsageError("distill needs a config file; see 'mbrl-run distill --help' (examples ship in recipes/)")
        }
        guard parsed.positionals.count == 1 else { throw UsageError("distill takes one config file, got \(parsed.positionals.count)") }
        var overrides = parsed.strings("set")
        if let seed = parsed.string("seed") { overrides.append("seed=\(seed)") }
        if let out = parsed.string("out") { overrides.append("output=\"\(out)\"") }
        let teachers = parsed.strings("teacher")
        if !teachers.isEmpty {
            overrides.append("teachers=[\(teachers.map { "\"\($0)\"" }.joined(separator: ","))]")
        }
        let overwrite = parsed.flag("overwrite")
        let checkOnly = parsed.flag("check")
        try parsed.rejectUnknown(command: "distill")
        guard FileManager.default.fileExists(atPath: path) else { throw UsageError("no distillation config at \(path)") }
        let config = try PolicyDistillationConfig.load(from: URL(fileURLWithPath: path), overrides: overrides)
        if checkOnly {
            print(try JSONValue(encoding: config).formatted())
            return
        }
        let distillation = try PolicyDistillation(config: config, registry: makeRegistry()) { print($0) }
        let result = try distillation.run(allowOverwrite: overwrite)
        print("student (\(result.kind.rawValue), \(result.studentParameterCount) parameters) saved in \(result.directory); "
              + String(format: "%.1f s", result.wallSeconds))
        print("teacher\treturn teacher\tstudent\tuntrained\tterminated teacher\tstudent\tuntrained")
        for task in result.tasks {
            print(String(format: "%@\t%.1f\t%.1f\t%.1f\t%.2f\t%.2f\t%.2f", task.teacher, task.teacherReturn, task.studentReturn,
                         task.untrainedStudentReturn, task.teacherTerminationRate, task.studentTerminationRate,
                         task.untrainedStudentTerminationRate))
        }
    }
}
