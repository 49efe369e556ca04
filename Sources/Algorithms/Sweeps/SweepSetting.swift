import MBRLCore

/// One recipe setting of a sweep: a key path as `--set` takes it and a JSON value.
///
/// ```swift
/// let setting = SweepSetting(key: "planner.horizon", value: .number(20))
/// setting.override   // "planner.horizon=20"
/// ```
public struct SweepSetting: Sendable, Codable, Equatable {
    /// The recipe key path, for example `"planner.horizon"`.
    public var key: String
    /// The value.
    public var value: JSONValue

    public init(key: String, value: JSONValue) {
        self.key = key
        self.value = value
    }

    /// `key=value` with the value as compact JSON, as `mbrl-run run --set` takes it.
    public var override: String { "\(key)=\(value.description)" }

    /// The value as a person reads it: strings without quotes, anything else as compact JSON.
    public var valueText: String { value.stringValue ?? value.description }
}
