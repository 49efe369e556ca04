import MBRLCore
import Testing

/// MBPO's real/model mixing and the two-buffer (expert and learner) dataset.
@Suite struct MixedSamplingTests {
    /// A buffer of `count` rows whose rewards all equal `marker`.
    static func buffer(count: Int, marker: Float) throws -> ReplayBuffer {
        var buffer = ReplayBuffer(capacity: 100, observationSize: 2, actionSize: 1)
        guard count > 0 else { return buffer }
        try buffer.append(observations: Matrix(rows: count, columns: 2, repeating: marker),
                          actions: Matrix(rows: count, columns: 1), rewards: Array(repeating: marker, count: count),
                          nextObservations: Matrix(rows: count, columns: 2), terminated: Array(repeating: false, count: count))
        return buffer
    }

    @Test(arguments: [(Float(0.05), 256, 13), (Float(0), 10, 0), (Float(1), 10, 10), (Float(0.5), 7, 4)])
    func mixesInTheRequestedRatio(ratio: Float, batchSize: Int, expectedReal: Int) throws {
        let sampler = try MixedReplaySampler(realRatio: ratio)
        var generator = RandomGenerator(seed: 1)
        let batch = try sampler.sample(real: try Self.buffer(count: 20, marker: 1), model: try Self.buffer(count: 30, marker: 2),
                                       batchSize: batchSize, generator: &generator)
        #expect(batch.count == batchSize)
        #expect(batch.rewards.filter { $0 == 1 }.count == expectedReal)
        #expect(batch.rewards.prefix(expectedReal).allSatisfy { $0 == 1 })
        #expect(batch.observations.rows == batchSize)
    }

    @Test func refusesAnEmptyModelBufferAndABadRatio() throws {
        #expect(throws: MBRLError.self) { _ = try MixedReplaySampler(realRatio: 1.5) }
        let sampler = try MixedReplaySampler(realRatio: 0.5)
        var generator = RandomGenerator(seed: 1)
        #expect(throws: MBRLError.self) {
            _ = try sampler.sample(real: try Self.buffer(count: 5, marker: 1), model: try Self.buffer(count: 0, marker: 2),
                                   batchSize: 8, generator: &generator)
        }
    }

    @Test func twoSourceDatasetDrawsItsProportionAndFallsBackWhileOneIsEmpty() throws {
        var generator = RandomGenerator(seed: 4)
        var dataset = try TwoSourceDataset(first: try Self.buffer(count: 10, marker: 1),
                                           second: try Self.buffer(count: 0, marker: 2), firstFraction: 0.25)
        let early = try dataset.sample(batchSize: 16, generator: &generator)
        #expect(early.rewards.allSatisfy { $0 == 1 })
        dataset.second = try Self.buffer(count: 10, marker: 2)
        let mixed = try dataset.sample(batchSize: 16, generator: &generator)
        #expect(mixed.rewards.filter { $0 == 1 }.count == 4)
        #expect(mixed.rewards.filter { $0 == 2 }.count == 12)
        let empty = try TwoSourceDataset(first: try Self.buffer(count: 0, marker: 1), second: try Self.buffer(count: 0, marker: 2),
                                         firstFraction: 0.5)
        #expect(throws: MBRLError.self) { _ = try empty.sample(batchSize: 4, generator: &generator) }
    }
}
