/// One point of a sweep: a variant (if the sweep has any) and one value per grid key. Each
/// point runs once per seed.
///
/// ```swift
/// point.label       // "horizon=10, sequenceCount=500"
/// point.directory   // "horizon=10_sequenceCount=500"
/// ```
public struct SweepPoint: Sendable, Codable, Equatable {
    /// Position in the sweep, from 0.
    public var index: Int
    /// A readable name: the variant, then `key=value` per grid key (the last part of the key
    /// path, or the whole path where two keys end alike).
    public var label: String
    /// The folder of the point's runs under the sweep's `runs/`.
    public var directory: String
    /// The variant's name, if the sweep has variants.
    public var variant: String?
    /// The grid's value at this point, one per grid key in the grid's order.
    public var gridSettings: [SweepSetting]
    /// The variant's settings, then the grid's (the sweep's shared settings come before both).
    public var settings: [SweepSetting]

    public init(index: Int, label: String, directory: String, variant: String?, gridSettings: [SweepSetting], settings: [SweepSetting]) {
        self.index = index
        self.label = label
        self.directory = directory
        self.variant = variant
        self.gridSettings = gridSettings
        self.settings = settings
    }
}
