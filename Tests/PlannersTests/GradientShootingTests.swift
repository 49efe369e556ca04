import Envs
import Foundation
import MBRLCore
import Models
import Planners
import Testing

/// The pendulum dynamics without gradients: a model gradient shooting must refuse.
struct OpaquePendulumModel: DynamicsModel {
    var observationSize: Int { 3 }
    var actionSize: Int { 1 }
    func predict(observations: Matrix, actions: Matrix, generator: inout RandomGenerator) throws -> ModelPrediction {
        try PendulumDynamicsModel().predict(observations: observations, actions: actions, generator: &generator)
    }
}

@Suite struct GradientShootingTests {
    let line = Space.box(Box(lowerBound: -2, upperBound: 2, size: 1))

    @Test func ascendsToTheOptimumOfAQuadratic() throws {
        let target: [Float] = [1.5, -0.5, 0.25, -1.75, 2, 0]
        let evaluator = QuadraticTargetEvaluator(target: target, actionSpace: line)
        var generator = RandomGenerator(seed: 4)
        // Without optimisation (0 Adam steps) the plan is the best random candidate ...
        var unoptimised = try GradientShootingPlanner(config: .init(horizon: 6, candidateCount: 20, startCount: 2, iterations: 0),
                                                      actionSpace: line)
        let before = try unoptimised.plan(from: [0], model: evaluator, generator: &generator)
        // ... and Adam steps from the same candidates reach the optimum.
        generator = RandomGenerator(seed: 4)
        var planner = try GradientShootingPlanner(config: .init(horizon: 6, candidateCount: 20, startCount: 2, iterations: 100,
                                                                learningRate: 0.05), actionSpace: line)
        let after = try planner.plan(from: [0], model: evaluator, generator: &generator)
        let beforeReturn = try #require(before.expectedReturn), afterReturn = try #require(after.expectedReturn)
        #expect(beforeReturn < -1)
        #expect(afterReturn > -1e-3)
        #expect(largestDifference(after.actions.values, target) < 0.03)
        #expect(after.modelEvaluations == 20 * 6 + 101 * 2 * 6)
        // The warm start joins the next plan's starts.
        #expect(planner.warmStart?.count == 6)
        let next = try planner.plan(from: [0], model: evaluator, generator: &generator)
        #expect(next.modelEvaluations == 20 * 6 + 101 * 3 * 6)
    }

    @Test func keepsActionsInsideTheBounds() throws {
        let evaluator = QuadraticTargetEvaluator(target: [4, -4, 4], actionSpace: line)
        var planner = try GradientShootingPlanner(config: .init(horizon: 3, candidateCount: 10, iterations: 50, learningRate: 0.5),
                                                  actionSpace: line)
        var generator = RandomGenerator(seed: 0)
        let plan = try planner.plan(from: [0], model: evaluator, generator: &generator)
        #expect(plan.actions.values == [2, -2, 2])
    }

    @Test func refusesModelsWithoutGradientsAtBuildTime() throws {
        let planner = try GradientShootingPlanner(actionSpace: line)
        let opaque = try ModelEnvironment(model: OpaquePendulumModel(), actionSpace: line,
                                          rewardFunction: PendulumRewardFunction(), terminationFunction: nil)
        do {
            try planner.checkCompatibility(with: opaque)
            Issue.record("a model without gradients was accepted")
        } catch let MBRLError.incompatible(message) {
            #expect(message.contains("gradient-shooting"))
            #expect(message.contains("gradients of the return"))
        }
        // A differentiable model with a reward that has no gradient is refused too.
        struct FlatReward: RewardFunction {
            func rewards(observations: Matrix, actions: Matrix, nextObservations: Matrix) -> [Float] {
                Array(repeating: 0, count: observations.rows)
            }
        }
        let noRewardGradient = try ModelEnvironment(model: PendulumDynamicsModel(), actionSpace: line,
                                                    rewardFunction: FlatReward(), terminationFunction: nil)
        #expect(throws: MBRLError.self) { try planner.checkCompatibility(with: noRewardGradient) }
        var mutablePlanner = planner
        var generator = RandomGenerator(seed: 0)
        #expect(throws: MBRLError.self) {
            try mutablePlanner.plan(from: [1, 0, 0], model: ScoringOnlyEvaluator(actionSpace: line), generator: &generator)
        }
        let differentiable = try ModelEnvironment(model: PendulumDynamicsModel(), actionSpace: line,
                                                  rewardFunction: PendulumRewardFunction(), terminationFunction: nil)
        try planner.checkCompatibility(with: differentiable)
    }

    @Test func keepsThePendulumUprightThroughTheDifferentiableModel() throws {
        let evaluator = try ModelEnvironment(model: PendulumDynamicsModel(), actionSpace: line,
                                             rewardFunction: PendulumRewardFunction(), terminationFunction: nil,
                                             config: .init(particleCount: 1))
        var planner = try GradientShootingPlanner(config: .init(horizon: 15, candidateCount: 50, startCount: 2, iterations: 10),
                                                  actionSpace: line)
        let result = try PendulumHarness.run(&planner, model: evaluator, theta: 0.2, thetaDot: 0, steps: 40)
        let random = try PendulumHarness.randomReturn(theta: 0.2, thetaDot: 0, steps: 40)
        #expect(abs(result.finalAngle) < 0.05)
        #expect(result.totalReward > random + 20)
    }

    @Test func decodesStrictly() throws {
        let decoded = try JSONDecoder().decode(GradientShootingPlanner.Config.self, from: Data(#"{"startCount": 8}"#.utf8))
        #expect(decoded == GradientShootingPlanner.Config(startCount: 8))
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(GradientShootingPlanner.Config.self, from: Data(#"{"learning_rate": 0.1}"#.utf8))
        }
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(GradientShootingPlanner.Config.self, from: Data(#"{"startCount": 0}"#.utf8))
        }
    }
}
