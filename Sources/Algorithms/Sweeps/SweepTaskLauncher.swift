import Foundation
import MBRLCore

/// Starts one run of a sweep as its own `mbrl-run run` process, so a crash stays in that run:
/// afresh, or with `--resume` when its directory holds a checkpoint. The process's output is
/// appended to the run's `sweep.log`; `sweep-attempt.json` records the attempt while it runs
/// and how it ended. The local executor and `mbrl-run sweep task` (a Slurm array task) both
/// launch runs through it.
///
/// ```swift
/// let launcher = SweepTaskLauncher(manifest: manifest, sweepDirectory: directory, executable: executable)
/// let attempt = try launcher.launch(manifest.runs[3])
/// attempt.process.waitUntilExit()
/// let record = try launcher.finish(attempt)
/// ```
public struct SweepTaskLauncher: Sendable {
    public var manifest: SweepManifest
    public var sweepDirectory: URL
    /// The `mbrl-run` executable the runs use.
    public var executable: URL

    public init(manifest: SweepManifest, sweepDirectory: URL, executable: URL) {
        self.manifest = manifest
        self.sweepDirectory = sweepDirectory
        self.executable = executable
    }

    /// A launched run.
    public struct Attempt: @unchecked Sendable {
        public var run: SweepRun
        public var process: Process
        public var record: SweepAttempt
        var log: FileHandle
    }

    /// The run's directory.
    public func directory(of run: SweepRun) -> URL {
        sweepDirectory.appendingPathComponent(run.directory)
    }

    /// Whether the run finished (its `summary.json` exists).
    public func isFinished(_ run: SweepRun) -> Bool {
        FileManager.default.fileExists(atPath: directory(of: run).appendingPathComponent("summary.json").path)
    }

    /// The arguments of the run's next attempt: resume when the directory holds a checkpoint
    /// and its recipe, start afresh otherwise.
    public func arguments(for run: SweepRun) -> (arguments: [String], resumes: Bool) {
        let runDirectory = directory(of: run)
        let fileManager = FileManager.default
        if fileManager.fileExists(atPath: runDirectory.appendingPathComponent("checkpoint.mbrl").path),
           fileManager.fileExists(atPath: runDirectory.appendingPathComponent("recipe.json").path) {
            return (manifest.resumeArguments(for: run, in: sweepDirectory), true)
        }
        return (manifest.startArguments(for: run, in: sweepDirectory), false)
    }

    /// Starts the run's process; `onExit` is called (on another thread) when it ends.
    public func launch(_ run: SweepRun, slurmTask: String? = nil, onExit: (@Sendable () -> Void)? = nil) throws -> Attempt {
        let runDirectory = directory(of: run)
        let (arguments, resumes) = self.arguments(for: run)
        let fileManager = FileManager.default
        let logURL = runDirectory.appendingPathComponent(SweepAttempt.logFileName)
        let log: FileHandle
        do {
            try fileManager.createDirectory(at: runDirectory, withIntermediateDirectories: true)
            if !fileManager.fileExists(atPath: logURL.path) { _ = fileManager.createFile(atPath: logURL.path, contents: nil) }
            log = try FileHandle(forWritingTo: logURL)
            try log.seekToEnd()
            let header = "=== \(Date()) \(resumes ? "resume" : "start"): \(([executable.path] + arguments).joined(separator: " "))\n"
            try log.write(contentsOf: Data(header.utf8))
        } catch {
            throw MBRLError.fileFormat("cannot prepare the run directory \(runDirectory.path): \(error.localizedDescription)")
        }
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        if let onExit { process.terminationHandler = { _ in onExit() } }
        do {
            try process.run()
        } catch {
            try? log.close()
            throw MBRLError.environmentFailure("cannot start \(executable.path): \(error.localizedDescription)")
        }
        let record = SweepAttempt(host: ProcessInfo.processInfo.hostName, processIdentifier: process.processIdentifier,
                                  resumed: resumes, started: Date().timeIntervalSince1970, slurmTask: slurmTask)
        try record.write(to: runDirectory)
        return Attempt(run: run, process: process, record: record, log: log)
    }

    /// Records how a finished attempt ended and closes its log.
    @discardableResult
    public func finish(_ attempt: Attempt) throws -> SweepAttempt {
        var record = attempt.record
        record.ended = Date().timeIntervalSince1970
        if attempt.process.terminationReason == .uncaughtSignal {
            record.signal = attempt.process.terminationStatus
        } else {
            record.exitStatus = attempt.process.terminationStatus
        }
        try? attempt.log.write(contentsOf: Data("=== \(Date()) ended: \(record.outcome)\n".utf8))
        try? attempt.log.close()
        try record.write(to: directory(of: attempt.run))
        return record
    }
}
