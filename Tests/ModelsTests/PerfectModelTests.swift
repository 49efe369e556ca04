import MBRLCore
import Models
import Testing

@Suite struct PerfectModelTests {
    @Test func scoresSequencesWithTheTrueDynamicsFromTheSynchronizedState() throws {
        var environment = WalkEnvironment()
        _ = try environment.reset(seed: 0)
        _ = try environment.step([2])  // position 1
        var perfect = try PerfectModel(environment: WalkEnvironment(), threadCount: 2)
        try perfect.synchronize(with: environment)
        var generator = RandomGenerator(seed: 0)
        // Up, up, stay: positions 2, 3, 3 -> 8. Down x3: 0, -1, -2 -> -3.
        var sequences = Matrix(rows: 40, columns: 3)
        sequences.setRow(0, to: [2, 2, 1])
        sequences.setRow(1, to: [0, 0, 0])
        for row in 2..<40 { sequences.setRow(row, to: [1, 1, 1]) }
        let returns = try perfect.evaluate(from: [1], actionSequences: sequences, horizon: 3, generator: &generator)
        #expect(returns[0] == 8)
        #expect(returns[1] == -3)
        #expect(returns[2] == 3)
        // The real environment did not move.
        #expect(environment.position == 1)
    }

    @Test func stopsAtTheEndOfAnEpisode() throws {
        var environment = WalkEnvironment()
        try environment.setPhysicalState([5, 0])
        let perfect = try PerfectModel(environment: environment)
        var generator = RandomGenerator(seed: 0)
        // 6 terminates (paid), later steps are not paid.
        let returns = try perfect.evaluate(from: [5], actionSequences: Matrix(row: [2, 2, 2]), horizon: 3, generator: &generator)
        #expect(returns == [6])
    }

    @Test func errorsFromTheEnvironmentPropagate() throws {
        let perfect = try PerfectModel(environment: WalkEnvironment())
        var generator = RandomGenerator(seed: 0)
        #expect(throws: MBRLError.self) {
            try perfect.evaluate(from: [0], actionSequences: Matrix(row: [7]), horizon: 1, generator: &generator)
        }
    }

    @Test func simulatesDiscreteStepsForTreeSearch() throws {
        let perfect = try PerfectModel(environment: WalkEnvironment())
        #expect(perfect.capabilities.contains(.discreteSimulation))
        var generator = RandomGenerator(seed: 0)
        let root = try perfect.rootState(for: [0])
        let first = try perfect.step(root, action: 2, generator: &generator)
        let second = try perfect.step(first.state, action: 2, generator: &generator)
        #expect(first.reward == 1 && second.reward == 2)
        #expect(root.position == 0)
    }
}
