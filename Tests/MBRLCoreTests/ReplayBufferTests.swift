import Foundation
import MBRLCore
import Testing

@Suite struct ReplayBufferTests {
    /// Transition `index`: observation `[index, -index]`, action `[index / 10]`, reward `index`.
    static func transition(_ index: Int, terminated: Bool = false, truncated: Bool = false) -> Transition {
        let value = Float(index)
        return Transition(observation: [value, -value], action: [value / 10], reward: value,
                          nextObservation: [value + 1, -value - 1], terminated: terminated, truncated: truncated)
    }

    static func filled(capacity: Int, count: Int) throws -> ReplayBuffer {
        var buffer = ReplayBuffer(capacity: capacity, observationSize: 2, actionSize: 1)
        for index in 0..<count { try buffer.append(transition(index, terminated: index % 7 == 6, truncated: index % 11 == 10)) }
        return buffer
    }

    @Test func ringOverwritesTheOldestFirst() throws {
        var buffer = ReplayBuffer(capacity: 5, observationSize: 2, actionSize: 1)
        #expect(buffer.isEmpty)
        for index in 0..<8 { try buffer.append(Self.transition(index)) }
        #expect(buffer.count == 5 && buffer.totalAppended == 8)
        #expect((0..<5).map { buffer[$0].reward } == [3, 4, 5, 6, 7])
        #expect(buffer[0] == Self.transition(3))
        let all = buffer.all()
        #expect(all.rewards == [3, 4, 5, 6, 7])
        #expect(all.observations == Matrix(rowArrays: [[3, -3], [4, -4], [5, -5], [6, -6], [7, -7]]))
        #expect(all.nextObservations.row(4) == [8, -8])
        #expect(all.actions.values == [0.3, 0.4, 0.5, 0.6, 0.7])
        for index in 8..<13 { try buffer.append(Self.transition(index)) }
        #expect((0..<5).map { buffer[$0].reward } == [8, 9, 10, 11, 12])
    }

    @Test func batchesGatherTheRequestedAges() throws {
        let buffer = try Self.filled(capacity: 10, count: 23)
        let ages = [9, 0, 4, 4, 7]
        let batch = buffer.batch(ages)
        #expect(batch.count == 5)
        for (row, age) in ages.enumerated() {
            let transition = buffer[age]
            #expect(batch.observations.row(row) == transition.observation)
            #expect(batch.nextObservations.row(row) == transition.nextObservation)
            #expect(batch.actions.row(row) == transition.action)
            #expect(batch.rewards[row] == transition.reward)
            #expect(batch.terminated[row] == transition.terminated && batch.truncated[row] == transition.truncated)
        }
    }

    @Test func uniformSamplingCoversEveryTransition() throws {
        // A wrapped buffer: ages 0..<20 hold rewards 15..<35.
        let buffer = try Self.filled(capacity: 20, count: 35)
        var generator = RandomGenerator(seed: 1)
        var counts = [Int](repeating: 0, count: 20)
        for _ in 0..<100 {
            for reward in buffer.sample(batchSize: 200, generator: &generator).rewards {
                counts[Int(reward) - 15] += 1
            }
        }
        // 19 degrees of freedom: 43.8 is the 0.001 critical value.
        #expect(chiSquare(observed: counts, expected: Array(repeating: 1000, count: 20)) < 43.8)
        var first = RandomGenerator(seed: 5), second = RandomGenerator(seed: 5)
        #expect(buffer.sample(batchSize: 200, generator: &first) == buffer.sample(batchSize: 200, generator: &second))
    }

    @Test func bootstrapIndicesResampleWithReplacement() throws {
        let buffer = try Self.filled(capacity: 2000, count: 1000)
        var generator = RandomGenerator(seed: 2)
        let indices = buffer.bootstrapIndices(generator: &generator)
        #expect(indices.count == 1000 && indices.allSatisfy { $0 >= 0 && $0 < 1000 })
        #expect(abs(Double(Set(indices).count) / 1000 - (1 - exp(-1.0))) < 0.04)
        var again = RandomGenerator(seed: 2)
        #expect(buffer.bootstrapIndices(generator: &again) == indices)
        let empty = ReplayBuffer(capacity: 3, observationSize: 1, actionSize: 1)
        #expect(empty.bootstrapIndices(generator: &generator).isEmpty)
    }

