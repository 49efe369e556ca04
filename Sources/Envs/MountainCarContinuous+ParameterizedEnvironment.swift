import MBRLCore

extension MountainCarContinuous: ParameterizedEnvironment {
    /// Gymnasium's `power`, the engine's force multiplier (the slope's `0.0025` stays fixed).
    public static let physicalParameters = [
        PhysicalParameter("power", nominal: MountainCarContinuous.power, unit: "", summary: "the engine's force multiplier"),
    ]

    public var physicalParameters: [PhysicalParameter] { Self.physicalParameters }

    public var parameterValues: [String: Double] { ["power": enginePower] }

    public mutating func assignCheckedParameters(_ values: [String: Double]) {
        enginePower = values["power"] ?? enginePower
    }
}
