import Foundation
import MBRLCore
import Planners
import Testing

@Suite struct ColoredNoiseTests {
    /// The mean variance and lag-1 autocorrelation of many series.
    func statistics(exponent: Float, length: Int) -> (variance: Double, correlation: Double) {
        let noise = ColoredNoise(exponent: exponent, length: length)
        var generator = RandomGenerator(seed: 5)
        var series = [Float](repeating: 0, count: length)
        var squares = 0.0, products = 0.0, count = 0.0, pairs = 0.0
        for _ in 0..<4000 {
            noise.fill(&series, generator: &generator)
            for t in 0..<length {
                squares += Double(series[t] * series[t]); count += 1
                if t > 0 { products += Double(series[t] * series[t - 1]); pairs += 1 }
            }
        }
        return (squares / count, (products / pairs) / (squares / count))
    }

    @Test func whiteNoiseIsUncorrelatedWithUnitVariance() {
        let (variance, correlation) = statistics(exponent: 0, length: 30)
        #expect(abs(variance - 1) < 0.1)
        #expect(abs(correlation) < 0.05)
    }

    @Test func redNoiseIsStronglyCorrelated() {
        let (variance, correlation) = statistics(exponent: 2, length: 30)
        // The normalisation leaves out the zero-frequency term, which red noise makes large.
        #expect(variance > 1 && variance < 1.5)
        #expect(correlation > 0.8)
        let (_, oddCorrelation) = statistics(exponent: 2, length: 15)
        #expect(oddCorrelation > 0.7)
        let (_, pinkCorrelation) = statistics(exponent: 1, length: 30)
        #expect(pinkCorrelation > 0.2 && pinkCorrelation < correlation)
    }
}

@Suite struct ImprovedCrossEntropyTests {
    let line = Space.box(Box(lowerBound: -2, upperBound: 2, size: 1))

    @Test func findsTheOptimumOfAQuadratic() throws {
        let target: [Float] = [0.8, 0.9, 1.0, 1.0, 0.9, 0.7, 0.5, 0.2]
        let evaluator = QuadraticTargetEvaluator(target: target, actionSpace: line)
        var planner = try ImprovedCrossEntropyPlanner(
            config: .init(horizon: 8, populationSize: 200, iterations: 12, populationDecay: 1.1), actionSpace: line)
        var generator = RandomGenerator(seed: 1)
        let plan = try planner.plan(from: [0], model: evaluator, generator: &generator)
        #expect(largestDifference(plan.actions.values, target) < 0.1)
        let expected = try #require(plan.expectedReturn)
        #expect(expected > -0.02)
    }

    @Test func shrinksThePopulationAndKeepsElites() throws {
        let recorder = RangeRecorder(QuadraticTargetEvaluator(target: [3, 3, 3], actionSpace: line))
        let config = ImprovedCrossEntropyPlanner.Config(horizon: 3, populationSize: 100, eliteRatio: 0.1, iterations: 3,
                                                        populationDecay: 2, keepEliteFraction: 0.3)
        var planner = try ImprovedCrossEntropyPlanner(config: config, actionSpace: line)
        #expect((0..<4).map(planner.populationSize(atIteration:)) == [100, 50, 25, 20])
        var generator = RandomGenerator(seed: 0)
        // 100, then 50 + 3 kept elites, then 25 + 3 kept + the mean.
        let first = try planner.plan(from: [0], model: recorder, generator: &generator)
        #expect(recorder.sequencesScored == 182)
        #expect(first.modelEvaluations == 182 * 3)
        // The next plan also starts with 3 shifted elites from this one.
        _ = try planner.plan(from: [0], model: recorder, generator: &generator)
        #expect(recorder.sequencesScored == 182 + 185)
        #expect(recorder.smallest >= -2 && recorder.largest <= 2)
        #expect(planner.previousElites?.rows == 10)
        planner.reset()
        #expect(planner.previousElites == nil && planner.warmStart == nil)
    }

