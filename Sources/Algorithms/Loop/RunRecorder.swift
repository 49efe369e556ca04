import Foundation
import MBRLCore

/// Writes a run directory: `recipe.json` (the resolved recipe, every default written out),
/// `metrics.csv` and `events.jsonl` (one line per episode), `summary.json`, `checkpoint.mbrl`
/// and `learning_curve.svg`.
///
/// Lines are appended and flushed episode by episode, so a killed run loses at most the episode
/// in progress; `truncate(toRecords:)` cuts both files back to what the last checkpoint covers
/// when a run resumes, so no line is lost or duplicated.
public final class RunRecorder {
    /// The run directory.
    public let directory: URL
    /// Episodes recorded so far.
    public private(set) var records: [EpisodeRecord] = []
    /// The metric columns of `metrics.csv` (every metric name recorded so far, sorted).
    public private(set) var metricNames: [String] = []

    public var metricsURL: URL { directory.appendingPathComponent("metrics.csv") }
    public var eventsURL: URL { directory.appendingPathComponent("events.jsonl") }
    public var checkpointURL: URL { directory.appendingPathComponent("checkpoint.mbrl") }
    public var recipeURL: URL { directory.appendingPathComponent("recipe.json") }
    public var summaryURL: URL { directory.appendingPathComponent("summary.json") }
    public var learningCurveURL: URL { directory.appendingPathComponent("learning_curve.svg") }

    /// A recorder for `directory`, created if needed.
    public init(directory: URL) throws {
        self.directory = directory
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw MBRLError.fileFormat("cannot create the run directory \(directory.path): \(error.localizedDescription)")
        }
    }

    /// Starts fresh files (a new run): refuses to overwrite a directory that already holds
    /// metrics, so no earlier run's data is lost.
    public func start(resolvedRecipe: JSONValue, allowOverwrite: Bool) throws {
        if !allowOverwrite, FileManager.default.fileExists(atPath: metricsURL.path) {
            throw MBRLError.invalidArgument(
                "\(directory.path) already holds a run; resume it with 'mbrl-run run --resume \(directory.path)', start over with --overwrite, or choose another --out")
        }
        try write(Data((resolvedRecipe.formatted() + "\n").utf8), to: recipeURL)
        try write(Data((EpisodeRecord.csvHeader(metricNames: []) + "\n").utf8), to: metricsURL)
        try write(Data(), to: eventsURL)
        try? FileManager.default.removeItem(at: checkpointURL)
        records = []
        metricNames = []
    }

    /// Reloads `metrics.csv`'s records (through `events.jsonl`) and cuts both files back to the
    /// first `count` episodes.
    public func truncate(toRecords count: Int) throws {
        let lines = (try? String(contentsOf: eventsURL, encoding: .utf8))?.split(separator: "\n", omittingEmptySubsequences: true) ?? []
        guard lines.count >= count else {
            throw MBRLError.fileFormat("\(eventsURL.path) holds \(lines.count) episodes but the checkpoint covers \(count); the run directory is damaged")
        }
        let decoder = JSONDecoder()
        records = try lines.prefix(count).map { try decoder.decode(EpisodeRecord.self, from: Data($0.utf8)) }
        let events = records.isEmpty ? "" : lines.prefix(count).joined(separator: "\n") + "\n"
        try write(Data(events.utf8), to: eventsURL)
        metricNames = Set(records.flatMap(\.metrics.keys)).sorted()
        try rewriteMetrics()
    }

    /// Appends one episode to both files. A record with a metric not seen before adds a column
    /// to `metrics.csv` (the file is rewritten with the wider header, earlier rows left empty there).
    public func append(_ record: EpisodeRecord) throws {
        records.append(record)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: try encoder.encode(record), as: UTF8.self)
        try appendLine(json, to: eventsURL)
        let newNames = record.metrics.keys.filter { !metricNames.contains($0) }
        if newNames.isEmpty {
            try appendLine(record.csvLine(metricNames: metricNames), to: metricsURL)
        } else {
            metricNames = (metricNames + newNames).sorted()
            try rewriteMetrics()
        }
    }

    /// Writes `metrics.csv` from `records` with the current metric columns.
    private func rewriteMetrics() throws {
        let lines = [EpisodeRecord.csvHeader(metricNames: metricNames)] + records.map { $0.csvLine(metricNames: metricNames) }
        try write(Data((lines.joined(separator: "\n") + "\n").utf8), to: metricsURL)
    }

    /// Writes `summary.json` and `learning_curve.svg`.
    public func finish(summary: RunSummary, title: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try write(try encoder.encode(summary), to: summaryURL)
        let curve = LearningCurve(label: title, records: records)
        try write(Data(LearningCurvePlot(title: title, curves: [curve]).svg().utf8), to: learningCurveURL)
    }

    private func appendLine(_ line: String, to url: URL) throws {
        do {
            let handle = try FileHandle(forWritingTo: url)
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: Data((line + "\n").utf8))
        } catch {
            throw MBRLError.fileFormat("cannot append to \(url.path): \(error.localizedDescription)")
        }
    }

    /// Writes atomically (a temporary file, then a rename).
    private func write(_ data: Data, to url: URL) throws {
        do {
            try data.write(to: url, options: .atomic)
        } catch {
            throw MBRLError.fileFormat("cannot write \(url.path): \(error.localizedDescription)")
        }
    }
}

/// What `summary.json` holds.
public struct RunSummary: Sendable, Codable, Equatable {
    public var recipe: String
    public var seed: UInt64
    public var trainingEpisodes: Int
    public var totalSteps: Int
    public var modelFits: Int
    /// Returns of the training episodes, in order.
    public var trainingReturns: [Double]
    /// The first training episode whose return reached the best return seen, and that return.
    public var bestReturn: Double?
    public var firstEpisodeAtBestReturn: Int?
    /// Mean return of the last 5 training episodes.
    public var meanReturnLastFive: Double?
    public var wallSeconds: Double
    public var meanPlanningSecondsPerAction: Double
    /// The evaluated iteration with the best mean evaluation return (its model is in
    /// `best-model.mbrl` with `loop.keepBestModel`); nil without evaluation episodes.
    public var bestEvaluation: BestIteration?
    /// The last evaluated iteration (the result after all the run's steps); nil without
    /// evaluation episodes.
    public var finalEvaluation: BestIteration?

    init(recipe: String, seed: UInt64, records: [EpisodeRecord], modelFits: Int, wallSeconds: Double) {
        self.recipe = recipe
        self.seed = seed
        let training = records.filter { $0.phase == "training" }
        trainingEpisodes = training.count
        totalSteps = records.last(where: { $0.phase != "evaluation" })?.totalSteps ?? 0
        self.modelFits = modelFits
        trainingReturns = training.map(\.episodeReturn)
        bestReturn = trainingReturns.max()
        firstEpisodeAtBestReturn = bestReturn.flatMap { best in training.first { $0.episodeReturn == best }?.episode }
        let lastFive = trainingReturns.suffix(5)
        meanReturnLastFive = lastFive.isEmpty ? nil : lastFive.reduce(0, +) / Double(lastFive.count)
        self.wallSeconds = wallSeconds
        let planned = training.filter { $0.planningSecondsPerAction > 0 }
        meanPlanningSecondsPerAction = planned.isEmpty ? 0 : planned.map(\.planningSecondsPerAction).reduce(0, +) / Double(planned.count)
        bestEvaluation = BestIteration.select(from: records)
        finalEvaluation = BestIteration.evaluations(in: records).last
    }
}
