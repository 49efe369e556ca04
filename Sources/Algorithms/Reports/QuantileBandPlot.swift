import Foundation

/// A figure of quantiles against a setting, on logarithmic axes (or linear ones, with
/// `logarithmic = false`): for every series, its median as a line and the band between two
/// quantiles (for example the gradient norm of policy backpropagation against the horizon, over
/// random policies, or the evaluation return against a physical parameter, over seeds).
///
/// ```swift
/// let series = QuantileBandPlot.Series(label: "true dynamics", x: [5, 10, 20], median: [1, 3, 9],
///                                      low: [0.5, 1, 2], high: [2, 6, 30])
/// let svg = QuantileBandPlot(title: "gradient norm", xLabel: "horizon H", yLabel: "norm", series: [series]).svg()
/// ```
public struct QuantileBandPlot: Sendable {
    /// One line with its band; points with a non-positive or non-finite value are left out.
    public struct Series: Sendable, Equatable {
        public var label: String
        public var x: [Double]
        public var median: [Double]
        public var low: [Double]
        public var high: [Double]

        public init(label: String, x: [Double], median: [Double], low: [Double], high: [Double]) {
            self.label = label
            self.x = x
            self.median = median
            self.low = low
            self.high = high
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    /// What the band spans, for the legend (for example "band: 10% to 90%").
    public var bandLabel: String
    public var series: [Series]
    public var width = 720.0
    public var height = 440.0
    /// What the line is, for the legend ("median" by default).
    public var lineLabel = "median"
    /// Whether the legend sits at the bottom left of the plot instead of the top left (for lines
    /// that fall from left to right).
    public var legendAtBottom = false
    /// Whether both axes are logarithmic (the default); linear axes also show negative values.
    public var logarithmic = true

    public init(title: String, xLabel: String, yLabel: String, bandLabel: String = "band: 10% to 90%", series: [Series]) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.bandLabel = bandLabel
        self.series = series
    }

    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e"]

