import Algorithms
import Foundation
import MBRLCore

/// `mbrl-run sweep SWEEP.json`: a grid of settings times seeds, run here or on a Slurm cluster;
/// `sweep status` and `sweep task` work on the sweep directory it writes.
enum SweepCommand {
    static let help = """
        mbrl-run sweep SWEEP [--executor local|slurm] [--jobs N] [--out DIR] [--overwrite] [--dry-run]
                             [--time T] [--cpus-per-task N] [--mem M] [--partition P] [--account A]
        mbrl-run sweep status DIR
        mbrl-run sweep task DIR INDEX

        Expands the sweep file SWEEP (a base recipe, settings for every run, a grid of settings and
        named variants, and seeds; see sweeps/ and the README) into one run per point and seed, and
        writes the sweep directory (default runs/sweeps/<name>): manifest.json (every point and run),
        base-recipe.json, and runs/<point>/seed<S>/, each an ordinary run directory. Every point's
        recipe is built first, so a setting that is not a recipe key fails before anything runs.
        Finished runs are skipped; interrupted ones continue from their checkpoint.

          --executor local    run here, N at a time (--jobs N, default 1), each run its own
                              'mbrl-run run' process; a run that fails does not stop the others
          --executor slurm    write one sbatch job-array script (array index = run index, --requeue)
                              to DIR/slurm/sweep.sbatch, submit it with sbatch and print the job id;
                              --jobs N limits the runs at once (%N); resources per run come from the
                              sweep's "slurm" section or --time, --cpus-per-task, --mem, --partition,
                              --account
          --out DIR           the sweep directory (the sweep file's "output")
          --overwrite         discard the runs the sweep directory holds and start every run afresh
                              (needed when they come from a different base recipe or settings)
          --dry-run           expand, check and write the manifest (and the Slurm script), run nothing

        'sweep status DIR' lists every run: done, running, queued, stopped (resumes from its
        checkpoint), failed (with the last error line) or not started, from the run directories and,
        for Slurm sweeps, squeue and sacct. 'sweep task DIR INDEX' starts or resumes run INDEX (what
        each Slurm array task runs). 'mbrl-run report DIR' tabulates a sweep's results.

        Example:
          mbrl-run sweep sweeps/dyna-q-planning-steps.json --executor local --jobs 2
        """

    static func main(_ arguments: [String]) throws {
        if arguments.contains("--help") { print(help); return }
        switch arguments.first {
        case "status": try status(Array(arguments.dropFirst()))
        case "task": try task(Array(arguments.dropFirst()))
        default: try sweep(arguments)
        }
    }

    // MARK: - sweep SWEEP.json

