import Foundation
import MBRLCore

/// Runs a sweep's runs on this machine, `jobs` at a time, each as its own `mbrl-run run`
/// process (`SweepTaskLauncher`): a run that crashes is recorded as failed and the others go
/// on. Prints a line when a run starts and when it ends.
///
/// ```swift
/// let executor = LocalSweepExecutor(launcher: launcher, jobs: 2) { print($0) }
/// let outcome = executor.run(manifest.runs)
/// print(outcome.failed.count)
/// ```
public struct LocalSweepExecutor {
    public var launcher: SweepTaskLauncher
    /// Runs at a time.
    public var jobs: Int
    /// Receives the progress lines.
    public var output: (String) -> Void

    public init(launcher: SweepTaskLauncher, jobs: Int, output: @escaping (String) -> Void) {
        self.launcher = launcher
        self.jobs = max(1, jobs)
        self.output = output
    }

    /// What a local sweep did.
    public struct Outcome {
        /// Runs that finished now.
        public var finished: [SweepRun] = []
        /// Runs that failed, with how.
        public var failed: [(run: SweepRun, reason: String)] = []
    }

    /// Runs `runs` (each started afresh, or resumed from its checkpoint) and waits for them all.
    public func run(_ runs: [SweepRun]) -> Outcome {
        var outcome = Outcome()
        var pending = runs[...]
        var running: [Int: SweepTaskLauncher.Attempt] = [:]
        let exits = ExitQueue()
        let manifest = launcher.manifest
        let total = runs.count
        var started = 0, ended = 0
        func name(_ run: SweepRun) -> String { "\(manifest.points[run.point].label), seed \(run.seed)" }

        while !pending.isEmpty || !running.isEmpty {
            while running.count < jobs, let run = pending.popFirst() {
                started += 1
                do {
                    let index = run.index
                    let attempt = try launcher.launch(run) { exits.push(index) }
                    running[run.index] = attempt
                    output("[\(started)/\(total)] \(attempt.record.resumed ? "resume" : "start ") \(name(run)) (\(run.directory))")
                } catch {
                    ended += 1
                    outcome.failed.append((run, "\(error)"))
                    output("[\(ended)/\(total) ended] FAILED \(name(run)): \(error)")
                }
            }
            guard !running.isEmpty else { continue }
            let index = exits.pop()
            guard let attempt = running.removeValue(forKey: index) else { continue }
            attempt.process.waitUntilExit()
            ended += 1
            let seconds = String(format: "%.1f", Date().timeIntervalSince1970 - attempt.record.started)
            let record: SweepAttempt
            do {
                record = try launcher.finish(attempt)
            } catch {
                outcome.failed.append((attempt.run, "\(error)"))
                output("[\(ended)/\(total) ended] FAILED \(name(attempt.run)): \(error)")
                continue
            }
            let directory = launcher.directory(of: attempt.run)
            if !record.failed, let summary = RunSummaryFile.load(from: directory) {
                outcome.finished.append(attempt.run)
                let final = summary.trainingReturns.last.map { ", final return \(SweepReport.format($0))" } ?? ""
                output("[\(ended)/\(total) ended] done   \(name(attempt.run)) in \(seconds) s: \(summary.trainingEpisodes) episodes\(final)")
            } else {
                let line = SweepAttempt.lastErrorLine(in: directory) ?? "no summary.json written"
                let reason = "\(record.outcome): \(line)"
                outcome.failed.append((attempt.run, reason))
                output("[\(ended)/\(total) ended] FAILED \(name(attempt.run)) after \(seconds) s, \(reason) (log: \(directory.appendingPathComponent(SweepAttempt.logFileName).path))")
            }
        }
        return outcome
    }
}
