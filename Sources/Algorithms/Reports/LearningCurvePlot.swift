import Foundation

/// One run's learning curve: training-episode returns (or the mean return of each round of
/// evaluation episodes) against environment steps.
public struct LearningCurve: Sendable, Equatable {
    public var label: String
    /// `(environment steps at the end of the episode, return)` per training episode, or per
    /// evaluation round.
    public var points: [(steps: Double, episodeReturn: Double)]

    public init(label: String, points: [(steps: Double, episodeReturn: Double)]) {
        self.label = label
        self.points = points
    }

    /// The curve of a run's evaluation rounds: the mean return (or `metric`) of the evaluation
    /// episodes run after the same training episode, at the environment steps stored by then.
    public init(evaluationsOf records: [EpisodeRecord], label: String, metric: String = "return") {
        self.label = label
        var rounds: [(steps: Double, values: [Double])] = []
        var lastKey: (episode: Int, steps: Int)?
        for record in records where record.phase == "evaluation" {
            guard let value = record.value(named: metric), value.isFinite else { continue }
            if let key = lastKey, key.episode == record.episode, key.steps == record.totalSteps, !rounds.isEmpty {
                rounds[rounds.count - 1].values.append(value)
            } else {
                rounds.append((Double(record.totalSteps), [value]))
                lastKey = (record.episode, record.totalSteps)
            }
        }
        points = rounds.map { ($0.steps, $0.values.reduce(0, +) / Double($0.values.count)) }
    }

    /// The curve of a run's training episodes: their return, or the value of `metric` (a column
    /// of `metrics.csv` such as `"training_loss"`, or a metric an optimizer reported such as
    /// `"criticLoss"`); episodes without it are left out.
    public init(label: String, records: [EpisodeRecord], metric: String = "return") {
        self.label = label
        points = records.filter { $0.phase == "training" }.compactMap { record in
            guard let value = record.value(named: metric), value.isFinite else { return nil }
            return (Double(record.totalSteps), value)
        }
    }

    public static func == (lhs: LearningCurve, rhs: LearningCurve) -> Bool {
        lhs.label == rhs.label && lhs.points.elementsEqual(rhs.points) { $0.steps == $1.steps && $0.episodeReturn == $1.episodeReturn }
    }
}

/// Learning curves as an SVG image (no image library needed): runs with the same label are
/// drawn as their mean with a band from the lowest to the highest run, aligned by episode.
///
/// ```swift
/// let svg = LearningCurvePlot(title: "PETS cart-pole", curves: curves).svg()
/// try svg.write(to: url, atomically: true, encoding: .utf8)
/// ```
public struct LearningCurvePlot {
    public var title: String
    public var curves: [LearningCurve]
    public var width = 720.0
    public var height = 420.0
    /// The vertical axis' label.
    public var valueLabel: String

    public init(title: String, curves: [LearningCurve], valueLabel: String = "episode return") {
        self.title = title
        self.curves = curves
        self.valueLabel = valueLabel
    }

    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"]

    /// How the runs of one label are lined up before their mean and band are taken.
    public enum Alignment: Sendable {
        /// The `i`-th point of every run together, at the runs' mean steps (runs with episodes
        /// of one length).
        case pointIndex
        /// Every run's latest value at each step any run has a point, from the step where all
        /// runs have begun to the end of the longest (runs whose episodes or evaluations fall at
        /// different steps); a run that has ended drops out of the mean and the band.
        case steps
    }

    /// How the runs of one label are lined up (default `.pointIndex`).
    public var alignment: Alignment = .pointIndex

    /// Per label, the points drawn: x (steps), the mean, the lowest and the highest run's value,
    /// lined up by `alignment`.
    public func groups() -> [(label: String, runs: Int, x: [Double], mean: [Double], low: [Double], high: [Double])] {
        if alignment == .steps { return stepAlignedGroups() }
        var order: [String] = []
        var byLabel: [String: [LearningCurve]] = [:]
        for curve in curves {
            if byLabel[curve.label] == nil { order.append(curve.label) }
            byLabel[curve.label, default: []].append(curve)
        }
        return order.map { label in
            let runs = byLabel[label] ?? []
            let length = runs.map(\.points.count).max() ?? 0
            var x: [Double] = [], mean: [Double] = [], low: [Double] = [], high: [Double] = []
            for index in 0..<length {
                let present = runs.compactMap { $0.points.indices.contains(index) ? $0.points[index] : nil }
                x.append(present.map(\.steps).reduce(0, +) / Double(present.count))
                let returns = present.map(\.episodeReturn)
                mean.append(returns.reduce(0, +) / Double(returns.count))
                low.append(returns.min() ?? 0)
                high.append(returns.max() ?? 0)
            }
            return (label, runs.count, x, mean, low, high)
        }
    }

    /// Per label: each run's latest value at every step where some run has a point.
    func stepAlignedGroups() -> [(label: String, runs: Int, x: [Double], mean: [Double], low: [Double], high: [Double])] {
        var order: [String] = []
        var byLabel: [String: [LearningCurve]] = [:]
        for curve in curves where !curve.points.isEmpty {
            if byLabel[curve.label] == nil { order.append(curve.label) }
            byLabel[curve.label, default: []].append(curve)
        }
        return order.map { label in
            let runs = byLabel[label] ?? []
            let start = runs.compactMap { $0.points.first?.steps }.max() ?? 0
            let grid = Set(runs.flatMap { $0.points.map(\.steps) }).filter { $0 >= start }.sorted()
            var x: [Double] = [], mean: [Double] = [], low: [Double] = [], high: [Double] = []
            for step in grid {
                // Runs that have ended before `step` drop out rather than hold their last value.
                let values = runs.compactMap { run -> Double? in
                    guard let end = run.points.last?.steps, end >= step else { return nil }
                    return run.points.last(where: { $0.steps <= step })?.episodeReturn
                }
                guard !values.isEmpty else { continue }
                x.append(step)
                mean.append(values.reduce(0, +) / Double(values.count))
                low.append(values.min() ?? 0)
                high.append(values.max() ?? 0)
            }
            return (label, runs.count, x, mean, low, high)
        }
    }

