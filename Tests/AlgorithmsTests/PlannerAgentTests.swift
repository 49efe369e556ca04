import Algorithms
import Foundation
import MBRLCore
import Testing

/// A planner that returns a fixed plan with feedback gains (as iLQR does) and counts its calls.
struct FixedFeedbackPlanner: Planner {
    var plan: Plan
    var calls = 0
    var name: String { "fixed-feedback" }
    var requirements: PlanningCapabilities { [.sequenceScoring] }
    mutating func plan(from observation: [Float], model: any PlanningModel, generator: inout RandomGenerator) throws -> Plan {
        calls += 1
        return plan
    }
    mutating func reset() {}
}

@Suite struct PlannerAgentTests {
    /// Between replans the agent applies the plan's gains to the deviation from the nominal
    /// states, clamped to the action box; it replans every `replanEvery` steps.
    @Test func feedbackGainsAreAppliedBetweenReplans() throws {
        let nominal = Matrix(rowArrays: [[0, 0], [1, 0], [2, 0]])
        let gains = [Matrix(rowArrays: [[0, 0]]), Matrix(rowArrays: [[0.5, -1]]), Matrix(rowArrays: [[10, 0]])]
        let plan = Plan(actions: Matrix(rowArrays: [[0.1], [0.2], [0.3]]), nominalObservations: nominal, feedbackGains: gains)
        let box = Box(lowerBound: -1, upperBound: 1, size: 1)
        var agent = try PlannerAgent(planner: FixedFeedbackPlanner(plan: plan), model: LeastSquaresModel(observationSize: 2, actionSize: 1),
                                     actionSpace: .box(box), rewardFunction: ZeroReward(), terminationFunction: nil,
                                     planning: PlanningConfig(), replanEvery: 3)
        var generator = RandomGenerator(seed: 0)
        try agent.reset(observation: [0, 0])
        #expect(try agent.act(on: [0, 0], mode: .exploration, generator: &generator) == [0.1])
        // Row 1: 0.2 + 0.5 * (1.5 - 1) - 1 * (0.2 - 0) = 0.25.
        let second = try agent.act(on: [1.5, 0.2], mode: .exploration, generator: &generator)
        #expect(abs(second[0] - 0.25) < 1e-6, "\(second)")
        // Row 2: 0.3 + 10 * (3 - 2) = 10.3, clamped to the box.
        #expect(try agent.act(on: [3, 0], mode: .exploration, generator: &generator) == [1])
        #expect((agent.planner as? FixedFeedbackPlanner)?.calls == 1)
        _ = try agent.act(on: [0, 0], mode: .exploration, generator: &generator)
        #expect((agent.planner as? FixedFeedbackPlanner)?.calls == 2)
    }
}

/// A reward of zero everywhere.
struct ZeroReward: RewardFunction {
    func rewards(observations: Matrix, actions: Matrix, nextObservations: Matrix) -> [Float] {
        [Float](repeating: 0, count: observations.rows)
    }
}
