import Algorithms
import Envs
import MBRLCore
import Testing

/// Dyna-Q and Dyna-Q+ on hand-made cases whose values can be worked out by hand.
@Suite struct DynaQTests {
    /// A chain `0 -(action 0)-> 1 -(action 0)-> 2`, the last step paying 1 and terminating.
    func learnChain(_ dyna: inout DynaQ, generator: inout RandomGenerator) throws {
        try dyna.learn(state: 1, action: 0, reward: 1, nextState: 2, terminated: true, generator: &generator)
        try dyna.learn(state: 0, action: 0, reward: 0, nextState: 1, terminated: false, generator: &generator)
    }

    @Test func qLearningUpdateArithmetic() throws {
        // n = 0 is one-step Q-learning: Q(S, A) += alpha (R + gamma max Q(S', .) - Q(S, A)).
        var dyna = try DynaQ(config: .init(discount: 0.9, stepSize: 0.5, planningSteps: 0), stateCount: 3, actionCount: 2)
        var generator = RandomGenerator(seed: 0)
        let first = try dyna.learn(state: 1, action: 0, reward: 1, nextState: 2, terminated: true, generator: &generator)
        #expect(first == 1)                                   // target 1 (terminal: no bootstrap) - 0
        #expect(dyna.qFunction[1, 0] == 0.5)
        let second = try dyna.learn(state: 0, action: 0, reward: 0, nextState: 1, terminated: false, generator: &generator)
        #expect(second == 0.45)                               // 0 + 0.9 * 0.5 - 0
        #expect(dyna.qFunction[0, 0] == 0.225)
        try dyna.learn(state: 1, action: 0, reward: 1, nextState: 2, terminated: true, generator: &generator)
        #expect(dyna.qFunction[1, 0] == 0.75)                 // 0.5 + 0.5 * (1 - 0.5)
        #expect(dyna.qFunction[0, 1] == 0 && dyna.qFunction[1, 1] == 0)
        #expect(dyna.updateCount == 3 && dyna.realSteps == 3)
    }

    @Test func targetIgnoresTheNextStateOnlyWhenTerminated() {
        var q = TabularQFunction(stateCount: 3, actionCount: 2)
        q[2, 1] = 5
        #expect(q.target(reward: 1, nextState: 2, terminated: true, discount: 0.9) == 1)
        #expect(q.target(reward: 1, nextState: 2, terminated: false, discount: 0.9) == 1 + 0.9 * 5)
        #expect(q.update(state: 0, action: 1, target: 2, stepSize: 0.25) == 2)
        #expect(q[0, 1] == 0.5)
    }

    @Test func planningReplaysOnlyObservedPairs() throws {
        // One observed pair, replayed n = 10 times after the real update: 11 updates of step 1/2
        // toward the target 1 leave Q = 1 - (1/2)^11; nothing else changes.
        var dyna = try DynaQ(config: .init(discount: 0.9, stepSize: 0.5, planningSteps: 10), stateCount: 3, actionCount: 2)
        var generator = RandomGenerator(seed: 1)
        try dyna.learn(state: 1, action: 0, reward: 1, nextState: 2, terminated: true, generator: &generator)
        #expect(dyna.qFunction[1, 0] == 1 - 1.0 / 2048)
        #expect(dyna.qFunction.values.enumerated().allSatisfy { $0.offset == 2 || $0.element == 0 })
        #expect(dyna.updateCount == 11)
    }

    @Test func planningPropagatesValueBackwards() throws {
        // Without planning the start pair learns nothing from a chain seen once in this order;
        // with planning it does.
        var generator = RandomGenerator(seed: 2)
        var plain = try DynaQ(config: .init(planningSteps: 0), stateCount: 3, actionCount: 2)
        try plain.learn(state: 0, action: 0, reward: 0, nextState: 1, terminated: false, generator: &generator)
        try plain.learn(state: 1, action: 0, reward: 1, nextState: 2, terminated: true, generator: &generator)
        #expect(plain.qFunction[0, 0] == 0)
        var planning = try DynaQ(config: .init(planningSteps: 50), stateCount: 3, actionCount: 2)
        try planning.learn(state: 0, action: 0, reward: 0, nextState: 1, terminated: false, generator: &generator)
        try planning.learn(state: 1, action: 0, reward: 1, nextState: 2, terminated: true, generator: &generator)
        #expect(planning.qFunction[0, 0] > 0.5)
        #expect(planning.qFunction[0, 1] == 0)
    }

    @Test func dynaQPlusBonusAndUntriedActions() throws {
        // gamma 0 and alpha 1 make every planning update Q = R + kappa sqrt(tau). Action 1 of
        // state 0 is never tried: planned as "stay, reward 0", last tried at time 0.
        let kappa = 0.01
        let config = DynaQ.Config(discount: 0, stepSize: 1, planningSteps: 60, explorationBonus: kappa, planUntriedActions: true)
        var plus = try DynaQ(config: config, stateCount: 2, actionCount: 2)
        var generator = RandomGenerator(seed: 3)
        try plus.learn(state: 0, action: 0, reward: 0, nextState: 0, terminated: false, generator: &generator)
        #expect(plus.qFunction[0, 1] == kappa * 1)        // tau = 1
        #expect(plus.qFunction[0, 0] == 0)                // just tried: tau = 0
        try plus.learn(state: 0, action: 0, reward: 0, nextState: 0, terminated: false, generator: &generator)
        #expect(plus.qFunction[0, 1] == kappa * 2.0.squareRoot())
        #expect(plus.qFunction[1, 0] == 0 && plus.qFunction[1, 1] == 0)   // state 1 never visited
        #expect(plus.name == "dyna-q-plus")

        var plain = try DynaQ(config: .init(discount: 0, stepSize: 1, planningSteps: 60), stateCount: 2, actionCount: 2)
        try plain.learn(state: 0, action: 0, reward: 0, nextState: 0, terminated: false, generator: &generator)
        try plain.learn(state: 0, action: 0, reward: 0, nextState: 0, terminated: false, generator: &generator)
        #expect(plain.qFunction[0, 1] == 0)
        #expect(plain.name == "dyna-q")
    }

