import Algorithms
import Foundation
import MBRLCore

/// `mbrl-run plot DIR... [--out FILE]`: learning curves of one or several runs in one SVG.
enum PlotCommand {
    static let help = """
        mbrl-run plot DIR... [--out FILE] [--title TEXT]

        Draws the training returns of the runs in DIR... against environment steps. Runs of the
        same recipe (the "name" in their recipe.json) are drawn as their mean with a band from the
        lowest to the highest run. Writes FILE (default learning_curves.svg).
        """

    static func main(_ arguments: [String]) throws {
        if arguments.contains("--help") { print(help); return }
        var parsed = try CommandArguments(arguments)
        let output = parsed.string("out") ?? "learning_curves.svg"
        let title = parsed.string("title") ?? "learning curves"
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
            curves.append(LearningCurve(label: name ?? directory.lastPathComponent, records: records))
        }
        let svg = LearningCurvePlot(title: title, curves: curves).svg()
        do {
            try svg.write(to: URL(fileURLWithPath: output), atomically: true, encoding: .utf8)
        } catch {
            throw MBRLError.fileFormat("cannot write \(output): \(error.localizedDescription)")
        }
        print("wrote \(output) (\(curves.count) runs)")
    }
}
