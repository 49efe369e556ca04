import Foundation

/// A checkpoint file read back: named tensors and JSON metadata, as `CheckpointWriter` wrote them.
///
/// Opening checks the whole file: the magic bytes, the format version, the header, that every
/// entry lies inside the data section, that the file is neither truncated nor followed by extra
/// bytes, and the data checksum. Each failure throws `MBRLError.fileFormat` with a message naming
/// the file and what is wrong. Reading an entry names the entry and both shapes when the stored
/// shape differs from the one the caller expects.
///
/// ```swift
/// let checkpoint = try Checkpoint(contentsOf: URL(fileURLWithPath: "runs/pets/checkpoint.mbrl"))
/// let weights = try checkpoint.matrix(named: "model.layer0.weight", rows: 200, columns: 5)
/// var generator = try checkpoint.metadata(RandomGenerator.self, forKey: "generator")
/// ```
public struct Checkpoint: Sendable {
    /// Where the checkpoint came from (its path, or a description for in-memory data), as
    /// error messages name it.
    public let source: String
    /// The format version of the file.
    public let formatVersion: Int
    /// Every entry, in file order.
    public let entries: [CheckpointEntry]

    private struct Location: Sendable {
        var index: Int
        var offset: Int
        var byteCount: Int
    }

    private let locations: [String: Location]
    private let metadataJSON: [String: String]
    private let data: Data
    private let dataStart: Int

