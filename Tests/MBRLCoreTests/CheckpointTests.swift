import Foundation
import MBRLCore
import Testing

/// A fresh directory under the system's temporary directory, removed by `remove()`.
struct ScratchDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("mbrl-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> URL { url.appendingPathComponent(name) }

    func contents() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
    }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

/// Metadata whose encoding always fails.
struct UnencodableMetadata: Encodable {
    struct Failure: Error {}
    func encode(to encoder: Encoder) throws { throw Failure() }
}

struct LoopPosition: Codable, Equatable {
    var iteration: Int
    var environmentSteps: Int
    var bestReturn: Double
    var lossHistory: [Double]
}

/// The `MBRLError.fileFormat` message `body` throws, or `nil` when it throws nothing else.
func fileFormatMessage(_ body: () throws -> Void) -> String? {
    do {
        try body()
        return nil
    } catch MBRLError.fileFormat(let message) {
        return message
    } catch {
        return "unexpected error \(error)"
    }
}

@Suite struct CheckpointTests {
    static func sampleWriter() -> CheckpointWriter {
        var writer = CheckpointWriter()
        var generator = RandomGenerator(seed: 21)
        var weights = Matrix(rows: 17, columns: 5)
        generator.fillStandardNormal(&weights)
        // Values whose bits must survive: signed zero, infinities, a NaN payload, subnormals.
        weights[0, 0] = -0.0
        weights[0, 1] = .infinity
        weights[0, 2] = -.infinity
        weights[0, 3] = Float(bitPattern: 0x7FC0_1234)
        weights[0, 4] = .leastNonzeroMagnitude
        writer.add(name: "model.layer0.weight", matrix: weights)
        writer.add(name: "model.layer0.bias", values: [1, 2, 3, 4, 5])
        writer.add(name: "cube", values: (0..<24).map(Float.init), shape: [2, 3, 4])
        writer.add(name: "empty", matrix: Matrix(rows: 0, columns: 5))
        writer.add(name: "episodes", integers: [0, -1, .max, .min, 42])
        writer.add(name: "terminated", booleans: [true, false, false, true])
        writer.add(name: "raw", bytes: [0, 255, 7])
        writer.setMetadata(generator, forKey: "generator")
        writer.setMetadata(LoopPosition(iteration: 3, environmentSteps: 600, bestReturn: -.infinity, lossHistory: [1.5, .nan]),
                           forKey: "loop")
        writer.setMetadata(["planner": "cem", "model": "ensemble"], forKey: "recipe")
        return writer
    }

    @Test func roundTripIsBitExact() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let writer = Self.sampleWriter()
        let url = scratch.file("run.mbrl")
        try writer.write(to: url)
        let checkpoint = try Checkpoint(contentsOf: url)
        #expect(checkpoint.formatVersion == 1)
        #expect(checkpoint.entryNames == ["model.layer0.weight", "model.layer0.bias", "cube", "empty", "episodes", "terminated", "raw"])
        #expect(try checkpoint.entry(named: "cube") == CheckpointEntry(name: "cube", elementType: .float32, shape: [2, 3, 4]))

        let original = try Checkpoint(data: writer.encodedData())
        let weights = try original.matrix(named: "model.layer0.weight")
        let loaded = try checkpoint.matrix(named: "model.layer0.weight", rows: 17, columns: 5)
        #expect(loaded.values.map(\.bitPattern) == weights.values.map(\.bitPattern))
        #expect(loaded[0, 0].sign == .minus && loaded[0, 0] == 0)
        #expect(loaded[0, 3].bitPattern == 0x7FC0_1234)
        #expect(try checkpoint.floats(named: "model.layer0.bias") == [1, 2, 3, 4, 5])
        #expect(try checkpoint.floats(named: "cube", shape: [2, 3, 4]) == (0..<24).map(Float.init))
        #expect(try checkpoint.matrix(named: "empty", rows: 0, columns: 5) == Matrix(rows: 0, columns: 5))
        #expect(try checkpoint.integers(named: "episodes") == [0, -1, .max, .min, 42])
        #expect(try checkpoint.booleans(named: "terminated", shape: [4]) == [true, false, false, true])
        #expect(try checkpoint.bytes(named: "raw") == [0, 255, 7])