    /// Episodes: 0 = ages 0...2 (terminated), 1 = ages 3...6 (truncated), 2 = ages 7...8 (ended
    /// by `endEpisode()`), 3 = ages 9...10 (still running).
    static func episodicBuffer(capacity: Int = 100) throws -> ReplayBuffer {
        var buffer = ReplayBuffer(capacity: capacity, observationSize: 2, actionSize: 1)
        var index = 0
        func add(_ length: Int, terminated: Bool = false, truncated: Bool = false) throws {
            for step in 0..<length {
                let last = step == length - 1
                try buffer.append(transition(index, terminated: last && terminated, truncated: last && truncated))
                index += 1
            }
        }
        try add(3, terminated: true)
        try add(4, truncated: true)
        try add(2)
        buffer.endEpisode()
        buffer.endEpisode()  // a second call changes nothing
        try add(2)
        return buffer
    }

    @Test func episodeBoundariesAndSequenceStarts() throws {
        let buffer = try Self.episodicBuffer()
        #expect((0..<11).map { buffer.episode(ofTransition: $0) } == [0, 0, 0, 1, 1, 1, 1, 2, 2, 3, 3])
        #expect(buffer.currentEpisode == 3)
        #expect(buffer.sequenceStarts(length: 1) == Array(0..<11))
        #expect(buffer.sequenceStarts(length: 2) == [0, 1, 3, 4, 5, 7, 9])
        #expect(buffer.sequenceStarts(length: 3) == [0, 3, 4])
        #expect(buffer.sequenceStarts(length: 4) == [3])
        #expect(buffer.sequenceStarts(length: 5).isEmpty)
        #expect(buffer.sequenceStarts(length: 0).isEmpty)
        // No window holds a terminal step before its last one.
        for start in buffer.sequenceStarts(length: 3) {
            #expect((start..<start + 2).allSatisfy { !buffer[$0].terminated && !buffer[$0].truncated })
        }
        // After wrapping, ages shift: capacity 8 keeps ages 3... of the original, as 0...7.
        let wrapped = try Self.episodicBuffer(capacity: 8)
        #expect((0..<8).map { wrapped.episode(ofTransition: $0) } == [1, 1, 1, 1, 2, 2, 3, 3])
        #expect(wrapped.sequenceStarts(length: 2) == [0, 1, 2, 4, 6])
    }

    @Test func terminatedAndTruncatedStayApart() throws {
        var buffer = ReplayBuffer(capacity: 4, observationSize: 2, actionSize: 1)
        try buffer.append(Self.transition(0, terminated: true))
        try buffer.append(Self.transition(1, truncated: true))
        try buffer.append(Self.transition(2, terminated: true, truncated: true))
        try buffer.append(Self.transition(3))
        let all = buffer.all()
        #expect(all.terminated == [true, false, true, false])
        #expect(all.truncated == [false, true, true, false])
        #expect(buffer[1].truncated && !buffer[1].terminated)
        #expect(buffer.currentEpisode == 3)
    }

    @Test func invalidTransitionsAreRejectedWithoutStoring() throws {
        var buffer = try Self.filled(capacity: 3, count: 3)  // full: a bad append must not overwrite
        let before = buffer
        var bad = Self.transition(9)
        bad.observation[1] = .nan
        #expect(throws: MBRLError.self) { try buffer.append(bad) }
        bad = Self.transition(9)
        bad.reward = .infinity
        #expect(throws: MBRLError.self) { try buffer.append(bad) }
        bad = Self.transition(9)
        bad.nextObservation[0] = -.infinity
        #expect(throws: MBRLError.self) { try buffer.append(bad) }
        bad = Self.transition(9)
        bad.action = [.nan]
        #expect(throws: MBRLError.self) { try buffer.append(bad) }
        bad = Self.transition(9, terminated: true)
        bad.action = [1, 2]
        #expect(throws: MBRLError.self) { try buffer.append(bad) }
        #expect(buffer == before)
        #expect(buffer.totalAppended == 3 && buffer.currentEpisode == before.currentEpisode)
    }

