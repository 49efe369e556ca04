import Algorithms
import Foundation
import MBRLCore

/// `mbrl-run report SWEEP_DIR`: a sweep's results as tables and one learning-curve figure.
enum ReportCommand {
    static let help = """
        mbrl-run report DIR [--threshold R] [--evaluation] [--out DIR2]

        Tabulates the sweep in DIR (written by 'mbrl-run sweep'): for each point, the mean, standard
        deviation (n - 1), minimum and maximum over its finished seeds of the final training return,
        the mean of the last 5 training returns, the best return, the environment steps, the final
        evaluation return (runs with evaluation episodes) and, with --threshold R, the environment
        steps until the first training episode whose return reached R (over the seeds that reached
        it). Writes report.md and report.csv, and report.svg: the learning curves, one line per
        point (mean over seeds, lined up by environment steps) with a band from the lowest to the
        highest seed. Unfinished runs are left out and listed.

          --threshold R   add "steps to return >= R"
          --evaluation    draw evaluation rounds' mean returns instead of training returns
          --out DIR2      write the three files there instead of DIR
        """

    static func main(_ arguments: [String]) throws {
        if arguments.contains("--help") { print(help); return }
        var parsed = try CommandArguments(arguments, flagNames: ["evaluation"])
        let threshold = try parsed.string("threshold").map { text -> Double in
            guard let value = Double(text), value.isFinite else { throw UsageError("--threshold takes a return, for example -200, got \"\(text)\"") }
            return value
        }
        let evaluation = parsed.flag("evaluation")
        let out = parsed.string("out")
        try parsed.rejectUnknown(command: "report")
        guard parsed.positionals.count == 1, let path = parsed.positionals.first else {
            throw UsageError("report takes one sweep directory (the directory 'mbrl-run sweep' wrote)")
        }
        let directory = URL(fileURLWithPath: path).standardizedFileURL
        let manifest = try SweepManifest.load(from: directory)
        let report = try SweepReport(manifest: manifest, sweepDirectory: directory, threshold: threshold, evaluation: evaluation)
        guard report.rows.contains(where: { $0.finished > 0 }) else {
            throw UsageError("no run of the sweep in \(directory.path) has finished yet; 'mbrl-run sweep status \(directory.path)' lists them")
        }
        let target = out.map { URL(fileURLWithPath: $0).standardizedFileURL } ?? directory
        let files = [("report.md", report.markdown()), ("report.csv", report.csv()), ("report.svg", report.svg())]
        do {
            try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
            for (name, text) in files {
                try text.write(to: target.appendingPathComponent(name), atomically: true, encoding: .utf8)
            }
        } catch {
            throw MBRLError.fileFormat("cannot write the report in \(target.path): \(error.localizedDescription)")
        }
        print(report.markdown())
        print("wrote \(files.map { target.appendingPathComponent($0.0).path }.joined(separator: ", "))")
    }
}