        #expect(checkpoint.metadataKeys == ["generator", "loop", "recipe"])
        var expectedGenerator = RandomGenerator(seed: 21)
        var fill = Matrix(rows: 17, columns: 5)
        expectedGenerator.fillStandardNormal(&fill)
        var restored = try checkpoint.metadata(RandomGenerator.self, forKey: "generator")
        #expect(restored == expectedGenerator)
        #expect(restored.next() == expectedGenerator.next())
        let loop = try checkpoint.metadata(LoopPosition.self, forKey: "loop")
        #expect(loop.iteration == 3 && loop.environmentSteps == 600 && loop.bestReturn == -.infinity)
        #expect(loop.lossHistory[0] == 1.5 && loop.lossHistory[1].isNaN)
        #expect(try checkpoint.metadata([String: String].self, forKey: "recipe") == ["planner": "cem", "model": "ensemble"])

        // The same content gives the same bytes.
        #expect(try Data(contentsOf: url) == (try writer.encodedData()))
    }

    @Test func generatorStatesAboveInt64RoundTrip() throws {
        // State words above Int64.max must not pass through a Double.
        let words: [UInt64] = [.max, 0x8000_0000_0000_0001, 1, 0xFFFF_FFFF_FFFF_FFFE]
        var writer = CheckpointWriter()
        writer.setMetadata(try RandomGenerator(state: words), forKey: "generator")
        let checkpoint = try Checkpoint(data: writer.encodedData())
        #expect(try checkpoint.metadata(RandomGenerator.self, forKey: "generator").stateWords == words)
    }

    @Test func laterAddsReplaceEarlierOnes() throws {
        var writer = CheckpointWriter()
        writer.add(name: "a", values: [1])
        writer.add(name: "b", values: [2])
        writer.add(name: "a", matrix: Matrix(rowArrays: [[3, 4]]))
        writer.setMetadata(1, forKey: "k")
        writer.setMetadata("two", forKey: "k")
        writer.setMetadata(3, forKey: "gone")
        writer.removeMetadata(forKey: "gone")
        let checkpoint = try Checkpoint(data: writer.encodedData())
        #expect(checkpoint.entryNames == ["a", "b"])
        #expect(try checkpoint.matrix(named: "a") == Matrix(rowArrays: [[3, 4]]))
        #expect(try checkpoint.metadata(String.self, forKey: "k") == "two")
        #expect(!checkpoint.containsMetadata(forKey: "gone"))
    }

    // MARK: Failure modes

    @Test func wrongMagicVersionAndEmptyFilesAreRejected() throws {
        let good = try Self.sampleWriter().encodedData()
        var wrongMagic = good
        wrongMagic[0] = UInt8(ascii: "X")
        #expect(fileFormatMessage { _ = try Checkpoint(data: wrongMagic, source: "a.mbrl") }?
            .contains("'a.mbrl' is not an MBRL checkpoint") == true)
        #expect(fileFormatMessage { _ = try Checkpoint(data: Data("{\"json\": true}".utf8)) }?.contains("not an MBRL checkpoint") == true)

        var newer = good
        newer[8] = 2
        let newerMessage = fileFormatMessage { _ = try Checkpoint(data: newer, source: "b.mbrl") }
        #expect(newerMessage?.contains("format version 2") == true && newerMessage?.contains("newer") == true)
        var zero = good
        zero[8] = 0
        #expect(fileFormatMessage { _ = try Checkpoint(data: zero) }?.contains("format version 0") == true)
        #expect(fileFormatMessage { _ = try Checkpoint(data: Data()) }?.contains("is empty") == true)
        let missing = fileFormatMessage { _ = try Checkpoint(contentsOf: URL(fileURLWithPath: "/nonexistent/c.mbrl")) }
        #expect(missing?.contains("/nonexistent/c.mbrl") == true)
    }

    @Test func truncatedAndExtendedFilesAreRejected() throws {
        let good = try Self.sampleWriter().encodedData()
        // Cut inside the prefix, the header, the padding, the data, and one byte short.
        for length in [12, 30, 200, good.count / 2, good.count - 1] {
            let message = fileFormatMessage { _ = try Checkpoint(data: good.prefix(length), source: "cut.mbrl") }
            #expect(message?.contains("'cut.mbrl' is truncated") == true, "length \(length): \(message ?? "accepted")")
        }
        var longer = good
        longer.append(0)
        #expect(fileFormatMessage { _ = try Checkpoint(data: longer) }?.contains("1 unexpected bytes") == true)
    }

    @Test func corruptedDataAndHeadersAreRejected() throws {
        let good = try Self.sampleWriter().encodedData()
        var flipped = good
        flipped[good.count - 100] ^= 0x10
        #expect(fileFormatMessage { _ = try Checkpoint(data: flipped, source: "d.mbrl") }?.contains("'d.mbrl' is corrupted") == true)
        var damagedHeader = good
        damagedHeader[21] = UInt8(ascii: "]")  // inside the JSON header
        #expect(fileFormatMessage { _ = try Checkpoint(data: damagedHeader) }?.contains("damaged header") == true)
    }

    @Test func missingEntriesShapesAndTypesNameTheProblem() throws {
        let checkpoint = try Checkpoint(data: Self.sampleWriter().encodedData(), source: "e.mbrl")
        let missing = fileFormatMessage { _ = try checkpoint.matrix(named: "model.layer1.weight", rows: 17, columns: 5) }
        #expect(missing?.contains("'e.mbrl' has no entry 'model.layer1.weight'") == true)
        #expect(missing?.contains("did you mean 'model.layer0.weight'") == true)

        let shape = fileFormatMessage { _ = try checkpoint.matrix(named: "model.layer0.weight", rows: 17, columns: 6) }
        #expect(shape == "checkpoint 'e.mbrl': entry 'model.layer0.weight' has shape [17, 5], expected [17, 6]")
        #expect(fileFormatMessage { _ = try checkpoint.matrix(named: "cube") }?.contains("not a matrix shape") == true)
        #expect(fileFormatMessage { _ = try checkpoint.integers(named: "model.layer0.bias") }?
            .contains("holds float32 values, not int64") == true)
        #expect(fileFormatMessage { _ = try checkpoint.metadata(Int.self, forKey: "generatr") }?
            .contains("did you mean 'generator'") == true)
        #expect(fileFormatMessage { _ = try checkpoint.metadata(Int.self, forKey: "loop") }?
            .contains("metadata 'loop' could not be decoded as Int") == true)
    }

    // MARK: Atomic writes

    @Test func failedWritesLeaveTheExistingCheckpointIntact() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let url = scratch.file("model.mbrl")
        try Self.sampleWriter().write(to: url)
        let before = try Data(contentsOf: url)

        // Encoding fails: nothing is written.
        var failing = Self.sampleWriter()
        failing.add(name: "extra", values: [9])
        failing.setMetadata(UnencodableMetadata(), forKey: "optimizer")
        let encoding = fileFormatMessage { try failing.write(to: url) }
        #expect(encoding?.contains("metadata 'optimizer' could not be encoded") == true)
        #expect(try Data(contentsOf: url) == before)
        #expect(try scratch.contents() == ["model.mbrl"])

        // The rename fails (the destination is a non-empty directory): the temporary file goes.
        let blocked = scratch.file("blocked.mbrl")
        try FileManager.default.createDirectory(at: blocked, withIntermediateDirectories: false)
        try Data([1]).write(to: blocked.appendingPathComponent("inside"))
        let rename = fileFormatMessage { try Self.sampleWriter().write(to: blocked) }
        #expect(rename?.contains(blocked.path) == true)
        #expect(try scratch.contents() == ["blocked.mbrl", "model.mbrl"])
        #expect(try Data(contentsOf: url) == before)

        // The directory cannot hold files (its path runs through a regular file).
        let impossible = url.appendingPathComponent("nested.mbrl")
        let create = fileFormatMessage { try Self.sampleWriter().write(to: impossible) }
        #expect(create?.contains(impossible.path) == true)
        #expect(try Data(contentsOf: url) == before)

        // A successful write replaces the file completely.
        var smaller = CheckpointWriter()
        smaller.add(name: "only", values: [1, 2])
        try smaller.write(to: url)
        let replaced = try Checkpoint(contentsOf: url)
        #expect(replaced.entryNames == ["only"])
        #expect(try scratch.contents() == ["blocked.mbrl", "model.mbrl"])
    }
}
