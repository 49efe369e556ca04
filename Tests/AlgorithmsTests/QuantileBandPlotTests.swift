import Algorithms
import Foundation
import Testing

/// The band plot on linear axes: negative values are drawn, ticks are round numbers covering the
/// data, and every point lies inside the plot's frame.
@Suite struct QuantileBandPlotTests {
    @Test func linearAxesDrawNegativeReturnsInsideTheFrame() throws {
        let series = QuantileBandPlot.Series(label: "policy", x: [0.6, 1, 1.4], median: [-110, -170, -240],
                                             low: [-120, -180, -300], high: [-100, -160, -230])
        var plot = QuantileBandPlot(title: "return", xLabel: "mass", yLabel: "return", series: [series])
        plot.logarithmic = false
        let svg = plot.svg()
        for tick in ["-300", "-250", "-100", "0.6", "1.4"] { #expect(svg.contains(">\(tick)</text>")) }
        // Circles (the line's points) lie inside the frame x in [80, 700], y in [40, 390].
        let circles = svg.components(separatedBy: "<circle").dropFirst()
        #expect(circles.count == 3)
        for circle in circles {
            let cx = try #require(Double(circle.components(separatedBy: "cx=\"")[1].prefix { $0 != "\"" }))
            let cy = try #require(Double(circle.components(separatedBy: "cy=\"")[1].prefix { $0 != "\"" }))
            #expect((80...700).contains(cx) && (40...390).contains(cy))
        }
        // On logarithmic axes the same negative data has nothing to draw.
        plot.logarithmic = true
        #expect(!plot.svg().contains("<circle"))
    }
}
