/// Where a sweep's run stands, as `mbrl-run sweep status` shows it.
///
/// ```swift
/// let status = SweepStatus(manifest: manifest, sweepDirectory: directory)
/// for (run, state) in zip(manifest.runs, status.states) where state.kind == .failed { print(run.directory, state.detail) }
/// ```
public struct SweepRunState: Sendable, Equatable {
    /// The kinds of state, in the order the status lists its counts.
    public enum Kind: String, Sendable, CaseIterable {
        /// Finished: `summary.json` is written.
        case done
        /// A process works on it now.
        case running
        /// Waiting in the Slurm queue.
        case queued
        /// Interrupted (killed, preempted, out of time) with nothing running; the next sweep or
        /// requeue continues it from its checkpoint.
        case stopped
        /// Its last attempt exited with an error.
        case failed
        /// No attempt yet.
        case notStarted = "not started"
    }

    public var kind: Kind
    /// What else is known: the final return, the episodes done, the last error line.
    public var detail: String

    public init(_ kind: Kind, _ detail: String = "") {
        self.kind = kind
        self.detail = detail
    }

    /// Whether the run still needs an attempt (it is neither done nor being worked on).
    public var needsAttempt: Bool { kind == .stopped || kind == .failed || kind == .notStarted }
}
