import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `write(2)`, named apart from `CheckpointWriter.write(to:)`.
@inline(__always)
private func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    return Glibc.write(descriptor, bytes, count)
    #else
    return Darwin.write(descriptor, bytes, count)
    #endif
}

/// Collects named tensors and metadata, then writes them as one checkpoint file, atomically.
///
/// Entries are `Float` matrices or arrays with a shape (parameters, optimiser moments, replay
/// data), `Int` arrays (stored as 64-bit) or `Bool` arrays (stored as bytes); metadata is any
/// `Encodable` value stored as JSON under a key (configurations, generator states, optimiser
/// step counts, the loop's position). Adding an entry or metadata key that already exists
/// replaces it. `write(to:)` writes to a temporary file in the destination's directory, flushes
/// it to disk, then renames it over the destination, so a crash or error never leaves a
/// half-written checkpoint and an existing file survives a failed write. See `CheckpointFormat`
/// for the layout; `Checkpoint` reads it back.
///
/// ```swift
/// var writer = CheckpointWriter()
/// writer.add(name: "model.layer0.weight", matrix: weights)
/// writer.add(name: "buffer.episodes", integers: episodeIndices)
/// writer.setMetadata(generator, forKey: "generator")
/// writer.setMetadata(["iteration": 12], forKey: "loop")
/// try writer.write(to: URL(fileURLWithPath: "runs/pets/checkpoint.mbrl"))
/// ```
public struct CheckpointWriter {
    enum Storage {
        case float32([Float])
        case int64([Int64])
        case uint8([UInt8])

        var elementType: CheckpointElementType {
            switch self {
            case .float32: return .float32
            case .int64: return .int64
            case .uint8: return .uint8
            }
        }

        var count: Int {
            switch self {
            case .float32(let values): return values.count
            case .int64(let values): return values.count
            case .uint8(let values): return values.count
            }
        }

