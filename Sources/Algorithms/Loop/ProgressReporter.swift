import Foundation

/// Tells the user how a run is going: on a terminal, a live line (episode, return so far, steps
/// per second, time left) and a line per finished episode; otherwise plain log lines only.
final class ProgressReporter {
    enum Mode { case live, lines, quiet }

    let mode: Mode
    private var lastUpdate = Date.distantPast

    init(setting: String) {
        switch setting {
        case "quiet": mode = .quiet
        case "lines": mode = .lines
        default: mode = isatty(STDOUT_FILENO) != 0 ? .live : .lines
        }
    }

    /// A live update during an episode (terminal only, at most a few times a second).
    func update(episode: Int, phase: String, step: Int, episodeReturn: Double, stepsPerSecond: Double, secondsLeft: Double?) {
        guard mode == .live, Date().timeIntervalSince(lastUpdate) > 0.25 else { return }
        lastUpdate = Date()
        let left = secondsLeft.map { " | about \(ProgressReporter.duration($0)) left" } ?? ""
        let text = "episode \(episode) (\(phase)) step \(step) return \(String(format: "%.1f", episodeReturn)) | \(String(format: "%.1f", stepsPerSecond)) steps/s\(left)"
        FileHandle.standardOutput.write(Data(("\r\u{1B}[K" + text).utf8))
    }

    /// A finished episode: "episode 6/30 training", "episode 3/10 exploration" (the count
    /// left out when `totalEpisodes` is nil), or "evaluation 2/20 after episode 30" when
    /// `evaluation` gives the evaluation episode's index and count.
    func finished(_ record: EpisodeRecord, of totalEpisodes: Int?, evaluation: (index: Int, count: Int)? = nil,
                  secondsLeft: Double?) {
        guard mode != .quiet else { return }
        let left = secondsLeft.map { ", about \(ProgressReporter.duration($0)) left" } ?? ""
        let position = evaluation.map { "evaluation \($0.index)/\($0.count) after episode \(record.episode)" }
            ?? "episode \(record.episode)\(totalEpisodes.map { "/\($0)" } ?? "") \(record.phase)"
        var text = "\(position): return \(String(format: "%.2f", record.episodeReturn)), length \(record.length), steps \(record.totalSteps)"
        if let loss = record.trainingLoss { text += ", model loss \(String(format: "%.4g", loss))" }
        if record.planningSecondsPerAction > 0 { text += ", \(String(format: "%.3f", record.planningSecondsPerAction)) s/action" }
        text += left
        FileHandle.standardOutput.write(Data(((mode == .live ? "\r\u{1B}[K" : "") + text + "\n").utf8))
    }

    /// A one-off message.
    func note(_ text: String) {
        guard mode != .quiet else { return }
        FileHandle.standardOutput.write(Data(((mode == .live ? "\r\u{1B}[K" : "") + text + "\n").utf8))
    }

    static func duration(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        if total >= 3600 { return "\(total / 3600)h\(String(format: "%02d", (total % 3600) / 60))m" }
        if total >= 60 { return "\(total / 60)m\(String(format: "%02d", total % 60))s" }
        return "\(total)s"
    }
}
