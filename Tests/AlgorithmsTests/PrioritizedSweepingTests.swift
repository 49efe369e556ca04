import Algorithms
import Envs
import Foundation
import MBRLCore
import Testing

@Suite struct PrioritizedSweepingTests {
    @Test func queueKeepsTheHigherPriorityAndOrdersTiesByInsertion() {
        var queue = PrioritizedSweepingQueue()
        queue.insert(pair: 7, priority: 0.5)
        queue.insert(pair: 3, priority: 0.9)
        queue.insert(pair: 7, priority: 0.2)          // lower: 7 keeps 0.5
        queue.insert(pair: 4, priority: 0.5)          // ties with 7, inserted later
        queue.insert(pair: 5, priority: 0.1)
        queue.insert(pair: 5, priority: 0.95)         // higher: 5 moves up
        #expect(queue.count == 4)
        #expect(queue.priority(of: 7) == 0.5)
        var order: [Int] = []
        while let (pair, _) = queue.popFirst() { order.append(pair) }
        #expect(order == [5, 3, 7, 4])
        #expect(queue.isEmpty && queue.popFirst() == nil)
    }

    @Test func queueStaysCorrectUnderManyReinsertions() {
        var queue = PrioritizedSweepingQueue()
        var generator = RandomGenerator(seed: 0)
        var best: [Int: Double] = [:]
        for _ in 0..<5000 {
            let pair = generator.nextInt(below: 20)
            let priority = generator.nextUniformDouble()
            queue.insert(pair: pair, priority: priority)
            best[pair] = max(best[pair] ?? 0, priority)
        }
        var popped: [(Int, Double)] = []
        while let entry = queue.popFirst() { popped.append(entry) }
        #expect(popped.count == best.count)
        #expect(popped.allSatisfy { best[$0.0] == $0.1 })
        #expect(zip(popped, popped.dropFirst()).allSatisfy { $0.1 >= $1.1 })
    }

    @Test func sweepsBackwardThroughPredecessors() throws {
        // Chain 0 -> 1 -> 2 (goal, reward 1). The first step has priority 0 and queues nothing;
        // the goal step queues (1, 0); its update queues the predecessor (0, 0) with priority
        // gamma * 1, which the next planning update takes.
        let config = PrioritizedSweeping.Config(discount: 0.9, stepSize: 1, planningSteps: 10)
        var sweeping = try PrioritizedSweeping(config: config, stateCount: 3, actionCount: 2)
        var generator = RandomGenerator(seed: 0)
        let first = try sweeping.learn(state: 0, action: 0, reward: 0, nextState: 1, terminated: false, generator: &generator)
        #expect(first == 0 && sweeping.updateCount == 0 && sweeping.queue.isEmpty)
        let second = try sweeping.learn(state: 1, action: 0, reward: 1, nextState: 2, terminated: true, generator: &generator)
        #expect(second == 1)
        #expect(sweeping.qFunction[1, 0] == 1)
        #expect(sweeping.qFunction[0, 0] == 0.9)
        #expect(sweeping.updateCount == 2 && sweeping.queue.isEmpty)
    }

    @Test func planningStopsAfterNUpdatesAndKeepsTheRestQueued() throws {
        let config = PrioritizedSweeping.Config(discount: 0.9, stepSize: 0.5, planningSteps: 1, priorityThreshold: 0.01)
        var sweeping = try PrioritizedSweeping(config: config, stateCount: 3, actionCount: 2)
        var generator = RandomGenerator(seed: 0)
        try sweeping.learn(state: 0, action: 0, reward: 0, nextState: 1, terminated: false, generator: &generator)
        try sweeping.learn(state: 1, action: 0, reward: 1, nextState: 2, terminated: true, generator: &generator)
        #expect(sweeping.qFunction[1, 0] == 0.5)
        #expect(sweeping.qFunction[0, 0] == 0)
        #expect(sweeping.queue.priority(of: 0) == 0.45)       // |0 + 0.9 * 0.5 - 0|, pair (0, 0)
        #expect(sweeping.updateCount == 1)
    }

    @Test func thresholdKeepsSmallChangesOutOfTheQueue() throws {
        let config = PrioritizedSweeping.Config(planningSteps: 5, priorityThreshold: 0.5)
        var sweeping = try PrioritizedSweeping(config: config, stateCount: 3, actionCount: 1)
        var generator = RandomGenerator(seed: 0)
        try sweeping.learn(state: 1, action: 0, reward: 0.4, nextState: 2, terminated: true, generator: &generator)
        #expect(sweeping.updateCount == 0 && sweeping.qFunction[1, 0] == 0)
    }

    @Test func needsFewerUpdatesThanDynaQToFindTheShortestPath() throws {
        let experiment = try MazeExperiment(json: JSONValue(parsing: """
            {"environment": "DynaMaze-v0", "measure": "updates-to-optimal-path", "steps": 20000, "repetitions": 6,
             "pathTolerance": 1.2, "agents": [
               {"label": "dyna", "optimizer": {"type": "dyna-q", "planningSteps": 5, "stepSize": 0.5}},
               {"label": "sweeping", "optimizer": {"type": "prioritized-sweeping", "planningSteps": 5, "stepSize": 0.5}}]}
            """))
        let result = try MazeExperimentRunner(experiment: experiment, registry: makeDynaTestRegistry()).run()
        #expect(result.fewestSteps == 14)
        let dyna = result.agents[0], sweeping = result.agents[1]
        #expect(dyna.reachedOptimalPath.allSatisfy { $0 } && sweeping.reachedOptimalPath.allSatisfy { $0 })
        let dynaUpdates = try #require(dyna.summary["meanUpdates"]), sweepingUpdates = try #require(sweeping.summary["meanUpdates"])
        #expect(sweepingUpdates * 3 < dynaUpdates)
        #expect(sweepingUpdates > 14)
    }

    @Test func greedyPolicyOfASolvedMazeFollowsTheShortestPath() throws {
        // Sweeping with alpha 1 over many episodes converges to the true values of the explored
        // maze; the evaluation-mode policy then walks a 14-step path.
        var sweeping = try PrioritizedSweeping(config: .init(stepSize: 1, epsilon: 0.5, planningSteps: 100), environment: DynaMaze())
        var maze = DynaMaze()
        var generator = RandomGenerator(seed: 9)
        var state = Int(try maze.reset(seed: 0)[0])
        for _ in 0..<20_000 {
            let action = sweeping.policy.action(state: state, mode: .exploration, generator: &generator)
            let step = try maze.step([Float(action)])
            let next = Int(step.observation[0])
            try sweeping.learn(state: state, action: action, reward: Double(step.reward), nextState: next,
                               terminated: step.terminated, generator: &generator)
            state = step.terminated ? Int(try maze.reset(seed: nil)[0]) : next
        }
        #expect(try MazeShortestPath.reachesGoal(sweeping.policy, in: DynaMaze(), within: 14, generator: &generator))
        #expect(!(try MazeShortestPath.reachesGoal(sweeping.policy, in: DynaMaze(), within: 13, generator: &generator)))
        #expect(abs(sweeping.qFunction.maximum(state: 18) - pow(0.95, 13)) < 1e-9)
    }
}

/// Environments and policy optimizers, as `mbrl-run` registers them.
func makeDynaTestRegistry() -> ComponentRegistry {
    let registry = ComponentRegistry()
    registerEnvironments(in: registry)
    registerPolicyOptimizers(in: registry)
    return registry
}
