import MBRLCore
import Testing

/// The training set of a DAgger model fit: its share of each source, and how rows repeat.
@Suite struct TwoSourceTrainingSetTests {
    /// A buffer of `count` transitions whose reward is `tag` and whose first observation entry is the row index.
    func buffer(count: Int, tag: Float) throws -> ReplayBuffer {
        var buffer = ReplayBuffer(capacity: 1_000, observationSize: 2, actionSize: 1)
        for index in 0..<count {
            try buffer.append(Transition(observation: [Float(index), 0], action: [0], reward: tag,
                                         nextObservation: [Float(index), 1], terminated: false, truncated: false))
        }
        return buffer
    }

    @Test func halfOfEveryFitComesFromEachSource() throws {
        let data = try TwoSourceDataset(first: buffer(count: 100, tag: 1), second: buffer(count: 30, tag: 2), firstFraction: 0.5)
        var generator = RandomGenerator(seed: 4)
        let set = try data.trainingSet(generator: &generator)
        #expect(set.buffer.count == 130 && set.firstRows == 65 && set.secondRows == 65)
        let rows = set.buffer.all()
        #expect(rows.rewards.filter { $0 == 1 }.count == 65)
        #expect(rows.rewards.filter { $0 == 2 }.count == 65)
        // The larger source gives 65 distinct rows (no repeats before every row is used)...
        let firstIndices = (0..<130).filter { rows.rewards[$0] == 1 }.map { Int(rows.observations[$0, 0]) }
        #expect(Set(firstIndices).count == 65)
        // ...and the smaller one is repeated evenly: every row twice, 5 of them three times.
        var uses = [Int: Int]()
        for row in 0..<130 where rows.rewards[row] == 2 { uses[Int(rows.observations[row, 0]), default: 0] += 1 }
        #expect(uses.count == 30 && uses.values.allSatisfy { $0 == 2 || $0 == 3 } && uses.values.filter { $0 == 3 }.count == 5)
    }

    @Test func otherFractionsAndEmptySources() throws {
        var generator = RandomGenerator(seed: 1)
        let expert = try buffer(count: 40, tag: 1), learner = try buffer(count: 60, tag: 2)
        let quarter = try TwoSourceDataset(first: expert, second: learner, firstFraction: 0.25).trainingSet(generator: &generator)
        #expect(quarter.firstRows == 25 && quarter.secondRows == 75)
        let expertOnly = try TwoSourceDataset(first: expert, second: learner, firstFraction: 1).trainingSet(generator: &generator)
        #expect(expertOnly.firstRows == 100 && expertOnly.buffer.all().rewards.allSatisfy { $0 == 1 })
        let learnerOnly = try TwoSourceDataset(first: expert, second: learner, firstFraction: 0).trainingSet(generator: &generator)
        #expect(learnerOnly.secondRows == 100 && learnerOnly.buffer.all().rewards.allSatisfy { $0 == 2 })
        // Before any learner data, every row is expert data whatever the fraction.
        let empty = ReplayBuffer(capacity: 10, observationSize: 2, actionSize: 1)
        let first = try TwoSourceDataset(first: expert, second: empty, firstFraction: 0).trainingSet(generator: &generator)
        #expect(first.firstRows == 40 && first.secondRows == 0)
        #expect(throws: MBRLError.self) {
            _ = try TwoSourceDataset(first: empty, second: empty, firstFraction: 0.5).trainingSet(generator: &generator)
        }
    }
}
