import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The state of every run of a sweep, read from the run directories (`summary.json`,
/// `checkpoint.mbrl`, `sweep-attempt.json`, `sweep.log`) and, for Slurm sweeps, from `squeue`
/// and `sacct` where they answer.
///
/// ```swift
/// let status = SweepStatus(manifest: manifest, sweepDirectory: directory, queue: SlurmQueue.query(jobs: manifest.slurmJobs))
/// print(status.counts)   // [.done: 6, .running: 2, ...]
/// ```
public struct SweepStatus: Sendable {
    /// Per run of the manifest, in order.
    public var states: [SweepRunState]
    /// What Slurm said (empty without Slurm jobs).
    public var queue: SlurmQueue

    public init(manifest: SweepManifest, sweepDirectory: URL, queue: SlurmQueue = SlurmQueue(),
                host: String = ProcessInfo.processInfo.hostName) {
        self.queue = queue
        states = manifest.runs.map { run in
            Self.state(of: run, directory: sweepDirectory.appendingPathComponent(run.directory), queue: queue,
                       jobOrder: manifest.slurmJobs, host: host)
        }
    }

    /// How many runs are in each state.
    public var counts: [SweepRunState.Kind: Int] {
        var counts: [SweepRunState.Kind: Int] = [:]
        for state in states { counts[state.kind, default: 0] += 1 }
        return counts
    }

    /// `"5 done, 1 running, 2 not started"` (states with no run left out).
    public var countsDescription: String {
        let counts = counts
        return SweepRunState.Kind.allCases.compactMap { kind in counts[kind].map { "\($0) \(kind.rawValue)" } }.joined(separator: ", ")
    }

    /// One run's state.
    static func state(of run: SweepRun, directory: URL, queue: SlurmQueue, jobOrder: [String], host: String) -> SweepRunState {
        let fileManager = FileManager.default
        if let summary = RunSummaryFile.load(from: directory) {
            let final = summary.trainingReturns.last.map { ", final return \(SweepReport.format($0))" } ?? ""
            return SweepRunState(.done, "\(summary.trainingEpisodes) training episodes, \(summary.totalSteps) steps\(final)")
        }
        let episodes = Self.recordedEpisodes(in: directory)
        let progress = episodes > 0 ? "\(episodes) episodes recorded" : "no episode recorded"
        if let task = queue.queuedTask(arrayIndex: run.index, jobOrder: jobOrder) {
            if SlurmQueue.runningStates.contains(task.state) {
                return SweepRunState(.running, "Slurm task \(task.job)_\(task.arrayIndex) \(task.state.lowercased()); \(progress)")
            }
            let reason = task.detail.isEmpty || task.detail == "None" ? "" : " (\(task.detail))"
            return SweepRunState(.queued, "Slurm task \(task.job)_\(task.arrayIndex) \(task.state.lowercased())\(reason); \(progress)")
        }
        let attempt = SweepAttempt.load(from: directory)
        if let attempt, attempt.ended == nil {
            if attempt.slurmTask == nil && attempt.host == host && Self.processIsAlive(attempt.processIdentifier) {
                return SweepRunState(.running, "process \(attempt.processIdentifier)\(attempt.resumed ? " (resumed)" : ""); \(progress)")
            }
            if attempt.slurmTask == nil && attempt.host != host {
                return SweepRunState(.running, "process \(attempt.processIdentifier) on \(attempt.host), as last recorded; \(progress)")
            }
        }
        if let attempt, attempt.failed {
            let line = SweepAttempt.lastErrorLine(in: directory).map { ": \($0)" } ?? ""
            return SweepRunState(.failed, "\(attempt.outcome)\(line)")
        }
        let hasCheckpoint = fileManager.fileExists(atPath: directory.appendingPathComponent("checkpoint.mbrl").path)
        if hasCheckpoint || attempt != nil || episodes > 0 {
            var how = attempt?.slurmTask.map { "Slurm task \($0) ended" } ?? "interrupted"
            if let attempt, let task = queue.accountedTask(arrayIndex: run.index, jobOrder: jobOrder) {
                how = "Slurm task \(attempt.slurmTask ?? "\(task.job)_\(task.arrayIndex)") \(task.state.lowercased())"
            }
            return SweepRunState(.stopped, "\(how); \(progress); \(hasCheckpoint ? "resumes from its checkpoint" : "starts over (no checkpoint)")")
        }
        return SweepRunState(.notStarted)
    }

    /// Lines of `events.jsonl`.
    static func recordedEpisodes(in directory: URL) -> Int {
        guard let data = try? Data(contentsOf: directory.appendingPathComponent("events.jsonl")) else { return 0 }
        return data.reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
    }

    /// Whether a process with this id exists on this machine.
    static func processIsAlive(_ identifier: Int32) -> Bool {
        guard identifier > 0 else { return false }
        return kill(identifier, 0) == 0 || errno == EPERM
    }
}
