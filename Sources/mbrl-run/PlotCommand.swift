import Algorithms
import Foundation
import MBRLCore

/// `mbrl-run plot DIR... [--out FILE]`: learning curves of one or several runs in one SVG.
enum PlotCommand {
    static let help = """
        mbrl-run plot DIR... [--out FILE] [--title TEXT] [--metric NAME] [--evaluation] [--max-steps N]

        Draws the training returns of the runs in DIR... (or, with --metric, any column of their
        metrics.csv: training_loss, validation_score, or a metric the policy optimizer reported
        such as qUpdates) against environment steps. Runs of the same recipe (the "name" in their
        recipe.json) are drawn as their mean with a band from the lowest to the highest run.
        With --evaluation, each run's curve is the mean return of its evaluation episodes after
        each evaluated episode, and runs are lined up by environment steps (each run's latest
        evaluation at every step), so recipes with different episode lengths share the axes.
        Writes FILE (default learning_curves.svg).
        """

    static func main(_ arguments: [String]) throws {
        if arguments.contains("--help") { print(help); return }
        var parsed = try CommandArguments(arguments, flagNames: ["evaluation"])
        let output = parsed.string("out") ?? "learning_curves.svg"
        let metric = parsed.string("metric") ?? "return"
        let evaluation = parsed.flag("evaluation")
        let maxSteps = try parsed.string("max-steps").map { text -> Double in
            guard let value = Double(text), value > 0 else { throw UsageError("--max-steps needs a positive number, got '\(text)'") }
            return value
        }
        let title = parsed.string("title") ?? (metric == "return" ? "learning curves" : metric)
        try parsed.rejectUnknown(command: "plot")
        guard !parsed.positionals.isEmpty else { throw UsageError("plot needs at least one run directory") }
        var curves: [LearningCurve] = []
        for path in parsed.positionals {
            let directory = URL(fileURLWithPath: path)
            let recorder = try RunRecorder(directory: directory)
            guard FileManager.default.fileExists(atPath: recorder.eventsURL.path) else {
                throw UsageError("\(path) is not a run directory (no events.jsonl)")
            }
            let lines = try String(contentsOf: recorder.eventsURL, encoding: .utf8).split(separator: "\n")
            let records = try lines.map { try JSONDecoder().decode(EpisodeRecord.self, from: Data($0.utf8)) }
            let name = (try? JSONValue(parsing: String(contentsOf: recorder.recipeURL, encoding: .utf8)))?["name"]?.stringValue
            let label = name ?? directory.lastPathComponent
            var curve = evaluation ? LearningCurve(evaluationsOf: records, label: label, metric: metric)
                : LearningCurve(label: label, records: records, metric: metric)
            if let maxSteps { curve.points = curve.points.filter { $0.steps <= maxSteps } }
            if curve.points.isEmpty && evaluation {
                throw UsageError("\(path) has no evaluation episodes\(metric == "return" ? "" : " with the metric \"\(metric)\"") (set loop.evaluationEpisodes)")
            }
            if curve.points.isEmpty && metric != "return" {
                let known = Set(records.flatMap(\.metrics.keys)).sorted()
                throw UsageError("\(path) has no training episode with the metric \"\(metric)\"\(NameSuggestions.hint(for: metric, in: EpisodeRecord.fixedColumns + known)); its metrics: \((EpisodeRecord.fixedColumns.dropFirst(2) + known).joined(separator: ", "))")
            }
            curves.append(curve)
        }
        var plot = LearningCurvePlot(title: title, curves: curves,
                                     valueLabel: metric == "return" ? (evaluation ? "mean evaluation return" : "episode return") : metric)
        if evaluation { plot.alignment = .steps }
        let svg = plot.svg()
        do {
            try svg.write(to: URL(fileURLWithPath: output), atomically: true, encoding: .utf8)
        } catch {
            throw MBRLError.fileFormat("cannot write \(output): \(error.localizedDescription)")
        }
        print("wrote \(output) (\(curves.count) runs)")
    }
}
