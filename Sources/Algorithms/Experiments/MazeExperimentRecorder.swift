import Foundation
import MBRLCore

/// Writes a maze experiment's run directory:
///
/// - `experiment.json`: the experiment with every default written out;
/// - `mean.csv`: the mean series, one column per agent (for `"updates-to-optimal-path"`, one
///   row per agent with mean, median, min and max updates);
/// - `repetitions.csv`: every repetition (steps of every episode; cumulative reward at the
///   change step and at the end; updates and real steps until the optimal path);
/// - `figure.svg`: the figure (`MazeSeriesPlot`);
/// - `summary.json`: the key numbers per agent (`MazeExperimentRunner` lists them).
///
/// ```swift
/// let files = try MazeExperimentRecorder(directory: URL(fileURLWithPath: "runs/dyna-maze"))
/// try files.write(result, resolvedExperiment: runner.resolvedExperiment, title: "Dyna maze", firstX: 2)
/// ```
public struct MazeExperimentRecorder {
    /// The run directory.
    public let directory: URL

    public var experimentURL: URL { directory.appendingPathComponent("experiment.json") }
    public var meanURL: URL { directory.appendingPathComponent("mean.csv") }
    public var repetitionsURL: URL { directory.appendingPathComponent("repetitions.csv") }
    public var figureURL: URL { directory.appendingPathComponent("figure.svg") }
    public var summaryURL: URL { directory.appendingPathComponent("summary.json") }

    /// A recorder for `directory`, created if needed.
    public init(directory: URL) throws {
        self.directory = directory
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw MBRLError.fileFormat("cannot create the run directory \(directory.path): \(error.localizedDescription)")
        }
    }

    /// Writes every file, replacing earlier ones.
    public func write(_ result: MazeExperimentResult, resolvedExperiment: JSONValue, title: String, firstX: Double) throws {
        try write(resolvedExperiment.formatted() + "\n", to: experimentURL)
        try write(meanCSV(result), to: meanURL)
        try write(repetitionsCSV(result), to: repetitionsURL)
        try write(MazeSeriesPlot(result: result, title: title, firstX: firstX).svg(), to: figureURL)
        try write(summaryJSON(result), to: summaryURL)
    }

    // MARK: - Contents

    /// The mean series as CSV.
    public func meanCSV(_ result: MazeExperimentResult) -> String {
        if result.measure == .updatesToOptimalPath {
            var lines = ["agent,meanUpdates,medianUpdates,minUpdates,maxUpdates,meanRealSteps,reachedFraction"]
            for agent in result.agents {
                let keys = ["meanUpdates", "medianUpdates", "minUpdates", "maxUpdates", "meanRealSteps", "reachedFraction"]
                lines.append(([csvField(agent.label)] + keys.map { agent.summary[$0].map(number) ?? "" }).joined(separator: ","))
            }
            return lines.joined(separator: "\n") + "\n"
        }
        let xName = result.measure == .stepsPerEpisode ? "episode" : "step"
        var lines = [([xName] + result.agents.map { csvField($0.label) }).joined(separator: ",")]
        let count = result.agents.map(\.x.count).max() ?? 0
        for index in 0..<count {
            let x = result.agents.first { $0.x.indices.contains(index) }?.x[index] ?? Double(index + 1)
            lines.append(([number(x)] + result.agents.map { $0.mean.indices.contains(index) ? number($0.mean[index]) : "" }).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Every repetition as CSV.
    public func repetitionsCSV(_ result: MazeExperimentResult) -> String {
        var lines: [String] = []
        switch result.measure {
        case .stepsPerEpisode:
            lines.append("agent,repetition,episode,steps")
            for agent in result.agents {
                for (repetition, series) in agent.repetitions.enumerated() {
                    for (index, value) in series.enumerated() {
                        lines.append("\(csvField(agent.label)),\(repetition),\(index + 1),\(number(value))")
                    }
                }
            }
        case .cumulativeReward:
            let change = result.changeStep
            lines.append("agent,repetition,cumulativeRewardAtChange,finalCumulativeReward,finalGreedyPathShortest")
            for agent in result.agents {
                for (repetition, series) in agent.repetitions.enumerated() {
                    let atChange = change.flatMap { $0 >= 1 && $0 <= series.count ? number(series[$0 - 1]) : nil } ?? ""
                    let shortest = agent.reachedOptimalPath.indices.contains(repetition) ? String(agent.reachedOptimalPath[repetition]) : ""
                    lines.append("\(csvField(agent.label)),\(repetition),\(atChange),\(series.last.map(number) ?? ""),\(shortest)")
                }
            }
        case .updatesToOptimalPath:
            lines.append("agent,repetition,updates,realSteps,reachedOptimalPath")
            for agent in result.agents {
                for (repetition, series) in agent.repetitions.enumerated() {
                    let steps = agent.realSteps.indices.contains(repetition) ? number(agent.realSteps[repetition]) : ""
                    let reached = agent.reachedOptimalPath.indices.contains(repetition) ? String(agent.reachedOptimalPath[repetition]) : ""
                    lines.append("\(csvField(agent.label)),\(repetition),\(series.first.map(number) ?? ""),\(steps),\(reached)")
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The key numbers as JSON (the mean series too when it has at most 200 points).
    public func summaryJSON(_ result: MazeExperimentResult) throws -> String {
        var agents: [JSONValue] = []
        for agent in result.agents {
            var members: [String: JSONValue] = [
                "label": .string(agent.label), "optimizer": agent.optimizer,
                "summary": .object(agent.summary.mapValues { .number($0) }),
            ]
            if result.measure == .stepsPerEpisode, agent.mean.count <= 200 {
                members["meanSeries"] = .array(agent.mean.map { .number(($0 * 1000).rounded() / 1000) })
            }
            agents.append(.object(members))
        }
        var summary: [String: JSONValue] = [
            "name": .string(result.name), "measure": .string(result.measure.rawValue), "environment": .string(result.environment),
            "seed": .number(Double(result.seed)), "repetitions": .number(Double(result.repetitions)),
            "wallSeconds": .number((result.wallSeconds * 100).rounded() / 100), "agents": .array(agents),
        ]
        if let fewest = result.fewestSteps { summary["fewestSteps"] = .number(Double(fewest)) }
        if let change = result.changeStep { summary["changeStep"] = .number(Double(change)) }
        if result.measure == .updatesToOptimalPath { summary["pathTolerance"] = .number(result.pathTolerance) }
        return JSONValue.object(summary).formatted() + "\n"
    }

    // MARK: - Helpers

    private func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(format: "%.6g", value)
    }

    private func csvField(_ text: String) -> String {
        text.contains(",") || text.contains("\"") ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }

    private func write(_ text: String, to url: URL) throws {
        do {
            try Data(text.utf8).write(to: url, options: .atomic)
        } catch {
            throw MBRLError.fileFormat("cannot write \(url.path): \(error.localizedDescription)")
        }
    }
}
