import MBRLCore

/// Decoding checks shared by the neural policies' configs.
enum PolicyConfigDecoding {
    /// The hidden sizes at `key` (every one in `1...100_000`), or `defaultValue` when absent.
    static func hiddenSizes<Keys: CodingKey>(_ container: KeyedDecodingContainer<Keys>, _ key: Keys,
                                             default defaultValue: [Int]) throws -> [Int] {
        guard let sizes = try container.decodeIfPresent([Int].self, forKey: key) else { return defaultValue }
        if let bad = sizes.first(where: { !(1...100_000).contains($0) }) {
            let path = (container.codingPath + [key]).map(\.stringValue).joined(separator: ".")
            throw DecodingError.dataCorrupted(.init(
                codingPath: container.codingPath + [key],
                debugDescription: "\(path): every hidden size must be in 1...100000, got \(bad)"))
        }
        return sizes
    }
}
