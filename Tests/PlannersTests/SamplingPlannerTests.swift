import Foundation
import MBRLCore
import Planners
import Testing

/// Records the smallest and largest action any scored sequence held.
final class RangeRecorder: TrajectoryEvaluator, @unchecked Sendable {
    let inner: QuadraticTargetEvaluator
    var smallest = Float.infinity, largest = -Float.infinity, sequencesScored = 0
    init(_ inner: QuadraticTargetEvaluator) { self.inner = inner }
    var actionSpace: Space { inner.actionSpace }
    var observationSize: Int { 1 }
    var capabilities: PlanningCapabilities { [.sequenceScoring] }
    func evaluate(from observation: [Float], actionSequences: Matrix, horizon: Int,
                  generator: inout RandomGenerator) throws -> [Float] {
        for value in actionSequences.values {
            smallest = min(smallest, value)
            largest = max(largest, value)
        }
        sequencesScored += actionSequences.rows
        return try inner.evaluate(from: observation, actionSequences: actionSequences, horizon: horizon, generator: &generator)
    }
}

@Suite struct RandomShootingTests {
    let space = Space.box(Box(lowerBound: -2, upperBound: 2, size: 2))

    @Test func returnsTheBestOfItsCandidates() throws {
        let evaluator = QuadraticTargetEvaluator(target: [0.5, -0.5, 1, 1, 0, 0], actionSpace: space)
        var planner = try RandomShootingPlanner(config: .init(horizon: 3, sequenceCount: 2000), actionSpace: space)
        var generator = RandomGenerator(seed: 1)
        let plan = try planner.plan(from: [0], model: evaluator, generator: &generator)
        #expect(plan.actions.shape == (3, 2))
        #expect(plan.modelEvaluations == 6000)
        // Uniform sequences in [-2, 2]^6 average a return of about -6 * (4/3 + target^2); the best
        // of 2000 is far better.
        let expected = try #require(plan.expectedReturn)
        #expect(expected > -3)
        var check = RandomGenerator(seed: 0)
        let recomputed = try evaluator.evaluate(from: [0], actionSequences: Matrix(row: plan.actions.values), horizon: 3, generator: &check)
        #expect(recomputed[0] == expected)
    }

    @Test func sameSeedSamePlan() throws {
        let evaluator = QuadraticTargetEvaluator(target: [1, 1], actionSpace: space)
        var first = try RandomShootingPlanner(config: .init(horizon: 1, sequenceCount: 50), actionSpace: space)
        var second = first
        var a = RandomGenerator(seed: 9), b = RandomGenerator(seed: 9)
        #expect(try first.plan(from: [0], model: evaluator, generator: &a) == second.plan(from: [0], model: evaluator, generator: &b))
    }

    @Test func refusesDiscreteActionsAndModelsThatCannotScore() throws {
        #expect(throws: MBRLError.self) { try RandomShootingPlanner(actionSpace: .discrete(Discrete(count: 2))) }
        var planner = try RandomShootingPlanner(actionSpace: space)
        var generator = RandomGenerator(seed: 0)
        struct NothingModel: PlanningModel {
            var actionSpace: Space
            var capabilities: PlanningCapabilities { [] }
        }
        #expect(throws: MBRLError.self) { try planner.plan(from: [0], model: NothingModel(actionSpace: space), generator: &generator) }
        #expect(throws: MBRLError.self) { try planner.checkCompatibility(with: NothingModel(actionSpace: space)) }
    }
}

@Suite struct CrossEntropyTests {
    let space = Space.box(Box(lowerBound: -2, upperBound: 2, size: 2))

    @Test func findsTheOptimumOfAOneDimensionalQuadratic() throws {
        let line = Space.box(Box(lowerBound: -2, upperBound: 2, size: 1))
        let evaluator = QuadraticTargetEvaluator(target: [0.7], actionSpace: line)
        var planner = try CrossEntropyPlanner(config: .init(horizon: 1, populationSize: 50, iterations: 10), actionSpace: line)
        var generator = RandomGenerator(seed: 3)
        let plan = try planner.plan(from: [0], model: evaluator, generator: &generator)
        #expect(abs(plan.firstAction[0] - 0.7) < 0.01)
        #expect(plan.modelEvaluations == 500)
    }

    @Test func findsTheOptimumOfAQuadraticOverASequence() throws {
        let target: [Float] = [0.5, -1.2, 1.5, 0.25, -0.75, 1.1, 0, -0.9]
        let evaluator = QuadraticTargetEvaluator(target: target, actionSpace: space)
        var planner = try CrossEntropyPlanner(
            config: .init(horizon: 4, populationSize: 200, eliteRatio: 0.1, iterations: 15, alpha: 0.1),
            actionSpace: space)
        var generator = RandomGenerator(seed: 3)
        let plan = try planner.plan(from: [0], model: evaluator, generator: &generator)
        #expect(largestDifference(plan.actions.values, target) < 0.05)
        #expect(plan.modelEvaluations == 200 * 4 * 15)
        // The best sequence (instead of the mean) is close too.
        var bestPlanner = try CrossEntropyPlanner(
            config: .init(horizon: 4, populationSize: 200, iterations: 15, returnMeanElites: false), actionSpace: space)
        let best = try bestPlanner.plan(from: [0], model: evaluator, generator: &generator)
        #expect(largestDifference(best.actions.values, target) < 0.1)
    }