    @Test func codableRoundTripRestoresEverything() throws {
        for count in [0, 6, 23] {
            var buffer = try Self.filled(capacity: 10, count: count)
            let data = try JSONEncoder().encode(buffer)
            var restored = try JSONDecoder().decode(ReplayBuffer.self, from: data)
            #expect(restored == buffer)
            try buffer.append(Self.transition(100, terminated: true))
            try restored.append(Self.transition(100, terminated: true))
            #expect(restored == buffer)
        }
        // Inconsistent storage is rejected with a message.
        let buffer = try Self.filled(capacity: 10, count: 4)
        var object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(buffer)) as! [String: Any]
        object["head"] = 7
        let tampered = try JSONSerialization.data(withJSONObject: object)
        do {
            _ = try JSONDecoder().decode(ReplayBuffer.self, from: tampered)
            Issue.record("an inconsistent buffer was accepted")
        } catch MBRLError.fileFormat(let message) {
            #expect(message.contains("inconsistent"))
        }
    }

    @Test func checkpointRoundTripIsCompactAndExact() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        var generator = RandomGenerator(seed: 3)
        var buffer = ReplayBuffer(capacity: 5000, observationSize: 17, actionSize: 6)
        var observation = [Float](repeating: 0, count: 17), action = [Float](repeating: 0, count: 6)
        for step in 0..<6200 {
            generator.fillStandardNormal(&observation)
            generator.fillUniform(&action, lower: -1, upper: 1)
            try buffer.append(Transition(observation: observation, action: action, reward: generator.nextUniformFloat(),
                                         nextObservation: observation.map { $0 + 0.1 },
                                         terminated: step % 97 == 96, truncated: step % 200 == 199))
        }
        let url = scratch.file("buffer.mbrl")
        try buffer.save(to: url)
        var restored = try ReplayBuffer(contentsOf: url)
        #expect(restored == buffer)
        #expect(restored.sequenceStarts(length: 5) == buffer.sequenceStarts(length: 5))
        var first = RandomGenerator(seed: 4), second = RandomGenerator(seed: 4)
        #expect(restored.sample(batchSize: 64, generator: &first) == buffer.sample(batchSize: 64, generator: &second))
        try restored.append(buffer[0])
        try buffer.append(buffer[0])
        #expect(restored == buffer)

        // About 4 bytes per float plus flags and indices; JSON is several times larger.
        let fileSize = try Data(contentsOf: url).count
        let floats = 5000 * (17 + 6 + 17 + 1)
        #expect(fileSize < floats * 4 + 5000 * 10 + 4096)
        #expect(try JSONEncoder().encode(buffer).count > 2 * fileSize)
    }

    @Test func checkpointErrorsNameTheProblem() throws {
        let buffer = try Self.filled(capacity: 10, count: 12)
        var writer = CheckpointWriter()
        buffer.add(to: &writer, prefix: "real")
        let checkpoint = try Checkpoint(data: writer.encodedData(), source: "run.mbrl")
        #expect(try ReplayBuffer(checkpoint: checkpoint, prefix: "real") == buffer)
        let missing = fileFormatMessage { _ = try ReplayBuffer(checkpoint: checkpoint) }
        #expect(missing?.contains("no metadata 'replayBuffer'") == true)

        writer.add(name: "real.rewards", values: [1, 2, 3])
        let shape = fileFormatMessage { _ = try ReplayBuffer(checkpoint: try Checkpoint(data: writer.encodedData(), source: "run.mbrl"), prefix: "real") }
        #expect(shape == "checkpoint 'run.mbrl': entry 'real.rewards' has shape [3], expected [10]")

        var inconsistent = CheckpointWriter()
        buffer.add(to: &inconsistent, prefix: "real")
        inconsistent.add(name: "real.episodes", integers: Array(repeating: 99, count: 10))
        let episodes = fileFormatMessage { _ = try ReplayBuffer(checkpoint: try Checkpoint(data: inconsistent.encodedData(), source: "run.mbrl"), prefix: "real") }
        #expect(episodes?.contains("replay buffer 'real'") == true && episodes?.contains("episode indices") == true)
    }
}
