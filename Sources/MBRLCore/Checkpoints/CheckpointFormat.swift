import Foundation

/// The element types a checkpoint entry can hold, as named in the file's header.
///
/// ```swift
/// let entry = try checkpoint.entry(named: "replayBuffer.episodes")
/// if entry.elementType == .int64 { let episodes = try checkpoint.integers(named: entry.name) }
/// ```
public enum CheckpointElementType: String, Sendable, Codable, CaseIterable {
    /// 32-bit IEEE floats, little-endian (matrices, parameters, optimiser moments).
    case float32
    /// 64-bit signed integers, little-endian (indices, counters).
    case int64
    /// Bytes (flags stored as 0 or 1).
    case uint8

    /// The size of one element in bytes.
    public var byteWidth: Int {
        switch self {
        case .float32: return 4
        case .int64: return 8
        case .uint8: return 1
        }
    }
}

/// The name, element type and shape of one entry of a checkpoint.
///
/// ```swift
/// for entry in checkpoint.entries where entry.elementType == .float32 {
///     print(entry.name, entry.shape, entry.elementCount)
/// }
/// ```
public struct CheckpointEntry: Sendable, Equatable {
    /// The entry's name, unique within its checkpoint.
    public var name: String
    /// The type of its elements.
    public var elementType: CheckpointElementType
    /// Its shape; the element count is the product (1 for an empty shape).
    public var shape: [Int]

    /// An entry description.
    public init(name: String, elementType: CheckpointElementType, shape: [Int]) {
        self.name = name
        self.elementType = elementType
        self.shape = shape
    }

    /// The number of elements.
    public var elementCount: Int { shape.reduce(1, *) }
}

/// The layout of a checkpoint file, version 1 (all integers little-endian):
///
/// | bytes | content |
/// | --- | --- |
/// | 0 ..< 8 | the magic bytes `MBRLCKPT` |
/// | 8 ..< 12 | the format version, `UInt32` |
/// | 12 ..< 20 | the header length `H` in bytes, `UInt64` |
/// | 20 ..< 20 + H | the header: UTF-8 JSON (below) |
/// | ... | zero padding to the next multiple of 64 bytes: the data section starts there |
/// | data | every entry's elements in order, each entry padded with zeros to a multiple of 64 bytes |
///
/// The header is `{"checksum": "<16 hex digits>", "dataByteCount": n, "entries": [{"name": ...,
/// "type": "float32" | "int64" | "uint8", "shape": [...], "offset": <byte offset in the data
/// section>, "byteCount": ...}], "metadata": {"<key>": "<the value's JSON, as a string>"}}`.
/// The checksum covers the whole data section (see `CheckpointChecksum`); the file ends exactly
/// where the data section ends.
enum CheckpointFormat {
    /// `MBRLCKPT`.
    static let magic: [UInt8] = Array("MBRLCKPT".utf8)
    /// The version this build writes, and the newest it reads.
    static let currentVersion: UInt32 = 1
    /// The size of the fixed prefix before the header.
    static let prefixByteCount = 20
    /// Sections and entries start at multiples of this.
    static let alignment = 64

    /// `value` rounded up to a multiple of `alignment`.
    static func aligned(_ value: Int) -> Int {
        (value + alignment - 1) / alignment * alignment
    }

    /// The JSON header.
    struct Header: Codable {
        var checksum: String
        var dataByteCount: Int
        var entries: [EntryHeader]
        var metadata: [String: String]
    }

    /// One entry's description in the header.
    struct EntryHeader: Codable {
        var name: String
        var type: CheckpointElementType
        var shape: [Int]
        var offset: Int
        var byteCount: Int
    }

    static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }

    static func makeDecoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return decoder
    }
}

/// A 64-bit checksum of a byte stream, read as little-endian 64-bit words (the last one padded
/// with zeros), each mixed in with multiply-rotate steps in the style of MurmurHash3's 64-bit
/// finaliser. It detects accidental corruption (flipped bits, shifted or missing blocks); it is
/// not a cryptographic hash.
struct CheckpointChecksum {
    private var state: UInt64 = 0x243F_6A88_85A3_08D3
    private var pending: UInt64 = 0
    private var pendingCount = 0
    private var length: UInt64 = 0

    @inline(__always)
    private mutating func mix(_ word: UInt64) {
        var value = word &* 0x87C3_7B91_1142_53D5
        value = (value << 31) | (value >> 33)
        value = value &* 0x4CF5_AD43_2745_937F
        state ^= value
        state = ((state << 27) | (state >> 37)) &* 5 &+ 0x52DC_E729
    }

    /// Adds `bytes` to the stream.
    mutating func combine(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress else { return }
        length &+= UInt64(bytes.count)
        var index = 0
        // Finish a partial word first.
        while pendingCount > 0 && index < bytes.count {
            pending |= UInt64(base.load(fromByteOffset: index, as: UInt8.self)) << (8 * UInt64(pendingCount))
            pendingCount += 1
            index += 1
            if pendingCount == 8 { mix(pending); pending = 0; pendingCount = 0 }
        }
        while index + 8 <= bytes.count {
            mix(UInt64(littleEndian: base.loadUnaligned(fromByteOffset: index, as: UInt64.self)))
            index += 8
        }
        while index < bytes.count {
            pending |= UInt64(base.load(fromByteOffset: index, as: UInt8.self)) << (8 * UInt64(pendingCount))
            pendingCount += 1
            index += 1
        }
    }

    /// The checksum of everything combined so far, as 16 hexadecimal digits.
    var hexDigest: String {
        var copy = self
        if copy.pendingCount > 0 { copy.mix(copy.pending) }
        var final = copy.state ^ copy.length
        final ^= final >> 33
        final = final &* 0xFF51_AFD7_ED55_8CCD
        final ^= final >> 33
        final = final &* 0xC4CE_B9FE_1A85_EC53
        final ^= final >> 33
        let digits = String(final, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
