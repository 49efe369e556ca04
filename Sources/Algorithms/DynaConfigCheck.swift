import MBRLCore

/// Checks shared by the configs of the tabular planners (Dyna-Q, prioritized sweeping) and the
/// maze experiment.
enum DynaConfigCheck {
    /// Throws `MBRLError.invalidArgument(message)` unless `condition` holds.
    static func require(_ condition: Bool, _ message: @autoclosure () -> String) throws {
        guard condition else { throw MBRLError.invalidArgument(message()) }
    }

    /// A string-valued choice at `key`, or a decoding error naming the key's path, the valid
    /// names and the nearest one.
    static func choice<Keys: CodingKey, Choice: RawRepresentable & CaseIterable>(
        _ container: KeyedDecodingContainer<Keys>, _ key: Keys, default defaultValue: Choice
    ) throws -> Choice where Choice.RawValue == String {
        guard let text = try container.decodeIfPresent(String.self, forKey: key) else { return defaultValue }
        guard let choice = Choice(rawValue: text) else {
            let valid = Choice.allCases.map(\.rawValue)
            let path = (container.codingPath + [key]).map(\.stringValue).joined(separator: ".")
            throw DecodingError.dataCorrupted(.init(
                codingPath: container.codingPath + [key],
                debugDescription: "\(path) must be one of \(valid.map { "\"\($0)\"" }.joined(separator: ", ")), got \"\(text)\"\(NameSuggestions.hint(for: text, in: valid))"))
        }
        return choice
    }
}
