import Foundation

/// The figure of a `MazeExperimentResult` as an SVG image: mean curves against episodes or time
/// steps (Figures 8.2, 8.4, 8.5), or one bar per agent with the range over repetitions
/// (`"updates-to-optimal-path"`). Reuses `LearningCurvePlot`'s axes and palette.
///
/// ```swift
/// let svg = MazeSeriesPlot(result: result, title: "Dyna maze", firstX: 2).svg()
/// ```
public struct MazeSeriesPlot {
    /// The measurements drawn.
    public var result: MazeExperimentResult
    public var title: String
    /// Points with x below this are not drawn (the book's Figure 8.2 starts at episode 2).
    public var firstX: Double
    public var width = 720.0
    public var height = 440.0

    public init(result: MazeExperimentResult, title: String, firstX: Double = 1) {
        self.result = result
        self.title = title
        self.firstX = firstX
    }

    /// The SVG document.
    public func svg() -> String {
        result.measure == .updatesToOptimalPath ? barChart() : lineChart()
    }

    // MARK: - Frame

    private let left = 80.0, right = 20.0, top = 40.0, bottom = 50.0
    private var plotWidth: Double { width - left - right }
    private var plotHeight: Double { height - top - bottom }

    private func format(_ value: Double) -> String { String(format: "%.1f", value) }

    private func tickLabel(_ value: Double) -> String {
        if abs(value) >= 10_000 { return String(format: "%.0fk", value / 1000) }
        return value == value.rounded() ? String(format: "%.0f", value) : String(format: "%.2g", value)
    }

    private func header() -> String {
        """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="sans-serif" font-size="12">
        <rect width="100%" height="100%" fill="white"/>
        <text x="\(format(width / 2))" y="22" text-anchor="middle" font-size="15">\(LearningCurvePlot.escape(title))</text>

        """
    }

    private func axisTitles() -> String {
        let labels = result.axisLabels
        return "<text x=\"\(format(left + plotWidth / 2))\" y=\"\(format(height - 10))\" text-anchor=\"middle\">\(LearningCurvePlot.escape(labels.x))</text>\n"
            + "<text transform=\"translate(18 \(format(top + plotHeight / 2))) rotate(-90)\" text-anchor=\"middle\">\(LearningCurvePlot.escape(labels.y))</text>\n"
    }

    private func yGrid(_ yRange: (low: Double, high: Double), _ py: (Double) -> Double) -> String {
        var svg = ""
        for tick in LearningCurvePlot.ticks(yRange) {
            svg += "<line x1=\"\(format(left))\" y1=\"\(format(py(tick)))\" x2=\"\(format(left + plotWidth))\" y2=\"\(format(py(tick)))\" stroke=\"#eee\"/>"
            svg += "<text x=\"\(format(left - 6))\" y=\"\(format(py(tick) + 4))\" text-anchor=\"end\">\(tickLabel(tick))</text>\n"
        }
        return svg
    }

    private func legend(_ index: Int, _ text: String, color: String) -> String {
        let y = top + 16 + Double(index) * 18
        return "<line x1=\"\(format(left + plotWidth - 190))\" y1=\"\(format(y - 4))\" x2=\"\(format(left + plotWidth - 170))\" y2=\"\(format(y - 4))\" stroke=\"\(color)\" stroke-width=\"2\"/>"
            + "<text x=\"\(format(left + plotWidth - 164))\" y=\"\(format(y))\">\(LearningCurvePlot.escape(text))</text>\n"
    }

    // MARK: - Curves