    @Test func keepsThePendulumUpright() throws {
        var planner = try ImprovedCrossEntropyPlanner(
            config: .init(horizon: 15, populationSize: 50, iterations: 3), actionSpace: line)
        let result = try PendulumHarness.runWithPerfectModel(&planner, theta: 0.2, thetaDot: 0, steps: 40)
        let random = try PendulumHarness.randomReturn(theta: 0.2, thetaDot: 0, steps: 40)
        #expect(abs(result.finalAngle) < 0.05)
        #expect(result.totalReward > random + 20)
    }

    @Test func decodesStrictly() throws {
        let decoded = try JSONDecoder().decode(ImprovedCrossEntropyPlanner.Config.self,
                                               from: Data(#"{"noiseExponent": 0.5, "minimumPopulationSize": 8}"#.utf8))
        #expect(decoded == ImprovedCrossEntropyPlanner.Config(minimumPopulationSize: 8, noiseExponent: 0.5))
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(ImprovedCrossEntropyPlanner.Config.self, from: Data(#"{"colored_noise_exponent": 2}"#.utf8))
        }
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(ImprovedCrossEntropyPlanner.Config.self, from: Data(#"{"populationDecay": 0.5}"#.utf8))
        }
    }
}

@Suite struct PathIntegralTests {
    let line = Space.box(Box(lowerBound: -2, upperBound: 2, size: 1))

    @Test func movesTheMeanTowardsTheOptimum() throws {
        let target: [Float] = [1.2, 1.2, 1.2, 1.2]
        let evaluator = QuadraticTargetEvaluator(target: target, actionSpace: line)
        var planner = try PathIntegralPlanner(
            config: .init(horizon: 4, populationSize: 300, iterations: 10, gamma: 10, sigma: 0.5, beta: 1), actionSpace: line)
        var generator = RandomGenerator(seed: 2)
        let plan = try planner.plan(from: [0], model: evaluator, generator: &generator)
        #expect(largestDifference(plan.actions.values, target) < 0.1)
        #expect(plan.modelEvaluations == 10 * 300 * 4)
    }

    @Test func withoutNoiseSmoothsFromTheExecutedAction() throws {
        // sigma 0: every sample is the smoothed mean, so the new mean is that smoothing exactly.
        let evaluator = QuadraticTargetEvaluator(target: [0, 0, 0], actionSpace: line)
        var planner = try PathIntegralPlanner(
            config: .init(horizon: 3, populationSize: 4, iterations: 1, gamma: 1, sigma: 0, beta: 0.5), actionSpace: line)
        var generator = RandomGenerator(seed: 0)
        let first = try planner.plan(from: [0], model: evaluator, generator: &generator)
        #expect(first.actions.values == [0, 0, 0])
        // A mean of [0, 0, 0] shifted stays zero; with beta 0.5 it stays zero too.
        let second = try planner.plan(from: [0], model: evaluator, generator: &generator)
        #expect(second.actions.values == [0, 0, 0])
    }

    @Test func keepsThePendulumUpright() throws {
        var planner = try PathIntegralPlanner(config: .init(horizon: 15, populationSize: 100, iterations: 3, gamma: 10), actionSpace: line)
        let result = try PendulumHarness.runWithPerfectModel(&planner, theta: 0.2, thetaDot: 0, steps: 40)
        let random = try PendulumHarness.randomReturn(theta: 0.2, thetaDot: 0, steps: 40)
        #expect(abs(result.finalAngle) < 0.05)
        #expect(result.totalReward > random + 20)
    }

    @Test func decodesStrictly() throws {
        let decoded = try JSONDecoder().decode(PathIntegralPlanner.Config.self, from: Data(#"{"beta": 0.6}"#.utf8))
        #expect(decoded == PathIntegralPlanner.Config(beta: 0.6))
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(PathIntegralPlanner.Config.self, from: Data(#"{"temperature": 1}"#.utf8))
        }
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(PathIntegralPlanner.Config.self, from: Data(#"{"beta": 2}"#.utf8))
        }
        #expect(throws: MBRLError.self) { try PathIntegralPlanner(config: .init(sigma: -1), actionSpace: line) }
    }
}