    static func sweep(_ arguments: [String]) throws {
        var parsed = try CommandArguments(arguments, flagNames: ["overwrite", "dry-run"])
        let executor = parsed.string("executor") ?? "local"
        guard ["local", "slurm"].contains(executor) else {
            throw UsageError("--executor is local or slurm, got \"\(executor)\"\(NameSuggestions.hint(for: executor, in: ["local", "slurm"]))")
        }
        let jobsGiven = parsed.string("jobs") != nil
        let jobs = try parsed.integer("jobs", default: 1, range: 1...4096)
        let out = parsed.string("out")
        let overwrite = parsed.flag("overwrite")
        let dryRun = parsed.flag("dry-run")
        var slurmFlags: [String: String] = [:]
        for name in ["time", "cpus-per-task", "mem", "partition", "account"] {
            if let value = parsed.string(name) { slurmFlags[name] = value }
        }
        try parsed.rejectUnknown(command: "sweep")
        if executor == "local", let flag = slurmFlags.keys.sorted().first {
            throw UsageError("--\(flag) sets a Slurm resource; it needs --executor slurm")
        }
        guard parsed.positionals.count == 1, let path = parsed.positionals.first else {
            throw UsageError(parsed.positionals.isEmpty ? "sweep needs a sweep file; see 'mbrl-run sweep --help' (examples in sweeps/)"
                : "sweep takes one sweep file, got \(parsed.positionals.joined(separator: " "))")
        }
        guard FileManager.default.fileExists(atPath: path) else {
            let shipped = (try? FileManager.default.contentsOfDirectory(atPath: "sweeps"))?.filter { $0.hasSuffix(".json") }.sorted() ?? []
            throw UsageError("no sweep file at \(path)" + (shipped.isEmpty ? "" : "; shipped sweeps: " + shipped.map { "sweeps/\($0)" }.joined(separator: ", ")))
        }
        var specification = try SweepSpecification.load(from: URL(fileURLWithPath: path))
        if let out { specification.output = out }
        var settings = specification.slurm
        if let time = slurmFlags["time"] { settings.time = time }
        if let cpus = slurmFlags["cpus-per-task"] {
            guard let value = Int(cpus), value >= 1 else { throw UsageError("--cpus-per-task takes a whole number 1 or more, got \"\(cpus)\"") }
            settings.cpusPerTask = value
        }
        if let memory = slurmFlags["mem"] { settings.memory = memory }
        if let partition = slurmFlags["partition"] { settings.partition = partition }
        if let account = slurmFlags["account"] { settings.account = account }
        if executor == "slurm" && jobsGiven { settings.maxParallel = jobs }
        try settings.validate()

        // MARK: Expand and check everything before anything runs or is submitted
        var manifest = try SweepManifest(specification: specification)
        let resolved = try manifest.validate(registry: makeRegistry())
        let directory = URL(fileURLWithPath: specification.output).standardizedFileURL
        if let conflict = manifest.conflict(in: directory, resolvedRecipes: resolved), !overwrite {
            throw UsageError(conflict)
        }
        let previous = try? SweepManifest.load(from: directory)
        if overwrite && !dryRun {
            for folder in [SweepManifest.runsFolder, SlurmJobScript.folder] {
                let url = directory.appendingPathComponent(folder)
                if FileManager.default.fileExists(atPath: url.path) {
                    do { try FileManager.default.removeItem(at: url) } catch {
                        throw MBRLError.fileFormat("cannot remove \(url.path) for --overwrite: \(error.localizedDescription)")
                    }
                }
            }
        } else if let previous, previous.baseRecipe == manifest.baseRecipe {
            manifest.slurmJobs = previous.slurmJobs
        }
        try manifest.write(to: directory)
        let status = SweepStatus(manifest: manifest, sweepDirectory: directory, queue: SlurmQueue.query(jobs: manifest.slurmJobs))
        let launcher = SweepTaskLauncher(manifest: manifest, sweepDirectory: directory, executable: try currentExecutable())
        let todo = zip(manifest.runs, status.states).filter { $0.1.needsAttempt }.map(\.0)
        let resumes = todo.filter { launcher.arguments(for: $0).resumes }.count
        say("sweep \(manifest.name): \(manifest.sizeDescription) in \(directory.path)")
        say("  \(status.countsDescription); \(todo.count) to run\(resumes > 0 ? " (\(resumes) resumed from checkpoints)" : "")")
        if todo.isEmpty {
            say("nothing to run; 'mbrl-run report \(directory.path)' tabulates the results")
            return
        }

        switch executor {
        case "slurm":
            try submit(todo, manifest: &manifest, directory: directory, launcher: launcher, settings: settings, dryRun: dryRun)
        default:
            if dryRun {
                for run in todo {
                    say("  would \(launcher.arguments(for: run).resumes ? "resume" : "start ") \(run.index): \(manifest.points[run.point].label), seed \(run.seed) -> \(run.directory)")
                }
                return
            }
            say("running \(todo.count) run\(todo.count == 1 ? "" : "s"), \(jobs) at a time; each run's output goes to its \(SweepAttempt.logFileName)")
            let executor = LocalSweepExecutor(launcher: launcher, jobs: jobs) { say($0) }
            let outcome = executor.run(todo)
            let final = SweepStatus(manifest: manifest, sweepDirectory: directory)
            say("sweep \(manifest.name): \(final.countsDescription); 'mbrl-run report \(directory.path)' tabulates the results")
            if !outcome.failed.isEmpty {
                throw SweepFailure(description: "\(outcome.failed.count) of \(todo.count) runs failed; 'mbrl-run sweep status \(directory.path)' lists them, and the next 'mbrl-run sweep' retries them")
            }
        }
    }

