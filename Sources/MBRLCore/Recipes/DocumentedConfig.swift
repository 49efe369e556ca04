/// A component's recipe settings: `Codable`, every key optional with a default (`defaults`
/// holds them all), and a one-line description per key for `mbrl-run describe`.
///
/// ```swift
/// public struct Config: DocumentedConfig {
///     public var particleCount = 20
///     public init() {}
///     public static var defaults: Config { Config() }
///     public static let keyDescriptions = ["particleCount": "particles per action sequence"]
/// }
/// ```
public protocol DocumentedConfig: Codable, Sendable {
    /// The configuration with every default.
    static var defaults: Self { get }
    /// A one-line description of each key, by key.
    static var keyDescriptions: [String: String] { get }
}

extension DocumentedConfig {
    /// Each key with its JSON type, default and description, sorted by key.
    public static func keyDocumentation() -> [ComponentRegistry.KeyDocumentation] {
        let defaults = ((try? JSONValue(encoding: Self.defaults)) ?? .object([:])).objectMembers
        let keys = Set(defaults.keys).union(keyDescriptions.keys).sorted()
        return keys.map { key in
            let value = defaults[key] ?? .null
            return .init(name: key, type: value.kindName, defaultValue: value, summary: keyDescriptions[key] ?? "")
        }
    }
}
