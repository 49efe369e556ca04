import MBRLCore
import Testing

/// Batched appends give the same buffer as one-by-one appends.
@Suite struct ReplayBufferBatchAppendTests {
    static func rows(_ count: Int, seed: UInt64) -> TransitionBatch {
        var generator = RandomGenerator(seed: seed)
        var batch = TransitionBatch(count: count, observationSize: 3, actionSize: 2)
        generator.fillUniform(&batch.observations, lower: -1, upper: 1)
        generator.fillUniform(&batch.actions, lower: -1, upper: 1)
        generator.fillUniform(&batch.nextObservations, lower: -1, upper: 1)
        generator.fillUniform(&batch.rewards, lower: -1, upper: 1)
        for row in 0..<count {
            batch.terminated[row] = row % 7 == 3
            batch.truncated[row] = row % 11 == 5
        }
        return batch
    }

    static func oneByOne(_ buffer: inout ReplayBuffer, _ batch: TransitionBatch) throws {
        for row in 0..<batch.count {
            try buffer.append(Transition(observation: batch.observations.row(row), action: batch.actions.row(row),
                                         reward: batch.rewards[row], nextObservation: batch.nextObservations.row(row),
                                         terminated: batch.terminated[row], truncated: batch.truncated[row]))
        }
    }

    @Test(arguments: [(10, [4, 3]), (10, [25]), (10, [7, 9, 1, 30]), (50, [20, 20])])
    func matchesOneByOneAppends(capacity: Int, chunks: [Int]) throws {
        var batched = ReplayBuffer(capacity: capacity, observationSize: 3, actionSize: 2)
        var single = batched
        for (index, size) in chunks.enumerated() {
            let data = Self.rows(size, seed: UInt64(index + 1))
            try batched.append(data)
            try Self.oneByOne(&single, data)
        }
        #expect(batched == single)
        #expect(batched.all() == single.all())
        #expect(batched.totalAppended == chunks.reduce(0, +))
    }

    @Test func rejectsWrongShapesAndNonFiniteRowsWithoutStoring() throws {
        var buffer = ReplayBuffer(capacity: 10, observationSize: 3, actionSize: 2)
        var data = Self.rows(4, seed: 9)
        #expect(throws: MBRLError.self) {
            try buffer.append(observations: data.observations, actions: data.actions, rewards: [0, 0, 0],
                              nextObservations: data.nextObservations, terminated: data.terminated)
        }
        data.nextObservations[2, 1] = .nan
        #expect(throws: MBRLError.self) { try buffer.append(data) }
        #expect(buffer.isEmpty)
    }
}
