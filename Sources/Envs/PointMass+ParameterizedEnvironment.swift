import MBRLCore

extension PointMass: ParameterizedEnvironment {
    /// The configuration's `mass` and `damping` (nominal: `PointMassConfiguration`'s defaults).
    public static let physicalParameters = [
        PhysicalParameter("damping", nominal: PointMassConfiguration().damping, unit: "N s/m",
                          summary: "linear damping c in m dv/dt = force - c v", includesMinimum: true),
        PhysicalParameter("mass", nominal: PointMassConfiguration().mass, unit: "kg", summary: "the point's mass"),
    ]

    public var physicalParameters: [PhysicalParameter] { Self.physicalParameters }

    public var parameterValues: [String: Double] { ["damping": configuration.damping, "mass": configuration.mass] }

    public mutating func assignCheckedParameters(_ values: [String: Double]) {
        configuration.damping = values["damping"] ?? configuration.damping
        configuration.mass = values["mass"] ?? configuration.mass
    }
}
