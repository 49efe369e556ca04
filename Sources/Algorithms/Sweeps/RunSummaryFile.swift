import Foundation

/// Reads a run directory's `summary.json` (written when the run finished).
///
/// ```swift
/// if let summary = RunSummaryFile.load(from: runDirectory) { print(summary.meanReturnLastFive ?? .nan) }
/// ```
public enum RunSummaryFile {
    /// The summary in `directory`, or nil when the run has not finished (or the file is unreadable).
    public static func load(from directory: URL) -> RunSummary? {
        guard let data = try? Data(contentsOf: directory.appendingPathComponent("summary.json")) else { return nil }
        return try? JSONDecoder().decode(RunSummary.self, from: data)
    }
}