    /// Writes the job-array script and submits it; with `dryRun`, only writes it.
    static func submit(_ runs: [SweepRun], manifest: inout SweepManifest, directory: URL, launcher: SweepTaskLauncher,
                       settings: SlurmSettings, dryRun: Bool) throws {
        let script = SlurmJobScript(manifest: manifest, sweepDirectory: directory, executable: launcher.executable,
                                    runs: runs, settings: settings)
        let folder = directory.appendingPathComponent(SlurmJobScript.folder)
        let scriptURL = folder.appendingPathComponent("sweep.sbatch")
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try script.text.write(to: scriptURL, atomically: true, encoding: .utf8)
        } catch {
            throw MBRLError.fileFormat("cannot write \(scriptURL.path): \(error.localizedDescription)")
        }
        if dryRun {
            say("wrote \(scriptURL.path) (array \(script.arraySpecification)); not submitted (--dry-run)")
            return
        }
        guard ExternalCommand.find("sbatch") != nil else {
            throw SweepFailure(description: "sbatch is not on PATH, so nothing was submitted (this is not a Slurm login node? scripts/slurm_test_cluster.sh start runs a one-machine test cluster); the job script is \(scriptURL.path)")
        }
        guard let result = ExternalCommand.run("sbatch", ["--parsable", scriptURL.path]) else {
            throw SweepFailure(description: "sbatch could not be started; nothing was submitted; the job script is \(scriptURL.path)")
        }
        let message = (result.errorOutput + result.output).trimmingCharacters(in: .whitespacesAndNewlines)
        let job = result.output.split(whereSeparator: \.isNewline).last.map { String($0.split(separator: ";").first ?? $0) }?
            .trimmingCharacters(in: .whitespaces) ?? ""
        guard result.status == 0, !job.isEmpty, job.allSatisfy(\.isNumber) else {
            throw SweepFailure(description: "sbatch refused the job array (exit status \(result.status)): \(message.isEmpty ? "no message" : message); nothing was submitted; the job script is \(scriptURL.path)")
        }
        manifest.slurmJobs.append(job)
        try manifest.write(to: directory)
        say("submitted Slurm job array \(job) (\(runs.count) run\(runs.count == 1 ? "" : "s"), array \(script.arraySpecification)); script \(scriptURL.path)")
        say("follow it with 'mbrl-run sweep status \(directory.path)'")
    }

    // MARK: - sweep status DIR

    static func status(_ arguments: [String]) throws {
        let parsed = try CommandArguments(arguments)
        try parsed.rejectUnknown(command: "sweep status")
        guard parsed.positionals.count == 1, let path = parsed.positionals.first else {
            throw UsageError("sweep status takes one sweep directory (the directory 'mbrl-run sweep' wrote)")
        }
        let directory = URL(fileURLWithPath: path).standardizedFileURL
        let manifest = try SweepManifest.load(from: directory)
        let queue = SlurmQueue.query(jobs: manifest.slurmJobs)
        let status = SweepStatus(manifest: manifest, sweepDirectory: directory, queue: queue)
        say("sweep \(manifest.name): \(manifest.sizeDescription) in \(directory.path)")
        if !manifest.slurmJobs.isEmpty { say("Slurm jobs: \(manifest.slurmJobs.joined(separator: ", "))") }
        for note in queue.notes { say("note: \(note)") }
        say(status.countsDescription)
        let labelWidth = min(48, manifest.points.map(\.label.count).max() ?? 5)
        func padded(_ text: String, _ width: Int) -> String { text.count >= width ? text : text + String(repeating: " ", count: width - text.count) }
        say("\(padded("run", 5)) \(padded("point", labelWidth)) \(padded("seed", 5)) \(padded("state", 12)) detail")
        for (run, state) in zip(manifest.runs, status.states) {
            say("\(padded("\(run.index)", 5)) \(padded(manifest.points[run.point].label, labelWidth)) \(padded("\(run.seed)", 5)) \(padded(state.kind.rawValue, 12)) \(state.detail)")
        }
    }

    // MARK: - sweep task DIR INDEX

    static func task(_ arguments: [String]) throws {
        let parsed = try CommandArguments(arguments)
        try parsed.rejectUnknown(command: "sweep task")
        guard parsed.positionals.count == 2, let index = Int(parsed.positionals[1]) else {
            throw UsageError("sweep task takes a sweep directory and a run index: mbrl-run sweep task DIR INDEX")
        }
        let directory = URL(fileURLWithPath: parsed.positionals[0]).standardizedFileURL
        let manifest = try SweepManifest.load(from: directory)
        guard manifest.runs.indices.contains(index) else {
            throw UsageError("the sweep in \(directory.path) has runs 0...\(manifest.runs.count - 1), not \(index)")
        }
        let run = manifest.runs[index]
        let launcher = SweepTaskLauncher(manifest: manifest, sweepDirectory: directory, executable: try currentExecutable())
        let label = "\(manifest.points[run.point].label), seed \(run.seed)"
        if launcher.isFinished(run) {
            say("run \(index) (\(label)) has finished already: \(run.directory)")
            return
        }
        let environment = ProcessInfo.processInfo.environment
        let slurmTask = environment["SLURM_ARRAY_JOB_ID"].map { "\($0)_\(environment["SLURM_ARRAY_TASK_ID"] ?? "\(index)")" }
        let attempt = try launcher.launch(run, slurmTask: slurmTask)
        say("run \(index) (\(label)): \(attempt.record.resumed ? "resuming from its checkpoint" : "starting") in \(run.directory), output in its \(SweepAttempt.logFileName)")
        attempt.process.waitUntilExit()
        let record = try launcher.finish(attempt)
        guard record.failed else {
            say("run \(index) finished")
            return
        }
        let line = SweepAttempt.lastErrorLine(in: launcher.directory(of: run)) ?? ""
        standardError("mbrl-run: run \(index) (\(label)) failed, \(record.outcome): \(line)")
        exit(record.exitStatus.map { $0 == 0 ? 1 : $0 } ?? 1)
    }

    /// Writes a line to standard output at once (unbuffered, so progress shows while runs go on).
    static func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    /// This executable's absolute path, which the runs and Slurm tasks use.
    static func currentExecutable() throws -> URL {
        let procSelf = URL(fileURLWithPath: "/proc/self/exe")
        if FileManager.default.fileExists(atPath: procSelf.path) {
            let resolved = procSelf.resolvingSymlinksInPath()
            if resolved.path != procSelf.path { return resolved }
            if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: procSelf.path) { return URL(fileURLWithPath: target) }
        }
        if let url = Bundle.main.executableURL { return url.standardizedFileURL }
        let first = CommandLine.arguments.first ?? "mbrl-run"
        if first.contains("/") { return URL(fileURLWithPath: first).standardizedFileURL }
        if let found = ExternalCommand.find(first) { return found }
        throw MBRLError.environmentFailure("cannot find the mbrl-run executable's path to launch runs with")
    }
}

/// Runs failed or a submission was refused: printed as it is, exit status 1.
struct SweepFailure: Error, CustomStringConvertible {
    let description: String
}