    /// The SVG document.
    public func svg() -> String {
        let groups = groups()
        let left = 70.0, right = 20.0, top = 40.0, bottom = 50.0
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let allX = groups.flatMap(\.x), allY = groups.flatMap(\.low) + groups.flatMap(\.high)
        let xRange = LearningCurvePlot.niceRange(low: 0, high: allX.max() ?? 1)
        let yRange = LearningCurvePlot.niceRange(low: allY.min() ?? 0, high: allY.max() ?? 1)
        func px(_ x: Double) -> Double { left + (x - xRange.low) / (xRange.high - xRange.low) * plotWidth }
        func py(_ y: Double) -> Double { top + (1 - (y - yRange.low) / (yRange.high - yRange.low)) * plotHeight }
        func format(_ value: Double) -> String { String(format: "%.1f", value) }
        func label(_ value: Double) -> String {
            abs(value) >= 10_000 ? String(format: "%.0fk", value / 1000) : (value == value.rounded() ? String(format: "%.0f", value) : String(format: "%.2g", value))
        }

        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="sans-serif" font-size="12">
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(format(width / 2))" y="22" text-anchor="middle" font-size="15">\(LearningCurvePlot.escape(title))</text>

            """
        for tick in LearningCurvePlot.ticks(xRange) {
            svg += "<line x1=\"\(format(px(tick)))\" y1=\"\(format(top))\" x2=\"\(format(px(tick)))\" y2=\"\(format(top + plotHeight))\" stroke=\"#eee\"/>"
            svg += "<text x=\"\(format(px(tick)))\" y=\"\(format(top + plotHeight + 18))\" text-anchor=\"middle\">\(label(tick))</text>\n"
        }
        for tick in LearningCurvePlot.ticks(yRange) {
            svg += "<line x1=\"\(format(left))\" y1=\"\(format(py(tick)))\" x2=\"\(format(left + plotWidth))\" y2=\"\(format(py(tick)))\" stroke=\"#eee\"/>"
            svg += "<text x=\"\(format(left - 6))\" y=\"\(format(py(tick) + 4))\" text-anchor=\"end\">\(label(tick))</text>\n"
        }
        svg += "<rect x=\"\(format(left))\" y=\"\(format(top))\" width=\"\(format(plotWidth))\" height=\"\(format(plotHeight))\" fill=\"none\" stroke=\"#444\"/>\n"
        svg += "<text x=\"\(format(left + plotWidth / 2))\" y=\"\(format(height - 10))\" text-anchor=\"middle\">environment steps</text>\n"
        svg += "<text transform=\"translate(16 \(format(top + plotHeight / 2))) rotate(-90)\" text-anchor=\"middle\">\(valueLabel)</text>\n"

        for (index, group) in groups.enumerated() where !group.x.isEmpty {
            let color = LearningCurvePlot.palette[index % LearningCurvePlot.palette.count]
            if group.runs > 1 {
                let upper = zip(group.x, group.high).map { "\(format(px($0))),\(format(py($1)))" }
                let lower = zip(group.x, group.low).reversed().map { "\(format(px($0))),\(format(py($1)))" }
                svg += "<polygon points=\"\((upper + lower).joined(separator: " "))\" fill=\"\(color)\" fill-opacity=\"0.18\" stroke=\"none\"/>\n"
            }
            let line = zip(group.x, group.mean).map { "\(format(px($0))),\(format(py($1)))" }.joined(separator: " ")
            svg += "<polyline points=\"\(line)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"/>\n"
            for (x, y) in zip(group.x, group.mean) {
                svg += "<circle cx=\"\(format(px(x)))\" cy=\"\(format(py(y)))\" r=\"2.5\" fill=\"\(color)\"/>"
            }
            let legendY = top + 16 + Double(index) * 18
            let runs = group.runs > 1 ? " (mean of \(group.runs) runs, band: min to max)" : ""
            svg += "\n<line x1=\"\(format(left + 10))\" y1=\"\(format(legendY - 4))\" x2=\"\(format(left + 30))\" y2=\"\(format(legendY - 4))\" stroke=\"\(color)\" stroke-width=\"2\"/>"
            svg += "<text x=\"\(format(left + 36))\" y=\"\(format(legendY))\">\(LearningCurvePlot.escape(group.label + runs))</text>\n"
        }
        return svg + "</svg>\n"
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }

    /// A range widened to round numbers.
    static func niceRange(low: Double, high: Double) -> (low: Double, high: Double) {
        var low = low, high = high
        if high - low < 1e-9 { low -= 1; high += 1 }
        let step = niceStep((high - low) / 5)
        return ((low / step).rounded(.down) * step, (high / step).rounded(.up) * step)
    }

    static func niceStep(_ raw: Double) -> Double {
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        let fraction = raw / magnitude
        return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * magnitude
    }

    static func ticks(_ range: (low: Double, high: Double)) -> [Double] {
        let step = niceStep((range.high - range.low) / 5)
        return stride(from: range.low, through: range.high + step * 1e-9, by: step).map { $0 }
    }
}
