import Foundation
import MBRLCore
import Testing

@Suite struct DeterminismTests {
    /// A small data pipeline: collect random transitions, sample and bootstrap, normalise,
    /// shuffle, draw a CEM population and some discrete actions. Returns every number it made,
    /// as bit patterns. When `checkpointAfterCollecting` is set, the generator and buffer are
    /// saved and restored half-way, as a resumed run would.
    static func pipeline(seed: UInt64, checkpointAfterCollecting: Bool = false) throws -> [UInt32] {
        var generator = RandomGenerator(seed: seed)
        var members = generator.split(count: 3)
        var buffer = ReplayBuffer(capacity: 300, observationSize: 5, actionSize: 2)
        var observation = [Float](repeating: 0, count: 5), action = [Float](repeating: 0, count: 2)
        for step in 0..<400 {
            generator.fillStandardNormal(&observation)
            generator.fillUniform(&action, lower: -2, upper: 2)
            let reward = generator.nextTruncatedNormal(mean: 0, standardDeviation: 1, lower: -1, upper: 3)
            try buffer.append(Transition(observation: observation, action: action, reward: reward,
                                         nextObservation: observation.map { $0 * 0.9 },
                                         terminated: step % 50 == 49, truncated: false))
        }
        if checkpointAfterCollecting {
            var writer = CheckpointWriter()
            buffer.add(to: &writer)
            writer.setMetadata(generator, forKey: "generator")
            writer.setMetadata(members, forKey: "members")
            let checkpoint = try Checkpoint(data: writer.encodedData())
            buffer = try ReplayBuffer(checkpoint: checkpoint)
            generator = try checkpoint.metadata(RandomGenerator.self, forKey: "generator")
            members = try checkpoint.metadata([RandomGenerator].self, forKey: "members")
        }
        var output: [Float] = []
        let batch = buffer.sample(batchSize: 64, generator: &generator)
        var normalizer = Normalizer(featureCount: 5)
        try normalizer.update(with: batch.observations)
        for member in members.indices {
            let indices = buffer.bootstrapIndices(generator: &members[member])
            let memberBatch = buffer.batch(indices)
            try normalizer.update(with: memberBatch.observations.rows(0..<32))
            let shuffled = memberBatch.observations.gatherRows(members[member].permutation(count: memberBatch.count))
            output += normalizer.normalize(shuffled).values
        }
        var population = Matrix(rows: 50, columns: 6)
        generator.fillTruncatedNormal(&population, means: [0, 0.5, -0.5, 0, 1, -1], standardDeviations: [1, 0.5, 0.5, 0.2, 0.1, 1])
        output += population.values
        let table = try AliasTable(weights: normalizer.standardDeviation)
        output += table.sample(count: 20, using: &generator).map(Float.init)
        output += try (0..<20).map { _ in Float(try generator.nextCategorical(logits: normalizer.mean)) }
        output += try generator.sampleWithoutReplacement(from: 1000, count: 10).map(Float.init)
        return output.map(\.bitPattern) + generator.stateWords.flatMap { [UInt32(truncatingIfNeeded: $0), UInt32($0 >> 32)] }
    }

    @Test func sameSeedGivesBitIdenticalResults() throws {
        let first = try Self.pipeline(seed: 2024)
        let second = try Self.pipeline(seed: 2024)
        #expect(first.count == 3 * 300 * 5 + 50 * 6 + 20 + 20 + 10 + 8)
        #expect(first == second)
        #expect(try Self.pipeline(seed: 2025) != first)
    }

    @Test func resumingFromACheckpointChangesNothing() throws {
        #expect(try Self.pipeline(seed: 7, checkpointAfterCollecting: true) == (try Self.pipeline(seed: 7)))
    }
}
