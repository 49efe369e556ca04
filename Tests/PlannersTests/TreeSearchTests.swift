import Envs
import Foundation
import MBRLCore
import Models
import Planners
import Testing

/// Action 0 ends the episode at once with reward `immediate`; action 1 walks on (reward 0) and the
/// `delay`-th consecutive 1 pays `delayed` and ends the episode. Action 0 after a 1 pays nothing.
struct DelayedRewardSimulator: DiscreteSimulator {
    struct State: Equatable { var depth: Int }
    var immediate: Float = 1
    var delayed: Float = 1.5
    var delay = 4
    var actionSpace: Space { .discrete(Discrete(count: 2)) }
    var capabilities: PlanningCapabilities { .discreteSimulation }
    var actionCount: Int { 2 }
    func rootState(for observation: [Float]) throws -> State { State(depth: Int(observation[0])) }
    func step(_ state: State, action: Int, generator: inout RandomGenerator) throws -> SimulatedStep<State> {
        let next = State(depth: state.depth + 1)
        if action == 0 { return SimulatedStep(state: next, reward: state.depth == 0 ? immediate : 0, terminated: true) }
        if next.depth == delay { return SimulatedStep(state: next, reward: delayed, terminated: true) }
        return SimulatedStep(state: next, reward: 0, terminated: false)
    }
}

@Suite struct TreeSearchTests {
    @Test func findsTheDelayedRewardWhenUndiscounted() throws {
        var planner = try MonteCarloTreeSearchPlanner(config: .init(simulationsPerStep: 300, rolloutDepth: 10, discount: 1))
        var generator = RandomGenerator(seed: 0)
        let plan = try planner.plan(from: [0], model: DelayedRewardSimulator(), generator: &generator)
        #expect(plan.firstAction == [1])
        // The principal variation walks the chain to the reward.
        #expect(plan.actions.values == [1, 1, 1, 1])
        let expected = try #require(plan.expectedReturn)
        #expect(expected > 1.2 && expected <= 1.5)
        // The whole tree has 8 transitions; once expanded, simulations end at terminal nodes
        // without stepping the simulator again.
        #expect(plan.modelEvaluations >= 8 && plan.modelEvaluations < 60)
        #expect(planner.treeSize == 9)
    }

    @Test func prefersTheImmediateRewardWhenDiscounted() throws {
        // 1.5 * 0.5^3 = 0.19 < 1.
        var planner = try MonteCarloTreeSearchPlanner(config: .init(simulationsPerStep: 300, rolloutDepth: 10, discount: 0.5))
        var generator = RandomGenerator(seed: 0)
        let plan = try planner.plan(from: [0], model: DelayedRewardSimulator(), generator: &generator)
        #expect(plan.firstAction == [0])
        #expect(plan.expectedReturn == 1)
    }

    @Test func depthLimitStopsTheTree() throws {
        // A tree of depth 1 with no rollouts cannot see the delayed reward.
        var planner = try MonteCarloTreeSearchPlanner(config: .init(simulationsPerStep: 200, depthLimit: 1, rolloutDepth: 0))
        var generator = RandomGenerator(seed: 0)
        let plan = try planner.plan(from: [0], model: DelayedRewardSimulator(), generator: &generator)
        #expect(plan.firstAction == [0])
        #expect(planner.treeSize == 3)
    }

    @Test func reusesTheSubtreeOfTheExecutedAction() throws {
        let simulator = DelayedRewardSimulator()
        var planner = try MonteCarloTreeSearchPlanner(config: .init(simulationsPerStep: 200, rolloutDepth: 10))
        var generator = RandomGenerator(seed: 1)
        _ = try planner.plan(from: [0], model: simulator, generator: &generator)
        #expect(planner.reusedVisitCount == 0)
        // The real step went to depth 1 (action 1): that child's statistics carry over.
        _ = try planner.plan(from: [1], model: simulator, generator: &generator)
        #expect(planner.reusedVisitCount > 50)
        // A state no child holds starts afresh.
        _ = try planner.plan(from: [0], model: simulator, generator: &generator)
        #expect(planner.reusedVisitCount == 0)
        // So does a planner that does not keep its tree.
        var forgetful = try MonteCarloTreeSearchPlanner(config: .init(simulationsPerStep: 200, rolloutDepth: 10, reuseTree: false))
        _ = try forgetful.plan(from: [0], model: simulator, generator: &generator)
        _ = try forgetful.plan(from: [1], model: simulator, generator: &generator)
        #expect(forgetful.reusedVisitCount == 0)
    }

    @Test func balancesTheCartPoleWithFewSimulations() throws {
        var environment = TimeLimit(CartPole(seed: 3), maxEpisodeSteps: 500)
        var observation = try environment.reset(seed: 3)
        var perfect = try PerfectModel(environment: environment, threadCount: 1)
        var planner = try MonteCarloTreeSearchPlanner(config: .init(simulationsPerStep: 30, rolloutDepth: 30))
        var generator = RandomGenerator(seed: 0)
        var steps = 0
        var reused = 0
        while steps < 150 {
            try perfect.synchronize(with: environment)
            let plan = try planner.plan(from: observation, model: perfect, generator: &generator)
            if planner.reusedVisitCount > 0 { reused += 1 }
            let step = try environment.step(plan.firstAction)
            observation = step.observation
            steps += 1
            if step.isDone { break }
        }
        #expect(steps == 150)
        // Cloned environments with equal physical states match, so most steps reuse the tree.
        #expect(reused > 100)
        // A random policy from the same start falls within a few dozen steps.
        var randomEnvironment = TimeLimit(CartPole(seed: 3), maxEpisodeSteps: 500)
        _ = try randomEnvironment.reset(seed: 3)
        var randomSteps = 0
        while randomSteps < 150 {
            randomSteps += 1
            if try randomEnvironment.step([Float(generator.nextInt(below: 2))]).isDone { break }
        }
        #expect(randomSteps < 100)
    }

    @Test func refusesModelsThatCannotStepDiscreteActions() throws {
        var planner = try MonteCarloTreeSearchPlanner()
        var generator = RandomGenerator(seed: 0)
        let scorer = ScoringOnlyEvaluator(actionSpace: .box(Box(lowerBound: -1, upperBound: 1, size: 1)))
        #expect(throws: MBRLError.self) { try planner.checkCompatibility(with: scorer) }
        #expect(throws: MBRLError.self) { try planner.plan(from: [0], model: scorer, generator: &generator) }
        // A perfect model of a continuous-action environment cannot simulate discrete steps.
        let pendulum = try PerfectModel(environment: Pendulum())
        #expect(throws: MBRLError.self) { try planner.checkCompatibility(with: pendulum) }
        try planner.checkCompatibility(with: PerfectModel(environment: CartPole()))
    }

    @Test func decodesStrictly() throws {
        let decoded = try JSONDecoder().decode(MonteCarloTreeSearchPlanner.Config.self,
                                               from: Data(#"{"finalAction": "highest-mean", "discount": 0.9}"#.utf8))
        #expect(decoded == MonteCarloTreeSearchPlanner.Config(discount: 0.9, finalAction: .highestMean))
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(MonteCarloTreeSearchPlanner.Config.self, from: Data(#"{"finalAction": "most_visits"}"#.utf8))
        }
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(MonteCarloTreeSearchPlanner.Config.self, from: Data(#"{"simulations": 10}"#.utf8))
        }
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(MonteCarloTreeSearchPlanner.Config.self, from: Data(#"{"discount": 0}"#.utf8))
        }
    }
}
