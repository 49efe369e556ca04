import Foundation
import MBRLCore

/// A sweep's results: per point, the mean, standard deviation, minimum and maximum over its
/// finished seeds of each summary figure (final return, mean of the last 5 training returns,
/// best return, environment steps, and optionally steps to a return threshold and the final
/// evaluation return), as Markdown (`report.md`) and CSV (`report.csv`), and the learning
/// curves with one line per point, the mean over seeds with a band from the lowest to the
/// highest seed (`report.svg`).
///
/// ```swift
/// let report = try SweepReport(manifest: manifest, sweepDirectory: directory, threshold: -200)
/// try report.csv().write(to: directory.appendingPathComponent("report.csv"), atomically: true, encoding: .utf8)
/// ```
public struct SweepReport {
    /// A summary figure of one run.
    public struct Figure: Sendable, Equatable {
        /// The CSV column prefix, for example `final_return`.
        public var column: String
        /// The Markdown heading, for example `final return`.
        public var title: String
    }

    /// Mean, standard deviation (n - 1; nil for one value), minimum and maximum.
    public struct Statistics: Sendable, Equatable {
        public var count: Int
        public var mean: Double
        public var standardDeviation: Double?
        public var minimum: Double
        public var maximum: Double

        /// The statistics of `values`, or nil when there are none.
        public init?(_ values: [Double]) {
            guard let minimum = values.min(), let maximum = values.max() else { return nil }
            count = values.count
            mean = values.reduce(0, +) / Double(values.count)
            let mean = self.mean
            standardDeviation = values.count > 1
                ? (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count - 1)).squareRoot() : nil
            self.minimum = minimum
            self.maximum = maximum
        }
    }

    /// One point's results.
    public struct Row: Sendable {
        public var point: SweepPoint
        /// Seeds of the point, and those finished.
        public var runs: Int
        public var finished: Int
        /// Per figure column, the finished seeds' values (runs without the figure left out).
        public var values: [String: [Double]]

        /// The statistics of a figure.
        public func statistics(_ figure: Figure) -> Statistics? { Statistics(values[figure.column] ?? []) }
    }

    public var manifest: SweepManifest
    /// The return that "steps to threshold" waits for, if any.
    public var threshold: Double?
    /// The figures reported, in column order.
    public var figures: [Figure]
    public var rows: [Row]
    /// Every finished run's learning curve, labelled with its point.
    public var curves: [LearningCurve]
    /// Runs without `summary.json`.
    public var unfinished: [SweepRun]
    /// Whether curves are of evaluation rounds instead of training episodes.
    public var evaluationCurves: Bool

    /// Reads every run of the sweep in `sweepDirectory`. With `evaluation`, the curves are the
    /// mean returns of evaluation rounds (runs with `loop.evaluationEpisodes`).
    public init(manifest: SweepManifest, sweepDirectory: URL, threshold: Double? = nil, evaluation: Bool = false) throws {
        self.manifest = manifest
        self.threshold = threshold
        evaluationCurves = evaluation
        var rows = manifest.points.map { Row(point: $0, runs: 0, finished: 0, values: [:]) }
        var curves: [LearningCurve] = []
        var unfinished: [SweepRun] = []
        var anyEvaluation = false
        let decoder = JSONDecoder()
        for run in manifest.runs {
            rows[run.point].runs += 1
            let directory = sweepDirectory.appendingPathComponent(run.directory)
            guard let summary = RunSummaryFile.load(from: directory) else {
                unfinished.append(run)
                continue
            }
            let records: [EpisodeRecord]
            do {
                let text = try String(contentsOf: directory.appendingPathComponent("events.jsonl"), encoding: .utf8)
                records = try text.split(whereSeparator: \.isNewline).map { try decoder.decode(EpisodeRecord.self, from: Data($0.utf8)) }
            } catch {
                throw MBRLError.fileFormat("cannot read the episodes of \(directory.path) (events.jsonl): \(error)")
            }
            rows[run.point].finished += 1
            func add(_ column: String, _ value: Double?) {
                guard let value, value.isFinite else { return }
                rows[run.point].values[column, default: []].append(value)
            }
            add("final_return", summary.trainingReturns.last)
            add("last5_mean_return", summary.meanReturnLastFive)
            add("best_return", summary.bestReturn)
            add("total_steps", Double(summary.totalSteps))
            if let threshold {
                add("steps_to_threshold", records.first { $0.phase == "training" && $0.episodeReturn >= threshold }.map { Double($0.totalSteps) })
            }
            let evaluationCurve = LearningCurve(evaluationsOf: records, label: "")
            if let last = evaluationCurve.points.last {
                anyEvaluation = true
                add("final_evaluation_return", last.episodeReturn)
            }
            let label = manifest.points[run.point].label
            curves.append(evaluation ? LearningCurve(evaluationsOf: records, label: label) : LearningCurve(label: label, records: records))
        }
        var figures = [Figure(column: "final_return", title: "final return"),
                       Figure(column: "last5_mean_return", title: "mean of last 5 returns"),
                       Figure(column: "best_return", title: "best return"),
                       Figure(column: "total_steps", title: "steps")]
        if let threshold {
            figures.append(Figure(column: "steps_to_threshold", title: "steps to return >= \(Self.format(threshold))"))
        }
        if anyEvaluation { figures.append(Figure(column: "final_evaluation_return", title: "final evaluation return")) }
        self.figures = figures
        self.rows = rows
        self.curves = curves
        self.unfinished = unfinished
    }

    // MARK: - CSV

    /// One line per point: `point,label,variant`, one column per grid key, `seeds,finished`,
    /// then `FIGURE_mean,FIGURE_std,FIGURE_min,FIGURE_max` per figure (`steps_to_threshold`
    /// also has `steps_to_threshold_reached`, the seeds that reached it). Numbers are written
    /// in full precision; an empty cell has no value.
    public func csv() -> String {
        var header = ["point", "label"] + (manifest.variants.isEmpty ? [] : ["variant"]) + manifest.gridKeys + ["seeds", "finished"]
        for figure in figures {
            if figure.column == "steps_to_threshold" { header.append("steps_to_threshold_reached") }
            header += ["mean", "std", "min", "max"].map { "\(figure.column)_\($0)" }
        }
        var lines = [header.map(Self.csvField).joined(separator: ",")]
        for row in rows {
            var fields = ["\(row.point.index)", row.point.label] + (manifest.variants.isEmpty ? [] : [row.point.variant ?? ""])
            fields += manifest.gridKeys.map { key in row.point.gridSettings.first { $0.key == key }?.valueText ?? "" }
            fields += ["\(row.runs)", "\(row.finished)"]
            for figure in figures {
                let statistics = row.statistics(figure)
                if figure.column == "steps_to_threshold" { fields.append("\(statistics?.count ?? 0)") }
                fields += [statistics.map { "\($0.mean)" } ?? "", statistics?.standardDeviation.map { "\($0)" } ?? "",
                           statistics.map { "\($0.minimum)" } ?? "", statistics.map { "\($0.maximum)" } ?? ""]
            }
            lines.append(fields.map(Self.csvField).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A CSV field, quoted when it holds a comma, quote or line break.
    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    // MARK: - Markdown

    /// The table in Markdown, with the sweep's settings and the figure (`report.svg`) linked.
    public func markdown(figureFile: String = "report.svg") -> String {
        var text = "# Sweep \(manifest.name)\n\n"
        if !manifest.description.isEmpty { text += manifest.description + "\n\n" }
        let finished = manifest.runs.count - unfinished.count
        text += "Base recipe: `\(manifest.recipeSource)`"
        if !manifest.fixedSettings.isEmpty {
            text += "; every run sets " + manifest.fixedSettings.map { "`\($0.override)`" }.joined(separator: ", ")
        }
        text += ". Seeds: \(manifest.seeds.map(String.init).joined(separator: ", ")). \(manifest.sizeDescription), \(finished) finished.\n\n"
        text += "Each cell: mean ± standard deviation (n − 1) over the point's finished seeds, [minimum, maximum] (one value where the seeds agree).\n\n"
        var header = ["point", "seeds"] + figures.map(\.title)
        if threshold != nil, let position = figures.firstIndex(where: { $0.column == "steps_to_threshold" }) {
            header[position + 2] += " (seeds reaching it)"
        }
        text += "| " + header.joined(separator: " | ") + " |\n"
        text += "| " + header.enumerated().map { $0.offset == 0 ? "---" : "---:" }.joined(separator: " | ") + " |\n"
        for row in rows {
            var cells = [row.point.label.replacingOccurrences(of: "|", with: "\\|"), "\(row.finished)/\(row.runs)"]
            for figure in figures {
                guard let statistics = row.statistics(figure) else { cells.append("–"); continue }
                var cell = Self.format(statistics.mean)
                // Seeds that all agree show their one value.
                if statistics.minimum != statistics.maximum {
                    if let deviation = statistics.standardDeviation { cell += " ± \(Self.format(deviation))" }
                    cell += " [\(Self.format(statistics.minimum)), \(Self.format(statistics.maximum))]"
                }
                if figure.column == "steps_to_threshold" { cell += " (\(statistics.count))" }
                cells.append(cell)
            }
            text += "| " + cells.joined(separator: " | ") + " |\n"
        }
        text += "\n![learning curves, mean over seeds with a band from the lowest to the highest](\(figureFile))\n"
        if !unfinished.isEmpty {
            text += "\nNot finished (left out above): "
            text += unfinished.map { "`\($0.directory)`" }.joined(separator: ", ") + ".\n"
        }
        return text
    }

    // MARK: - Figure

    /// The learning curves: one line per point (the mean over its finished seeds, lined up by
    /// environment steps) with a band from the lowest to the highest seed.
    public func svg() -> String {
        var plot = LearningCurvePlot(title: "sweep \(manifest.name)", curves: curves,
                                     valueLabel: evaluationCurves ? "mean evaluation return" : "episode return")
        plot.alignment = .steps
        return plot.svg()
    }

    /// A number for people: whole numbers as they are, others with 1 to 3 significant decimals.
    public static func format(_ value: Double) -> String {
        if !value.isFinite { return "\(value)" }
        if value == value.rounded() && abs(value) < 1e15 { return String(format: "%.0f", value) }
        if abs(value) >= 100 { return String(format: "%.1f", value) }
        if abs(value) >= 1 { return String(format: "%.2f", value) }
        return String(format: "%.3g", value)
    }
}