    private func lineChart() -> String {
        let curves = result.agents.map { agent in
            zip(agent.x, agent.mean).filter { $0.0 >= firstX }
        }
        let allX = curves.flatMap { $0.map(\.0) }, allY = curves.flatMap { $0.map(\.1) }
        let xRange = LearningCurvePlot.niceRange(low: allX.min() ?? 0, high: allX.max() ?? 1)
        let yRange = LearningCurvePlot.niceRange(low: min(0, allY.min() ?? 0), high: allY.max() ?? 1)
        func px(_ x: Double) -> Double { left + (x - xRange.low) / (xRange.high - xRange.low) * plotWidth }
        func py(_ y: Double) -> Double { top + (1 - (y - yRange.low) / (yRange.high - yRange.low)) * plotHeight }

        var svg = header()
        for tick in LearningCurvePlot.ticks(xRange) {
            svg += "<line x1=\"\(format(px(tick)))\" y1=\"\(format(top))\" x2=\"\(format(px(tick)))\" y2=\"\(format(top + plotHeight))\" stroke=\"#eee\"/>"
            svg += "<text x=\"\(format(px(tick)))\" y=\"\(format(top + plotHeight + 18))\" text-anchor=\"middle\">\(tickLabel(tick))</text>\n"
        }
        svg += yGrid(yRange, py)
        svg += "<rect x=\"\(format(left))\" y=\"\(format(top))\" width=\"\(format(plotWidth))\" height=\"\(format(plotHeight))\" fill=\"none\" stroke=\"#444\"/>\n"
        svg += axisTitles()
        if let changeStep = result.changeStep, result.measure == .cumulativeReward,
           Double(changeStep) >= xRange.low, Double(changeStep) <= xRange.high {
            let x = px(Double(changeStep))
            svg += "<line x1=\"\(format(x))\" y1=\"\(format(top))\" x2=\"\(format(x))\" y2=\"\(format(top + plotHeight))\" stroke=\"#777\" stroke-dasharray=\"5 4\"/>"
            svg += "<text x=\"\(format(x + 4))\" y=\"\(format(top + plotHeight - 8))\" fill=\"#555\">walls change</text>\n"
        }
        if let fewest = result.fewestSteps, result.measure == .stepsPerEpisode {
            let y = py(Double(fewest))
            svg += "<line x1=\"\(format(left))\" y1=\"\(format(y))\" x2=\"\(format(left + plotWidth))\" y2=\"\(format(y))\" stroke=\"#777\" stroke-dasharray=\"5 4\"/>"
            svg += "<text x=\"\(format(left + plotWidth - 6))\" y=\"\(format(y - 5))\" text-anchor=\"end\" fill=\"#555\">shortest path, \(fewest) steps</text>\n"
        }
        // A long series is thinned to about one point per horizontal pixel.
        for (index, curve) in curves.enumerated() where !curve.isEmpty {
            let color = LearningCurvePlot.palette[index % LearningCurvePlot.palette.count]
            let stride = max(1, curve.count / Int(plotWidth))
            var points = Swift.stride(from: 0, to: curve.count, by: stride).map { curve[$0] }
            if let last = curve.last, points.last?.0 != last.0 { points.append(last) }
            let line = points.map { "\(format(px($0.0))),\(format(py($0.1)))" }.joined(separator: " ")
            svg += "<polyline points=\"\(line)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"/>\n"
            if curve.count <= 200 {
                for (x, y) in curve { svg += "<circle cx=\"\(format(px(x)))\" cy=\"\(format(py(y)))\" r=\"2.2\" fill=\"\(color)\"/>" }
                svg += "\n"
            }
            svg += legend(index, result.agents[index].label, color: color)
        }
        let note = "mean of \(result.repetitions) repetitions, \(result.environment)"
        svg += "<text x=\"\(format(left + 8))\" y=\"\(format(top + 16))\" fill=\"#555\">\(LearningCurvePlot.escape(note))</text>\n"
        return svg + "</svg>\n"
    }

    // MARK: - Bars

    private func barChart() -> String {
        let found = result.agents.map { agent in
            zip(agent.repetitions, agent.reachedOptimalPath).filter(\.1).map { $0.0[0] }
        }
        let means = found.map { $0.isEmpty ? 0 : $0.reduce(0, +) / Double($0.count) }
        let highs = found.map { $0.max() ?? 0 }
        let yRange = LearningCurvePlot.niceRange(low: 0, high: max(1, highs.max() ?? 1))
        func py(_ y: Double) -> Double { top + (1 - (y - yRange.low) / (yRange.high - yRange.low)) * plotHeight }

        var svg = header()
        svg += yGrid(yRange, py)
        svg += "<rect x=\"\(format(left))\" y=\"\(format(top))\" width=\"\(format(plotWidth))\" height=\"\(format(plotHeight))\" fill=\"none\" stroke=\"#444\"/>\n"
        svg += axisTitles()
        let slot = plotWidth / Double(max(1, result.agents.count))
        for (index, agent) in result.agents.enumerated() {
            let color = LearningCurvePlot.palette[index % LearningCurvePlot.palette.count]
            let center = left + slot * (Double(index) + 0.5)
            let barWidth = min(120, slot * 0.5)
            svg += "<rect x=\"\(format(center - barWidth / 2))\" y=\"\(format(py(means[index])))\" width=\"\(format(barWidth))\" height=\"\(format(py(0) - py(means[index])))\" fill=\"\(color)\" fill-opacity=\"0.75\"/>"
            if let low = found[index].min(), let high = found[index].max() {
                svg += "<line x1=\"\(format(center))\" y1=\"\(format(py(low)))\" x2=\"\(format(center))\" y2=\"\(format(py(high)))\" stroke=\"#222\"/>"
                svg += "<line x1=\"\(format(center - 8))\" y1=\"\(format(py(low)))\" x2=\"\(format(center + 8))\" y2=\"\(format(py(low)))\" stroke=\"#222\"/>"
                svg += "<line x1=\"\(format(center - 8))\" y1=\"\(format(py(high)))\" x2=\"\(format(center + 8))\" y2=\"\(format(py(high)))\" stroke=\"#222\"/>"
            }
            svg += "<text x=\"\(format(center))\" y=\"\(format(py(means[index]) - 6))\" text-anchor=\"middle\">\(tickLabel(means[index].rounded()))</text>"
            svg += "<text x=\"\(format(center))\" y=\"\(format(top + plotHeight + 18))\" text-anchor=\"middle\">\(LearningCurvePlot.escape(agent.label))</text>\n"
        }
        let fewest = result.fewestSteps.map(String.init) ?? "?"
        let within = result.pathTolerance == 1 ? "shortest path \(fewest) steps"
            : "greedy path within \(String(format: "%g", result.pathTolerance)) x the \(fewest)-step shortest"
        let note = "mean of \(result.repetitions) repetitions (bar), min to max (line), \(result.environment), \(within)"
        svg += "<text x=\"\(format(left + 8))\" y=\"\(format(top + 16))\" fill=\"#555\">\(LearningCurvePlot.escape(note))</text>\n"
        return svg + "</svg>\n"
    }
}