    @Test func samplesStayInsideTheBoundsEvenWhenTheOptimumIsOutside() throws {
        let recorder = RangeRecorder(QuadraticTargetEvaluator(target: [5, -5, 5, -5], actionSpace: space))
        var planner = try CrossEntropyPlanner(config: .init(horizon: 2, populationSize: 100, iterations: 10), actionSpace: space)
        var generator = RandomGenerator(seed: 0)
        let plan = try planner.plan(from: [0], model: recorder, generator: &generator)
        #expect(recorder.smallest >= -2 && recorder.largest <= 2)
        // The variance is clamped to a quarter of the distance to the bound, so the mean creeps
        // towards it without reaching it.
        #expect(zip(plan.actions.values, [2, -2, 2, -2] as [Float]).allSatisfy { $0 * $1 > 2.5 })
        #expect(recorder.sequencesScored == 1000)
    }

    @Test func warmStartsFromTheShiftedSolution() throws {
        let evaluator = QuadraticTargetEvaluator(target: [1, 1, -1, -1, 0.5, 0.5], actionSpace: space)
        var planner = try CrossEntropyPlanner(config: .init(horizon: 3, populationSize: 100, iterations: 8), actionSpace: space)
        var generator = RandomGenerator(seed: 0)
        let plan = try planner.plan(from: [0], model: evaluator, generator: &generator)
        let warm = try #require(planner.warmStart)
        #expect(Array(warm[0..<4]) == Array(plan.actions.values[2..<6]))
        #expect(Array(warm[4..<6]) == [0, 0])
        planner.reset()
        #expect(planner.warmStart == nil)
    }

    @Test func stopsEarlyWhenTheVarianceIsSmall() throws {
        let recorder = RangeRecorder(QuadraticTargetEvaluator(target: [0, 0], actionSpace: space))
        var planner = try CrossEntropyPlanner(
            config: .init(horizon: 1, populationSize: 50, iterations: 100, varianceTolerance: 1e-3), actionSpace: space)
        var generator = RandomGenerator(seed: 0)
        let plan = try planner.plan(from: [0], model: recorder, generator: &generator)
        #expect(recorder.sequencesScored < 50 * 100)
        #expect(plan.modelEvaluations == recorder.sequencesScored)
    }

    @Test func keepsThePendulumUpright() throws {
        var planner = try CrossEntropyPlanner(
            config: .init(horizon: 15, populationSize: 100, iterations: 3), actionSpace: .box(Box(lowerBound: -2, upperBound: 2, size: 1)))
        let result = try PendulumHarness.runWithPerfectModel(&planner, theta: 0.2, thetaDot: 0, steps: 40)
        let random = try PendulumHarness.randomReturn(theta: 0.2, thetaDot: 0, steps: 40)
        #expect(abs(result.finalAngle) < 0.05)
        #expect(result.totalReward > random + 20)
    }

    @Test func decodesStrictly() throws {
        let decoded = try JSONDecoder().decode(CrossEntropyPlanner.Config.self, from: Data(#"{"horizon": 30, "alpha": 0.2}"#.utf8))
        #expect(decoded == CrossEntropyPlanner.Config(horizon: 30, alpha: 0.2))
        #expect(try JSONDecoder().decode(CrossEntropyPlanner.Config.self, from: Data("{}".utf8)) == CrossEntropyPlanner.Config())
        do {
            _ = try JSONDecoder().decode(CrossEntropyPlanner.Config.self, from: Data(#"{"populationSze": 10}"#.utf8))
            Issue.record("an unknown key was accepted")
        } catch let DecodingError.dataCorrupted(context) {
            #expect(context.debugDescription.contains("populationSze"))
            #expect(context.debugDescription.contains("populationSize"))
        }
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(CrossEntropyPlanner.Config.self, from: Data(#"{"eliteRatio": 1.5}"#.utf8))
        }
        #expect(throws: MBRLError.self) { try CrossEntropyPlanner(config: .init(iterations: 0), actionSpace: space) }
        let encoded = try JSONEncoder().encode(CrossEntropyPlanner.Config(horizon: 7))
        #expect(try JSONDecoder().decode(CrossEntropyPlanner.Config.self, from: encoded).horizon == 7)
    }
}

@Suite struct ConfigDocumentationTests {
    /// Every key a config encodes has a description, and `init()` gives the documented defaults.
    func check<Config: Codable & Equatable>(_ config: Config, _ descriptions: [String: String]) throws {
        let object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(config)) as? [String: Any] ?? [:]
        for key in object.keys { #expect(descriptions[key] != nil, "no description for \(key)") }
        for key in descriptions.keys { #expect(object[key] != nil || key == "minimumPopulationSize", "description of an unknown key \(key)") }
        #expect(try JSONDecoder().decode(Config.self, from: Data("{}".utf8)) == config)
    }

    @Test func everyKeyIsDescribed() throws {
        try check(RandomShootingPlanner.Config(), RandomShootingPlanner.Config.keyDescriptions)
        try check(CrossEntropyPlanner.Config(), CrossEntropyPlanner.Config.keyDescriptions)
        try check(ImprovedCrossEntropyPlanner.Config(), ImprovedCrossEntropyPlanner.Config.keyDescriptions)
        try check(PathIntegralPlanner.Config(), PathIntegralPlanner.Config.keyDescriptions)
        try check(GradientShootingPlanner.Config(), GradientShootingPlanner.Config.keyDescriptions)
        try check(MonteCarloTreeSearchPlanner.Config(), MonteCarloTreeSearchPlanner.Config.keyDescriptions)
        try check(IterativeLQRPlanner.Config(), IterativeLQRPlanner.Config.keyDescriptions)
        #expect(RandomShootingPlanner.Config().sequenceCount == 1000)
        #expect(CrossEntropyPlanner.Config().populationSize == 350)
    }
}
