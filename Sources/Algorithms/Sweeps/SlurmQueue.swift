import Foundation

/// What Slurm says about a sweep's array tasks: `squeue` for tasks pending or running, `sacct`
/// (where accounting is enabled) for how finished ones ended.
///
/// ```swift
/// let queue = SlurmQueue.query(jobs: manifest.slurmJobs)
/// if let task = queue.latest(arrayIndex: 3) { print(task.state) }   // "RUNNING"
/// ```
public struct SlurmQueue: Sendable, Equatable {
    /// One array task as a Slurm command listed it.
    public struct Task: Sendable, Equatable {
        /// The array job's id.
        public var job: String
        /// The array index (the sweep's run index).
        public var arrayIndex: Int
        /// `PENDING`, `RUNNING`, `COMPLETED`, `TIMEOUT`, ...
        public var state: String
        /// Why a pending task waits, or a finished task's exit code (`1:0`).
        public var detail: String

        public init(job: String, arrayIndex: Int, state: String, detail: String) {
            self.job = job
            self.arrayIndex = arrayIndex
            self.state = state
            self.detail = detail
        }
    }

    /// Tasks `squeue` lists (pending, running, requeued).
    public var queued: [Task] = []
    /// Tasks `sacct` lists.
    public var accounted: [Task] = []
    /// What could not be asked (no `squeue`, accounting disabled), for the status output.
    public var notes: [String] = []

    public init(queued: [Task] = [], accounted: [Task] = [], notes: [String] = []) {
        self.queued = queued
        self.accounted = accounted
        self.notes = notes
    }

    /// States in which a task waits to run.
    public static let waitingStates: Set<String> = ["PENDING", "REQUEUED", "REQUEUE_HOLD", "REQUEUE_FED", "RESV_DEL_HOLD", "SUSPENDED"]
    /// States in which a task runs.
    public static let runningStates: Set<String> = ["RUNNING", "CONFIGURING", "COMPLETING", "STAGE_OUT", "SIGNALING", "RESIZING"]

    /// The queue entry of the latest job listing `arrayIndex` (jobs in `order`, oldest first).
    public func queuedTask(arrayIndex: Int, jobOrder order: [String]) -> Task? {
        Self.latest(queued.filter { $0.arrayIndex == arrayIndex }, order: order)
    }

    /// The accounting entry of the latest job listing `arrayIndex`.
    public func accountedTask(arrayIndex: Int, jobOrder order: [String]) -> Task? {
        Self.latest(accounted.filter { $0.arrayIndex == arrayIndex }, order: order)
    }

    static func latest(_ tasks: [Task], order: [String]) -> Task? {
        tasks.max { (order.firstIndex(of: $0.job) ?? -1) < (order.firstIndex(of: $1.job) ?? -1) }
    }

    /// Asks `squeue` and `sacct` about `jobs`; what is missing is said in `notes`.
    public static func query(jobs: [String]) -> SlurmQueue {
        var queue = SlurmQueue()
        guard !jobs.isEmpty else { return queue }
        let list = jobs.joined(separator: ",")
        if let result = ExternalCommand.run("squeue", ["-h", "-r", "-j", list, "-o", "%i|%T|%r"]) {
            if result.status == 0 {
                queue.queued = parse(result.output)
            } else if !result.errorOutput.contains("Invalid job id") {
                queue.notes.append("squeue failed: \(result.errorOutput.trimmingCharacters(in: .whitespacesAndNewlines))")
            }
        } else {
            queue.notes.append("squeue is not on PATH: states come from the run directories only")
        }
        if let result = ExternalCommand.run("sacct", ["-n", "-P", "-j", list, "--format=JobID,State,ExitCode"]), result.status == 0 {
            queue.accounted = parse(result.output)
        }
        return queue
    }

    /// Parses `JOB_INDEX|STATE|DETAIL` lines (squeue's `-r -o "%i|%T|%r"`, sacct's `-P` output);
    /// job steps (`JOB_INDEX.batch`) and lines that are not array tasks are skipped.
    public static func parse(_ text: String) -> [Task] {
        text.split(whereSeparator: \.isNewline).compactMap { line in
            let fields = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            guard fields.count >= 2, !fields[0].contains(".") else { return nil }
            let identifier = fields[0].trimmingCharacters(in: .whitespaces)
            guard let underscore = identifier.firstIndex(of: "_"),
                  let index = Int(identifier[identifier.index(after: underscore)...]) else { return nil }
            // sacct writes "CANCELLED by 0"; the first word is the state.
            let state = fields[1].split(separator: " ").first.map(String.init) ?? fields[1]
            return Task(job: String(identifier[..<underscore]), arrayIndex: index, state: state,
                        detail: fields.count > 2 ? fields[2] : "")
        }
    }
}