    /// The figure as SVG: both axes logarithmic (decades marked), or linear (about six round ticks).
    public func svg() -> String {
        let left = 80.0, right = 20.0, top = 40.0, bottom = 50.0
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let logarithmic = self.logarithmic
        func usable(_ value: Double) -> Bool { value.isFinite && (!logarithmic || value > 0) }
        func scaled(_ value: Double) -> Double { logarithmic ? log10(value) : value }
        let xs = series.flatMap(\.x).filter(usable)
        let ys = series.flatMap { $0.low + $0.high + $0.median }.filter(usable)
        let xRange = (low: scaled(xs.min() ?? 1), high: scaled(xs.max() ?? 10))
        let yTicks: [Double]
        let yRange: (low: Double, high: Double)
        if logarithmic {
            yRange = ((log10(ys.min() ?? 1)).rounded(.down), (log10(ys.max() ?? 10)).rounded(.up))
            yTicks = Array(stride(from: yRange.low, through: yRange.high, by: 1))
        } else {
            let low = ys.min() ?? 0, high = max(ys.max() ?? 1, low + 1e-9)
            let step = Self.roundStep((high - low) / 6)
            yRange = ((low / step).rounded(.down) * step, (high / step).rounded(.up) * step)
            yTicks = Array(stride(from: yRange.low, through: yRange.high + step / 2, by: step))
        }
        let xSpan = max(xRange.high - xRange.low, 1e-9), ySpan = max(yRange.high - yRange.low, logarithmic ? 1 : 1e-9)
        func px(_ x: Double) -> Double { left + (scaled(x) - xRange.low) / xSpan * plotWidth }
        func py(_ y: Double) -> Double { top + (1 - (scaled(y) - yRange.low) / ySpan) * plotHeight }
        func format(_ value: Double) -> String { String(format: "%.1f", value) }
        func tickLabel(_ tick: Double) -> String {
            guard logarithmic else { return String(format: "%g", tick) }
            let value = pow(10, tick)
            return tick >= 0 && tick <= 4 ? String(format: "%.0f", value) : "1e\(Int(tick))"
        }
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="sans-serif" font-size="12">
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(format(width / 2))" y="22" text-anchor="middle" font-size="15">\(LearningCurvePlot.escape(title))</text>

            """
        for x in Set(series.flatMap(\.x).filter(usable)).sorted() {
            svg += "<line x1=\"\(format(px(x)))\" y1=\"\(format(top))\" x2=\"\(format(px(x)))\" y2=\"\(format(top + plotHeight))\" stroke=\"#eee\"/>"
            svg += "<text x=\"\(format(px(x)))\" y=\"\(format(top + plotHeight + 18))\" text-anchor=\"middle\">\(x == x.rounded() ? String(Int(x)) : String(format: "%.2g", x))</text>\n"
        }
        for tick in yTicks {
            let y = logarithmic ? pow(10, tick) : tick
            svg += "<line x1=\"\(format(left))\" y1=\"\(format(py(y)))\" x2=\"\(format(left + plotWidth))\" y2=\"\(format(py(y)))\" stroke=\"#eee\"/>"
            svg += "<text x=\"\(format(left - 6))\" y=\"\(format(py(y) + 4))\" text-anchor=\"end\">\(tickLabel(tick))</text>\n"
        }
        svg += "<rect x=\"\(format(left))\" y=\"\(format(top))\" width=\"\(format(plotWidth))\" height=\"\(format(plotHeight))\" fill=\"none\" stroke=\"#444\"/>\n"
        svg += "<text x=\"\(format(left + plotWidth / 2))\" y=\"\(format(height - 10))\" text-anchor=\"middle\">\(LearningCurvePlot.escape(xLabel))</text>\n"
        svg += "<text transform=\"translate(16 \(format(top + plotHeight / 2))) rotate(-90)\" text-anchor=\"middle\">\(LearningCurvePlot.escape(yLabel))</text>\n"
        for (index, line) in series.enumerated() {
            let color = Self.palette[index % Self.palette.count]
            let band = line.x.indices.filter { usable(line.x[$0]) && usable(line.low[$0]) && usable(line.high[$0]) }
            if band.count > 1 {
                let upper = band.map { "\(format(px(line.x[$0]))),\(format(py(line.high[$0])))" }
                let lower = band.reversed().map { "\(format(px(line.x[$0]))),\(format(py(line.low[$0])))" }
                svg += "<polygon points=\"\((upper + lower).joined(separator: " "))\" fill=\"\(color)\" fill-opacity=\"0.18\" stroke=\"none\"/>\n"
            }
            let points = line.x.indices.filter { usable(line.x[$0]) && usable(line.median[$0]) }
            svg += "<polyline points=\"\(points.map { "\(format(px(line.x[$0]))),\(format(py(line.median[$0])))" }.joined(separator: " "))\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"/>\n"
            for point in points {
                svg += "<circle cx=\"\(format(px(line.x[point])))\" cy=\"\(format(py(line.median[point])))\" r=\"3\" fill=\"\(color)\"/>"
            }
            let legendY = legendAtBottom ? top + plotHeight - 10 - Double(series.count - 1 - index) * 18 : top + 16 + Double(index) * 18
            svg += "\n<line x1=\"\(format(left + 10))\" y1=\"\(format(legendY - 4))\" x2=\"\(format(left + 30))\" y2=\"\(format(legendY - 4))\" stroke=\"\(color)\" stroke-width=\"2\"/>"
            svg += "<text x=\"\(format(left + 36))\" y=\"\(format(legendY))\">\(LearningCurvePlot.escape("\(line.label): \(lineLabel), \(bandLabel)"))</text>\n"
        }
        return svg + "</svg>\n"
    }

    /// 1, 2 or 5 times a power of ten, at least `rough`.
    static func roundStep(_ rough: Double) -> Double {
        let magnitude = pow(10, (log10(max(rough, 1e-12))).rounded(.down))
        return [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= rough } ?? 10 * magnitude
    }
}
