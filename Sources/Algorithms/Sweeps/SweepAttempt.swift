import Foundation
import MBRLCore

/// The latest attempt at a sweep's run, kept as `sweep-attempt.json` in the run directory by
/// whoever launched it (the local executor, or `mbrl-run sweep task` in a Slurm array task):
/// running on which host and process, or how it ended. `sweep status` reads it.
///
/// ```swift
/// let attempt = try SweepAttempt.load(from: runDirectory)
/// if attempt?.exitStatus != 0 { print(attempt?.outcome ?? "not started") }
/// ```
public struct SweepAttempt: Sendable, Codable, Equatable {
    /// The file in the run directory.
    public static let fileName = "sweep-attempt.json"
    /// The log of every attempt's output (appended) in the run directory.
    public static let logFileName = "sweep.log"

    /// The host the attempt runs on.
    public var host: String
    /// The `mbrl-run run` process.
    public var processIdentifier: Int32
    /// Whether it continued the run from its checkpoint.
    public var resumed: Bool
    /// Seconds since 1970 when it started.
    public var started: Double
    /// Seconds since 1970 when it ended; nil while running (or when it was killed together with
    /// whoever launched it).
    public var ended: Double?
    /// The exit status when the process exited.
    public var exitStatus: Int32?
    /// The signal that ended the process, if one did.
    public var signal: Int32?
    /// The Slurm array task (`JOB_INDEX`) it ran in, if any.
    public var slurmTask: String?

    public init(host: String, processIdentifier: Int32, resumed: Bool, started: Double, slurmTask: String?) {
        self.host = host
        self.processIdentifier = processIdentifier
        self.resumed = resumed
        self.started = started
        self.slurmTask = slurmTask
    }

    /// Whether the attempt ended without success.
    public var failed: Bool { ended != nil && (exitStatus ?? 0 != 0 || signal != nil) }

    /// `"exit status 1"`, `"killed by signal 9"` or `"running"`.
    public var outcome: String {
        if let signal { return "killed by signal \(signal)" }
        if let exitStatus { return "exit status \(exitStatus)" }
        return "running"
    }

    /// The attempt recorded in `runDirectory`, or nil.
    public static func load(from runDirectory: URL) -> SweepAttempt? {
        guard let data = try? Data(contentsOf: runDirectory.appendingPathComponent(fileName)) else { return nil }
        return try? JSONDecoder().decode(SweepAttempt.self, from: data)
    }

    /// Writes the attempt into `runDirectory` (atomically).
    public func write(to runDirectory: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do {
            try encoder.encode(self).write(to: runDirectory.appendingPathComponent(Self.fileName), options: .atomic)
        } catch {
            throw MBRLError.fileFormat("cannot write \(Self.fileName) in \(runDirectory.path): \(error.localizedDescription)")
        }
    }

    /// The last error line of a run's log: the last `mbrl-run:` line, else the last non-empty
    /// line (at most 300 characters).
    public static func lastErrorLine(in runDirectory: URL) -> String? {
        guard let data = try? Data(contentsOf: runDirectory.appendingPathComponent(logFileName)) else { return nil }
        let lines = String(decoding: data.suffix(65_536), as: UTF8.self).split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && !$0.hasPrefix("=== ") }
        guard let line = lines.last(where: { $0.hasPrefix("mbrl-run:") }) ?? lines.last else { return nil }
        return line.count > 300 ? String(line.prefix(300)) + "..." : line
    }
}
