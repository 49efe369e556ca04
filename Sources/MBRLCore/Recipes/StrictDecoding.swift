/// Strict decoding for recipe configs: every key optional with a default, unknown keys rejected
/// with the key's path and the nearest valid name.
///
/// A config lists its keys in a `CaseIterable` coding-key enum and calls `rejectUnknownKeys`
/// first in `init(from:)`:
///
/// ```swift
/// public struct Config: Codable {
///     public var particleCount = 20
///     enum CodingKeys: String, CodingKey, CaseIterable { case particleCount }
///     public init(from decoder: Decoder) throws {
///         try decoder.rejectUnknownKeys(CodingKeys.self)
///         let container = try decoder.container(keyedBy: CodingKeys.self)
///         particleCount = try container.decodeIfPresent(Int.self, forKey: .particleCount) ?? 20
///     }
/// }
/// ```
extension Decoder {
    /// Throws `DecodingError.dataCorrupted` naming the first key of this object that `keys` does
    /// not list, its JSON path, the nearest valid key and the full list of valid keys.
    public func rejectUnknownKeys<Keys: CodingKey & CaseIterable>(_ keys: Keys.Type) throws {
        try rejectUnknownKeys(allowing: Keys.allCases.map(\.stringValue))
    }

    /// Throws as `rejectUnknownKeys(_:)` for a list of valid key names, for configs whose keys
    /// come from several enums (an optimizer's own keys and its learner's, read from one object).
    ///
    /// ```swift
    /// try decoder.rejectUnknownKeys(allowing: ScheduleKeys.allCases.map(\.rawValue)
    ///                                         + SoftActorCriticConfig.CodingKeys.allCases.map(\.rawValue))
    /// ```
    public func rejectUnknownKeys(allowing valid: [String]) throws {
        let container = try container(keyedBy: AnyCodingKey.self)
        for key in container.allKeys.sorted(by: { $0.stringValue < $1.stringValue }) where !valid.contains(key.stringValue) {
            let path = (codingPath + [key]).map(\.stringValue).joined(separator: ".")
            throw DecodingError.dataCorrupted(.init(
                codingPath: codingPath + [key],
                debugDescription: "unknown key \"\(path)\"\(NameSuggestions.hint(for: key.stringValue, in: valid)); valid keys here: \(valid.joined(separator: ", "))"))
        }
    }
}

extension KeyedDecodingContainer {
    /// The value at `key` when present, else `defaultValue`; throws when it is present but not
    /// in `range` (naming the key's path and the valid range).
    public func decode<Value: Decodable & Comparable>(_ type: Value.Type, forKey key: Key, default defaultValue: Value,
                                                      in range: ClosedRange<Value>? = nil) throws -> Value {
        guard let value = try decodeIfPresent(type, forKey: key) else { return defaultValue }
        if let range, !range.contains(value) {
            let path = (codingPath + [key]).map(\.stringValue).joined(separator: ".")
            throw DecodingError.dataCorrupted(.init(
                codingPath: codingPath + [key],
                debugDescription: "\(path) must be in \(range.lowerBound)...\(range.upperBound), got \(value)"))
        }
        return value
    }

    /// The value at `key` when present, else `defaultValue`.
    public func decode<Value: Decodable>(_ type: Value.Type, forKey key: Key, default defaultValue: Value) throws -> Value {
        try decodeIfPresent(type, forKey: key) ?? defaultValue
    }
}

/// A coding key for any string, used to list an object's keys.
public struct AnyCodingKey: CodingKey, Hashable, Sendable {
    public var stringValue: String
    public var intValue: Int?
    public init(stringValue: String) { self.stringValue = stringValue }
    public init?(intValue: Int) { self.stringValue = String(intValue); self.intValue = intValue }
}
