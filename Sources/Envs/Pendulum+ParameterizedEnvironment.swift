import MBRLCore

extension Pendulum: ParameterizedEnvironment {
    /// Gymnasium's `g`, `l` and `m` (the reward does not depend on them).
    public static let physicalParameters = [
        PhysicalParameter("gravity", nominal: 10, unit: "m/s^2", summary: "gravitational acceleration", includesMinimum: true),
        PhysicalParameter("length", nominal: Pendulum.length, unit: "m", summary: "the pendulum's length"),
        PhysicalParameter("mass", nominal: Pendulum.mass, unit: "kg", summary: "the pendulum's mass"),
    ]

    public var physicalParameters: [PhysicalParameter] { Self.physicalParameters }

    public var parameterValues: [String: Double] { ["gravity": gravity, "length": length, "mass": mass] }

    public mutating func assignCheckedParameters(_ values: [String: Double]) {
        gravity = values["gravity"] ?? gravity
        length = values["length"] ?? length
        mass = values["mass"] ?? mass
    }
}