    @Test func bonusGrowsForPairsNotTriedForLong() throws {
        // Two pairs; pair (1, 0) is tried once at step 1, then only (0, 0) for 99 steps. Its
        // planned value is then close to kappa * sqrt(99) (gamma 0, alpha 1).
        let config = DynaQ.Config(discount: 0, stepSize: 1, planningSteps: 20, explorationBonus: 0.001, planningSampling: .pair)
        var plus = try DynaQ(config: config, stateCount: 2, actionCount: 1)
        var generator = RandomGenerator(seed: 4)
        try plus.learn(state: 1, action: 0, reward: 0, nextState: 0, terminated: false, generator: &generator)
        for _ in 0..<99 { try plus.learn(state: 0, action: 0, reward: 0, nextState: 0, terminated: false, generator: &generator) }
        #expect(plus.qFunction[1, 0] == 0.001 * 99.0.squareRoot())
        #expect(plus.qFunction[0, 0] == 0)
    }

    @Test func epsilonGreedyPolicyBreaksTiesAtRandom() throws {
        var policy = TabularQPolicy(qFunction: TabularQFunction(stateCount: 2, actionCount: 4), epsilon: 0.1)
        var generator = RandomGenerator(seed: 5)
        var counts = [0, 0, 0, 0]
        for _ in 0..<8000 { counts[policy.action(state: 0, mode: .exploration, generator: &generator)] += 1 }
        #expect(counts.allSatisfy { abs(Double($0) / 8000 - 0.25) < 0.02 })   // all tied: uniform

        policy.qFunction[1, 3] = 1
        var best = 0
        for _ in 0..<8000 where policy.action(state: 1, mode: .exploration, generator: &generator) == 3 { best += 1 }
        #expect(abs(Double(best) / 8000 - 0.925) < 0.015)                     // 1 - epsilon + epsilon / 4

        policy.qFunction[0, 1] = 2
        policy.qFunction[0, 2] = 2
        #expect(policy.action(state: 0, mode: .evaluation, generator: &generator) == 1)   // first maximal
        let batch = try policy.actions(for: Matrix(rowArrays: [[0], [1]]), mode: .evaluation, generator: &generator)
        #expect(batch.rowArrays == [[1], [3]])
        #expect(throws: MBRLError.self) { try policy.actions(for: Matrix(rowArrays: [[2]]), mode: .evaluation, generator: &generator) }
    }

    @Test func policyOptimizerConformanceMatchesLearn() throws {
        var direct = try DynaQ(config: .init(planningSteps: 5), environment: DynaMaze())
        var viaProtocol: any PolicyOptimizer = try DynaQ(config: .init(planningSteps: 5), environment: DynaMaze())
        var first = RandomGenerator(seed: 6), second = RandomGenerator(seed: 6)
        var buffer = ReplayBuffer(capacity: 8, observationSize: 1, actionSize: 1)
        let transition = Transition(observation: [7], action: [3], reward: 1, nextObservation: [8], terminated: true, truncated: false)
        try buffer.append(transition)
        try direct.learn(state: 7, action: 3, reward: 1, nextState: 8, terminated: true, generator: &first)
        let context = PolicyOptimizerContext(buffer: buffer, observationSpace: .discrete(Discrete(count: 54)),
                                             actionSpace: .discrete(Discrete(count: 4)))
        let metrics = try viaProtocol.improve(after: transition, context: context, generator: &second)
        #expect(metrics["qUpdates"] == 6)
        #expect((viaProtocol as? DynaQ)?.qFunction == direct.qFunction)
        let bad = Transition(observation: [60], action: [0], reward: 0, nextObservation: [0], terminated: false, truncated: false)
        #expect(throws: MBRLError.self) { try viaProtocol.improve(after: bad, context: context, generator: &second) }
    }

    @Test func rejectsContinuousSpacesAndBadSettings() {
        #expect(throws: MBRLError.self) { try DynaQ(environment: Pendulum(seed: 0)) }
        #expect(throws: MBRLError.self) { try DynaQ(config: .init(epsilon: 1.5), stateCount: 2, actionCount: 2) }
        #expect(throws: MBRLError.self) { try DynaQ(config: .init(stepSize: 0), stateCount: 2, actionCount: 2) }
        #expect(throws: MBRLError.self) {
            var dyna = try DynaQ(stateCount: 2, actionCount: 2)
            var generator = RandomGenerator(seed: 0)
            try dyna.learn(state: 0, action: 2, reward: 0, nextState: 1, terminated: false, generator: &generator)
        }
    }
}