    /// Reads and checks the checkpoint at `url` (memory-mapped where the system allows).
    public init(contentsOf url: URL) throws {
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .mappedIfSafe)
        } catch {
            throw MBRLError.fileFormat("could not read checkpoint '\(url.path)': \(error.localizedDescription)")
        }
        try self.init(data: data, source: url.path)
    }

    /// Reads and checks a checkpoint held in memory (as `CheckpointWriter.encodedData()` makes).
    public init(data: Data, source: String = "in-memory checkpoint") throws {
        func failure(_ message: String) -> MBRLError {
            MBRLError.fileFormat("checkpoint '\(source)' \(message)")
        }
        let prefixCount = CheckpointFormat.prefixByteCount
        guard data.count > 0 else { throw failure("is empty") }
        let magic = CheckpointFormat.magic
        guard data.count >= magic.count, Array(data.prefix(magic.count)) == magic else {
            throw failure("is not an MBRL checkpoint: it does not start with the bytes 'MBRLCKPT'")
        }
        guard data.count >= prefixCount else {
            throw failure("is truncated: \(data.count) bytes, shorter than the \(prefixCount)-byte prefix")
        }
        let (version, headerLength): (UInt32, UInt64) = data.withUnsafeBytes { raw in
            (UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt32.self)),
             UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 12, as: UInt64.self)))
        }
        guard version >= 1 else { throw failure("has format version \(version), which does not exist") }
        guard version <= CheckpointFormat.currentVersion else {
            throw failure("has format version \(version), written by a newer version of the framework; "
                          + "this build reads versions up to \(CheckpointFormat.currentVersion)")
        }
        guard headerLength <= UInt64(data.count - prefixCount) else {
            throw failure("is truncated: its header needs \(headerLength) bytes but only \(data.count - prefixCount) follow the prefix")
        }
        let headerEnd = prefixCount + Int(headerLength)
        let header: CheckpointFormat.Header
        do {
            header = try CheckpointFormat.makeDecoder().decode(
                CheckpointFormat.Header.self, from: data.subdata(in: data.startIndex + prefixCount ..< data.startIndex + headerEnd))
        } catch {
            throw failure("has a damaged header: \(error)")
        }
        let dataStart = CheckpointFormat.aligned(headerEnd)
        guard header.dataByteCount >= 0 else { throw failure("declares a negative data size") }
        let (expectedSize, overflow) = dataStart.addingReportingOverflow(header.dataByteCount)
        guard !overflow, expectedSize <= data.count else {
            throw failure("is truncated: it declares \(header.dataByteCount) data bytes from byte \(dataStart), "
                          + "so \(dataStart &+ header.dataByteCount) bytes in all, but has \(data.count)")
        }
        guard expectedSize == data.count else {
            throw failure("has \(data.count - expectedSize) unexpected bytes after its data")
        }
        var locations: [String: Location] = [:]
        var entries: [CheckpointEntry] = []
        for (index, entry) in header.entries.enumerated() {
            guard locations[entry.name] == nil else { throw failure("has two entries named '\(entry.name)'") }
            var elementCount = 1
            for dimension in entry.shape {
                let (product, overflow) = elementCount.multipliedReportingOverflow(by: dimension)
                guard dimension >= 0, !overflow else {
                    throw failure("has entry '\(entry.name)' with an impossible shape \(entry.shape)")
                }
                elementCount = product
            }
            let (byteCount, overflow) = elementCount.multipliedReportingOverflow(by: entry.type.byteWidth)
            guard !overflow, byteCount == entry.byteCount else {
                throw failure("has entry '\(entry.name)' of shape \(entry.shape) (\(entry.type.rawValue)) "
                              + "declaring \(entry.byteCount) bytes instead of \(elementCount) x \(entry.type.byteWidth)")
            }
            guard entry.offset >= 0, entry.offset <= header.dataByteCount, byteCount <= header.dataByteCount - entry.offset else {
                throw failure("has entry '\(entry.name)' at bytes \(entry.offset) ..< \(entry.offset + byteCount), "
                              + "outside its \(header.dataByteCount)-byte data section")
            }
            locations[entry.name] = Location(index: index, offset: entry.offset, byteCount: byteCount)
            entries.append(CheckpointEntry(name: entry.name, elementType: entry.type, shape: entry.shape))
        }
        var checksum = CheckpointChecksum()
        data.withUnsafeBytes { raw in
            checksum.combine(UnsafeRawBufferPointer(rebasing: raw[dataStart ..< expectedSize]))
        }
        guard checksum.hexDigest == header.checksum else {
            throw failure("is corrupted: its data checksum is \(checksum.hexDigest) but the header records \(header.checksum)")
        }
        self.source = source
        self.formatVersion = Int(version)
        self.entries = entries
        self.locations = locations
        self.metadataJSON = header.metadata
        self.data = data
        self.dataStart = dataStart
    }

    // MARK: - Entries

    /// The entry names, in file order.
    public var entryNames: [String] { entries.map(\.name) }

    /// Whether an entry called `name` exists.
    public func contains(_ name: String) -> Bool { locations[name] != nil }

    /// The description of entry `name`; throws `fileFormat` when there is none.
    public func entry(named name: String) throws -> CheckpointEntry {
        entries[try location(of: name).index]
    }

    private func location(of name: String) throws -> Location {
        guard let location = locations[name] else {
            var message = "checkpoint '\(source)' has no entry '\(name)'"
            if let nearest = Self.nearest(to: name, among: entryNames) { message += "; did you mean '\(nearest)'?" }
            message += entries.isEmpty ? " (it has no entries)" : " (it has \(entries.count) entries)"
            throw MBRLError.fileFormat(message)
        }
        return location
    }

    /// The location of `name`, after checking its element type and, when given, its shape.
    private func checkedLocation(of name: String, type: CheckpointElementType, shape expected: [Int]?) throws -> Location {
        let location = try location(of: name)
        let entry = entries[location.index]
        guard entry.elementType == type else {
            throw MBRLError.fileFormat("checkpoint '\(source)': entry '\(name)' holds \(entry.elementType.rawValue) values, not \(type.rawValue)")
        }
        if let expected, expected != entry.shape {
            throw MBRLError.fileFormat("checkpoint '\(source)': entry '\(name)' has shape \(entry.shape), expected \(expected)")
        }
        return location
    }

    /// Copies `count` elements of type `T` from the data section.
    private func load<T>(_ location: Location, count: Int, as type: T.Type) -> [T] {
        guard count > 0 else { return [] }
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            data.withUnsafeBytes { raw in
                let start = raw.baseAddress! + dataStart + location.offset
                UnsafeMutableRawPointer(buffer.baseAddress!).copyMemory(from: start, byteCount: location.byteCount)
            }
            initialized = count
        }
    }

    /// The `[rows, columns]` matrix stored as `name`; throws `fileFormat` when it is missing,
    /// not `float32`, or of another shape (the message names both shapes).
    public func matrix(named name: String, rows: Int, columns: Int) throws -> Matrix {
        let values = try floats(named: name, shape: [rows, columns])
        return Matrix(rows: rows, columns: columns, values: values)
    }

    /// The two-dimensional `float32` entry `name` as a matrix, whatever its size.
    public func matrix(named name: String) throws -> Matrix {
        let shape = try entry(named: name).shape
        guard shape.count == 2 else {
            throw MBRLError.fileFormat("checkpoint '\(source)': entry '\(name)' has shape \(shape), not a matrix shape [rows, columns]")
        }
        return try matrix(named: name, rows: shape[0], columns: shape[1])
    }

    /// The `float32` values of `name`, after checking the shape when `shape` is given.
    public func floats(named name: String, shape: [Int]? = nil) throws -> [Float] {
        let location = try checkedLocation(of: name, type: .float32, shape: shape)
        let bits = load(location, count: location.byteCount / 4, as: UInt32.self)
        return bits.map { Float(bitPattern: UInt32(littleEndian: $0)) }
    }

    /// The `int64` values of `name` as `Int`, after checking the shape when `shape` is given.
    public func integers(named name: String, shape: [Int]? = nil) throws -> [Int] {
        let location = try checkedLocation(of: name, type: .int64, shape: shape)
        return load(location, count: location.byteCount / 8, as: Int64.self).map { Int(Int64(littleEndian: $0)) }
    }

    /// The `uint8` values of `name` as flags (non-zero is `true`), after checking the shape when given.
    public func booleans(named name: String, shape: [Int]? = nil) throws -> [Bool] {
        try bytes(named: name, shape: shape).map { $0 != 0 }
    }

    /// The `uint8` values of `name`, after checking the shape when `shape` is given.
    public func bytes(named name: String, shape: [Int]? = nil) throws -> [UInt8] {
        let location = try checkedLocation(of: name, type: .uint8, shape: shape)
        return load(location, count: location.byteCount, as: UInt8.self)
    }

    // MARK: - Metadata

    /// The metadata keys, sorted.
    public var metadataKeys: [String] { metadataJSON.keys.sorted() }

    /// Whether metadata is stored under `key`.
    public func containsMetadata(forKey key: String) -> Bool { metadataJSON[key] != nil }

    /// The metadata stored under `key`, decoded as `type`; throws `fileFormat` naming the key
    /// when it is missing or does not decode.
    public func metadata<T: Decodable>(_ type: T.Type, forKey key: String) throws -> T {
        guard let json = metadataJSON[key] else {
            var message = "checkpoint '\(source)' has no metadata '\(key)'"
            if let nearest = Self.nearest(to: key, among: metadataKeys) { message += "; did you mean '\(nearest)'?" }
            throw MBRLError.fileFormat(message)
        }
        do {
            return try CheckpointFormat.makeDecoder().decode(T.self, from: Data(json.utf8))
        } catch let error as MBRLError {
            throw MBRLError.fileFormat("checkpoint '\(source)': metadata '\(key)' is not a valid \(T.self): \(error)")
        } catch {
            throw MBRLError.fileFormat("checkpoint '\(source)': metadata '\(key)' could not be decoded as \(T.self): \(error)")
        }
    }

    /// The raw JSON text stored under `key`, if any.
    public func metadataJSON(forKey key: String) -> String? { metadataJSON[key] }

    // MARK: - Suggestions

    /// The candidate closest to `name`, when it is close enough to be a typo.
    static func nearest(to name: String, among candidates: [String]) -> String? {
        NameSuggestions.closest(to: name, in: candidates, limit: 1).first
    }
}
