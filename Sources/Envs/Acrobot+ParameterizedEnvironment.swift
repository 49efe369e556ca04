import MBRLCore

extension Acrobot: ParameterizedEnvironment {
    /// Gymnasium's `LINK_MASS_1`, `LINK_MASS_2`, `LINK_LENGTH_1` (the only length in the dynamics;
    /// the centres of mass stay at 0.5 m and the moments of inertia at 1) and `g`.
    public static let physicalParameters = [
        PhysicalParameter("gravity", nominal: 9.8, unit: "m/s^2", summary: "gravitational acceleration", includesMinimum: true),
        PhysicalParameter("linkLength1", nominal: Acrobot.linkLength1, unit: "m", summary: "length of the first link"),
        PhysicalParameter("linkMass1", nominal: Acrobot.linkMass1, unit: "kg", summary: "mass of the first link"),
        PhysicalParameter("linkMass2", nominal: Acrobot.linkMass2, unit: "kg", summary: "mass of the second link"),
    ]

    /// Every parameter at its nominal value.
    public static let nominalParameters = Dictionary(uniqueKeysWithValues: physicalParameters.map { ($0.name, $0.nominal) })

    public var physicalParameters: [PhysicalParameter] { Self.physicalParameters }

    public mutating func assignCheckedParameters(_ values: [String: Double]) {
        parameterValues.merge(values) { _, new in new }
    }
}
