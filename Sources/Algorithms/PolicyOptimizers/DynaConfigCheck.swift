import MBRLCore

/// Checks shared by the configs of the tabular planners (Dyna-Q, prioritized sweeping) and the
/// maze experiment.
enum DynaConfigCheck {
    /// Throws `MBRLError.invalidArgument(message)` unless `condition` holds.
    static func require(_ condition: Bool, _ message: @autoclosure () -> String) throws {
        guard condition else { throw MBRLError.invalidArgument(message()) }
    }

    /// The book's symbols and the config keys that hold them.
    static let bookSymbols = ["alpha": "stepSize", "gamma": "discount", "n": "planningSteps", "kappa": "explorationBonus",
                              "theta": "priorityThreshold", "eps": "epsilon"]

    /// Throws `DecodingError.dataCorrupted` when the object uses one of the book's symbols
    /// (`alpha`, `gamma`, `n`, `kappa`, `theta`) as a key, naming the key that holds it here.
    static func rejectBookSymbols<Keys: CodingKey & CaseIterable>(_ decoder: Decoder, _ keys: Keys.Type) throws {
        let valid = Set(Keys.allCases.map(\.stringValue))
        let container = try decoder.container(keyedBy: AnyCodingKey.self)
        for key in container.allKeys.sorted(by: { $0.stringValue < $1.stringValue }) {
            guard let name = bookSymbols[key.stringValue.lowercased()], valid.contains(name) else { continue }
            let path = (decoder.codingPath + [key]).map(\.stringValue).joined(separator: ".")
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath + [key],
                debugDescription: "unknown key \"\(path)\": the book's \(key.stringValue) is called \(name) here"))
        }
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
