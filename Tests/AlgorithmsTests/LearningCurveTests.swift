import Algorithms
import Foundation
import Testing

/// Evaluation curves and step-aligned plots: rounds of evaluation episodes become one mean point,
/// and runs of different lengths are averaged only where they ran.
@Suite struct LearningCurveTests {
    static func record(_ episode: Int, _ phase: String, _ value: Double, steps: Int) throws -> EpisodeRecord {
        let json = #"{"episode": \#(episode), "phase": "\#(phase)", "return": \#(value), "length": 10, "totalSteps": \#(steps), "modelFits": 0, "planningSecondsPerAction": 0, "wallSeconds": 0}"#
        return try JSONDecoder().decode(EpisodeRecord.self, from: Data(json.utf8))
    }

    @Test func evaluationRoundsBecomeTheirMean() throws {
        let records = [
            try Self.record(1, "training", -900, steps: 200),
            try Self.record(1, "evaluation", -100, steps: 200), try Self.record(1, "evaluation", -300, steps: 200),
            try Self.record(2, "training", -500, steps: 400),
            try Self.record(2, "evaluation", -50, steps: 400),
        ]
        let curve = LearningCurve(evaluationsOf: records, label: "run")
        #expect(curve.points.map(\.steps) == [200, 400] && curve.points.map(\.episodeReturn) == [-200, -50])
        #expect(LearningCurve(label: "run", records: records).points.map(\.episodeReturn) == [-900, -500])
    }

    @Test func stepAlignmentAveragesOnlyTheRunsStillRunning() throws {
        let long = LearningCurve(label: "a", points: [(100, 1), (300, 3), (500, 5)])
        let short = LearningCurve(label: "a", points: [(150, 10), (250, 20)])
        var plot = LearningCurvePlot(title: "t", curves: [long, short])
        plot.alignment = .steps
        let group = try #require(plot.groups().first)
        // From 150 (both begun): 150 -> (1 + 10) / 2, 250 -> (1 + 20) / 2, then the long run alone.
        #expect(group.x == [150, 250, 300, 500])
        #expect(group.mean == [5.5, 10.5, 3, 5])
        #expect(group.low == [1, 1, 3, 5] && group.high == [10, 20, 3, 5])
        #expect(plot.svg().contains("<svg"))
    }
}