        /// Calls `body` with the elements as little-endian bytes.
        func withLittleEndianBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
            switch self {
            case .float32(let values):
                #if _endian(little)
                return try values.withUnsafeBytes(body)
                #else
                return try values.map { $0.bitPattern.littleEndian }.withUnsafeBytes(body)
                #endif
            case .int64(let values):
                #if _endian(little)
                return try values.withUnsafeBytes(body)
                #else
                return try values.map { $0.littleEndian }.withUnsafeBytes(body)
                #endif
            case .uint8(let values):
                return try values.withUnsafeBytes(body)
            }
        }
    }

    private var entries: [(name: String, shape: [Int], storage: Storage)] = []
    private var entryIndexByName: [String: Int] = [:]
    private var metadata: [String: any Encodable] = [:]

    /// An empty writer.
    public init() {}

    /// The entry names, in the order they will be written.
    public var entryNames: [String] { entries.map(\.name) }

    /// The metadata keys, sorted.
    public var metadataKeys: [String] { metadata.keys.sorted() }

    private mutating func add(name: String, shape: [Int], storage: Storage) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Checkpoint entry '\(name)' has a negative dimension in \(shape)")
        precondition(shape.reduce(1, *) == storage.count,
                     "Checkpoint entry '\(name)' of shape \(shape) needs \(shape.reduce(1, *)) values, got \(storage.count)")
        if let index = entryIndexByName[name] {
            entries[index] = (name, shape, storage)
        } else {
            entryIndexByName[name] = entries.count
            entries.append((name, shape, storage))
        }
    }

    /// Adds (or replaces) a matrix under `name`, with shape `[rows, columns]`.
    public mutating func add(name: String, matrix: Matrix) {
        add(name: name, shape: [matrix.rows, matrix.columns], storage: .float32(matrix.values))
    }

    /// Adds (or replaces) `Float` values of `shape` (their count is the product of `shape`;
    /// `nil` means `[values.count]`).
    public mutating func add(name: String, values: [Float], shape: [Int]? = nil) {
        add(name: name, shape: shape ?? [values.count], storage: .float32(values))
    }

    /// Adds (or replaces) integers (stored as 64-bit) of `shape` (`nil` means `[integers.count]`).
    public mutating func add(name: String, integers: [Int], shape: [Int]? = nil) {
        add(name: name, shape: shape ?? [integers.count], storage: .int64(integers.map { Int64($0) }))
    }

    /// Adds (or replaces) flags (stored as bytes 0 and 1) of `shape` (`nil` means `[booleans.count]`).
    public mutating func add(name: String, booleans: [Bool], shape: [Int]? = nil) {
        add(name: name, shape: shape ?? [booleans.count], storage: .uint8(booleans.map { $0 ? 1 : 0 }))
    }

    /// Adds (or replaces) raw bytes of `shape` (`nil` means `[bytes.count]`).
    public mutating func add(name: String, bytes: [UInt8], shape: [Int]? = nil) {
        add(name: name, shape: shape ?? [bytes.count], storage: .uint8(bytes))
    }

    /// Stores `value` as JSON under `key` (replacing what was there). The value is encoded when
    /// the checkpoint is written; an encoding error then fails the write and names the key.
    public mutating func setMetadata(_ value: any Encodable, forKey key: String) {
        metadata[key] = value
    }

    /// Removes the metadata under `key`, if any.
    public mutating func removeMetadata(forKey key: String) {
        metadata[key] = nil
    }

    // MARK: - Serialisation

    /// The bytes before the data section (prefix, header, padding), and every entry's byte count.
    private func encodedPrefix() throws -> [UInt8] {
        var offset = 0
        var entryHeaders: [CheckpointFormat.EntryHeader] = []
        var checksum = CheckpointChecksum()
        for entry in entries {
            let byteCount = entry.storage.count * entry.storage.elementType.byteWidth
            entryHeaders.append(.init(name: entry.name, type: entry.storage.elementType, shape: entry.shape,
                                      offset: offset, byteCount: byteCount))
            entry.storage.withLittleEndianBytes { checksum.combine($0) }
            let padding = CheckpointFormat.aligned(byteCount) - byteCount
            if padding > 0 {
                [UInt8](repeating: 0, count: padding).withUnsafeBytes { checksum.combine($0) }
            }
            offset += byteCount + padding
        }
        let encoder = CheckpointFormat.makeEncoder()
        var encodedMetadata: [String: String] = [:]
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) {
            do {
                encodedMetadata[key] = String(decoding: try encoder.encode(value), as: UTF8.self)
            } catch {
                throw MBRLError.fileFormat("checkpoint metadata '\(key)' could not be encoded: \(error)")
            }
        }
        let header = CheckpointFormat.Header(checksum: checksum.hexDigest, dataByteCount: offset,
                                             entries: entryHeaders, metadata: encodedMetadata)
        let headerBytes = Array(try encoder.encode(header))
        var prefix = CheckpointFormat.magic
        withUnsafeBytes(of: CheckpointFormat.currentVersion.littleEndian) { prefix.append(contentsOf: $0) }
        withUnsafeBytes(of: UInt64(headerBytes.count).littleEndian) { prefix.append(contentsOf: $0) }
        prefix.append(contentsOf: headerBytes)
        prefix.append(contentsOf: [UInt8](repeating: 0, count: CheckpointFormat.aligned(prefix.count) - prefix.count))
        return prefix
    }

    /// Passes the whole file, in pieces, to `sink`.
    private func serialize(prefix: [UInt8], into sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        try prefix.withUnsafeBytes(sink)
        let zeros = [UInt8](repeating: 0, count: CheckpointFormat.alignment)
        for entry in entries {
            let byteCount = entry.storage.count * entry.storage.elementType.byteWidth
            try entry.storage.withLittleEndianBytes(sink)
            let padding = CheckpointFormat.aligned(byteCount) - byteCount
            if padding > 0 { try zeros.withUnsafeBytes { try sink(UnsafeRawBufferPointer(rebasing: $0[0..<padding])) } }
        }
    }

    /// The complete file as bytes (for in-memory use; `Checkpoint(data:)` reads it).
    public func encodedData() throws -> Data {
        let prefix = try encodedPrefix()
        var data = Data()
        try serialize(prefix: prefix) { data.append(contentsOf: $0) }
        return data
    }

    /// Writes the checkpoint to `url` atomically: to a temporary file in the same directory,
    /// flushed with `fsync`, then renamed over `url` (and the directory flushed).
    ///
    /// Throws `fileFormat` naming the path and the cause when metadata cannot be encoded or the
    /// file cannot be written; `url` is then left as it was and no temporary file remains.
    public func write(to url: URL) throws {
        let prefix = try encodedPrefix()  // encoding errors surface before the file system is touched
        let path = url.path
        let directory = url.deletingLastPathComponent().path
        let temporaryPath = directory + "/." + url.lastPathComponent + ".\(getpid())-"
            + String(UInt64.random(in: 0 ... .max), radix: 16) + ".tmp"
        let descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard descriptor >= 0 else {
            throw MBRLError.fileFormat("could not write checkpoint '\(path)': cannot create a file in '\(directory)': \(Self.lastErrorMessage())")
        }
        var isOpen = true
        do {
            try serialize(prefix: prefix) { bytes in
                var written = 0
                while written < bytes.count {
                    let result = systemWrite(descriptor, bytes.baseAddress! + written, bytes.count - written)
                    if result < 0 {
                        if errno == EINTR { continue }
                        throw MBRLError.fileFormat("could not write checkpoint '\(path)': \(Self.lastErrorMessage())")
                    }
                    written += result
                }
            }
            guard fsync(descriptor) == 0 else {
                throw MBRLError.fileFormat("could not flush checkpoint '\(path)' to disk: \(Self.lastErrorMessage())")
            }
            isOpen = false
            guard close(descriptor) == 0 else {
                throw MBRLError.fileFormat("could not close checkpoint '\(path)': \(Self.lastErrorMessage())")
            }
            guard rename(temporaryPath, path) == 0 else {
                throw MBRLError.fileFormat("could not move the new checkpoint into place at '\(path)': \(Self.lastErrorMessage())")
            }
        } catch {
            if isOpen { close(descriptor) }
            unlink(temporaryPath)
            throw error
        }
        // Flush the directory entry too, so the rename itself survives a crash (best effort).
        let directoryDescriptor = open(directory, O_RDONLY)
        if directoryDescriptor >= 0 {
            fsync(directoryDescriptor)
            close(directoryDescriptor)
        }
    }

    private static func lastErrorMessage() -> String {
        String(cString: strerror(errno))
    }
}
