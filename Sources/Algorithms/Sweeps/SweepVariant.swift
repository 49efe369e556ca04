/// A named set of recipe settings in a sweep, crossed with the grid (for example an MLP and a
/// convolutional encoder, or one algorithm and its baseline).
///
/// ```json
/// "variants": [{"name": "mlp", "set": {"model.type": "deterministic-mlp"}},
///              {"name": "ensemble", "set": {"model.type": "gaussian-ensemble"}}]
/// ```
public struct SweepVariant: Sendable, Codable, Equatable {
    /// The variant's name, shown in reports and used in run directories.
    public var name: String
    /// The settings it applies.
    public var settings: [SweepSetting]

    public init(name: String, settings: [SweepSetting]) {
        self.name = name
        self.settings = settings
    }
}
