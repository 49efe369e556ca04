import MBRLCore
import Models
import Testing

@Suite struct TabularModelTests {
    @Test func lastSeenRemembersTheMostRecentOutcome() throws {
        var model = TabularModel(stateCount: 5, actionCount: 2)
        try model.update(state: 1, action: 0, reward: 0, nextState: 2, terminated: false)
        try model.update(state: 1, action: 0, reward: 1, nextState: 4, terminated: true)
        var generator = RandomGenerator(seed: 0)
        #expect(model.outcome(state: 1, action: 0, generator: &generator) == .init(nextState: 4, reward: 1, terminated: true))
        #expect(model.outcome(state: 1, action: 1, generator: &generator) == nil)
        #expect(model.observedPairCount == 1)
    }

    @Test func sampledModeFollowsCounts() throws {
        var model = TabularModel(stateCount: 3, actionCount: 1, mode: .sampled)
        for _ in 0..<3 { try model.update(state: 0, action: 0, reward: 0, nextState: 1, terminated: false) }
        try model.update(state: 0, action: 0, reward: 0, nextState: 2, terminated: false)
        var generator = RandomGenerator(seed: 4)
        var toOne = 0
        for _ in 0..<4000 where model.outcome(state: 0, action: 0, generator: &generator)?.nextState == 1 { toOne += 1 }
        #expect(abs(Double(toOne) / 4000 - 0.75) < 0.03)
    }

    @Test func samplesOnlyObservedPairsAndKnowsPredecessors() throws {
        var model = TabularModel(stateCount: 10, actionCount: 4)
        var generator = RandomGenerator(seed: 0)
        #expect(model.samplePreviouslyObservedPair(generator: &generator) == nil)
        try model.update(state: 3, action: 1, reward: 0, nextState: 7, terminated: false)
        try model.update(state: 5, action: 2, reward: 0, nextState: 7, terminated: false)
        var seen = Set<Int>()
        for _ in 0..<100 {
            if let (state, action) = model.samplePreviouslyObservedPair(generator: &generator) { seen.insert(state * 4 + action) }
        }
        #expect(seen == [13, 22])
        #expect(model.predecessors(of: 7).map { $0.state * 4 + $0.action } == [13, 22])
    }

    @Test func predictsThroughTheModelProtocol() throws {
        var model = TabularModel(stateCount: 4, actionCount: 2)
        try model.update(state: 0, action: 1, reward: 1, nextState: 3, terminated: true)
        var generator = RandomGenerator(seed: 0)
        let prediction = try model.predict(observations: Matrix(rows: 2, columns: 1, values: [0, 2]),
                                           actions: Matrix(rows: 2, columns: 1, values: [1, 0]), generator: &generator)
        #expect(prediction.nextObservations.values == [3, 2])
        #expect(prediction.rewards == [1, 0])
        #expect(prediction.terminations == [true, false])
        #expect(throws: MBRLError.self) {
            try model.predict(observations: Matrix(row: [Float.nan]), actions: Matrix(row: [0]), generator: &generator)
        }
        #expect(throws: MBRLError.self) {
            try model.update(state: 9, action: 0, reward: 0, nextState: 0, terminated: false)
        }
    }
}
