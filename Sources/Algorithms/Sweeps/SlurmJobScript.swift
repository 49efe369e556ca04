import Foundation

/// The `sbatch` job-array script of a sweep: array index = the run's index in the manifest,
/// `--requeue`, the time limit and resources of one run, and one command per task,
/// `mbrl-run sweep task SWEEP_DIR INDEX`, which starts the run or, after a requeue or
/// preemption, continues it from its checkpoint (`mbrl-run run --resume`).
///
/// ```swift
/// let script = SlurmJobScript(manifest: manifest, sweepDirectory: directory, executable: executable,
///                             runs: unfinished, settings: manifest.slurm)
/// try script.text.write(to: directory.appendingPathComponent("slurm/sweep.sbatch"), atomically: true, encoding: .utf8)
/// ```
public struct SlurmJobScript: Sendable {
    public var manifest: SweepManifest
    /// The sweep directory (absolute: the tasks may start anywhere).
    public var sweepDirectory: URL
    /// The `mbrl-run` the tasks run (it must be at this path on the nodes too).
    public var executable: URL
    /// The runs to submit.
    public var runs: [SweepRun]
    /// Resources per run.
    public var settings: SlurmSettings

    /// The folder of the scripts and Slurm's own output files in the sweep directory.
    public static let folder = "slurm"

    public init(manifest: SweepManifest, sweepDirectory: URL, executable: URL, runs: [SweepRun], settings: SlurmSettings) {
        self.manifest = manifest
        self.sweepDirectory = sweepDirectory
        self.executable = executable
        self.runs = runs
        self.settings = settings
    }

    /// `--array`'s value: the run indices as ranges (`0-3,5,7-9`), with `%N` for `maxParallel`.
    public var arraySpecification: String {
        Self.ranges(runs.map(\.index)) + (settings.maxParallel.map { "%\($0)" } ?? "")
    }

    /// Sorted indices as comma-separated ranges.
    public static func ranges(_ indices: [Int]) -> String {
        var parts: [String] = []
        var start: Int?, previous: Int?
        func close() {
            guard let start, let previous else { return }
            parts.append(start == previous ? "\(start)" : "\(start)-\(previous)")
        }
        for index in Set(indices).sorted() {
            if let last = previous, index == last + 1 { previous = index; continue }
            close()
            start = index
            previous = index
        }
        close()
        return parts.joined(separator: ",")
    }

    /// A shell word: `'text'` with embedded quotes escaped.
    static func quoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// The script.
    public var text: String {
        let slurmFolder = sweepDirectory.appendingPathComponent(Self.folder).path
        var lines = ["#!/bin/bash"]
        let jobName = String(manifest.name.map { $0.isWhitespace || $0 == "#" ? "-" : $0 })
        lines.append("#SBATCH --job-name=\(jobName.isEmpty ? "mbrl-sweep" : jobName)")
        lines.append("#SBATCH --array=\(arraySpecification)")
        lines.append("#SBATCH --requeue")
        lines.append("#SBATCH --open-mode=append")
        lines.append("#SBATCH --output=\(slurmFolder)/%A_%a.out")
        if let time = settings.time { lines.append("#SBATCH --time=\(time)") }
        if let cpus = settings.cpusPerTask { lines.append("#SBATCH --cpus-per-task=\(cpus)") }
        if let memory = settings.memory { lines.append("#SBATCH --mem=\(memory)") }
        if let partition = settings.partition { lines.append("#SBATCH --partition=\(partition)") }
        if let account = settings.account { lines.append("#SBATCH --account=\(account)") }
        for directive in settings.directives { lines.append("#SBATCH \(directive)") }
        lines.append("#")
        lines.append("# Sweep \"\(manifest.name)\": \(manifest.sizeDescription) (\(runs.count) submitted), written by mbrl-run sweep.")
        lines.append("# Each array task runs one run of \(sweepDirectory.appendingPathComponent(SweepManifest.fileName).path):")
        lines.append("# it starts the run, or continues it from its checkpoint after a requeue or preemption")
        lines.append("# (mbrl-run run --resume); its output goes to the run directory's \(SweepAttempt.logFileName).")
        lines.append("#")
        lines.append("# index  seed  run directory")
        for run in runs {
            lines.append("# \(String(run.index).padding(toLength: 6, withPad: " ", startingAt: 0)) \(String(run.seed).padding(toLength: 5, withPad: " ", startingAt: 0)) \(run.directory)")
        }
        lines.append("")
        lines.append("exec \(Self.quoted(executable.path)) sweep task \(Self.quoted(sweepDirectory.path)) \"$SLURM_ARRAY_TASK_ID\"")
        return lines.joined(separator: "\n") + "\n"
    }
}
