import MBRLCore

extension PointMass: ParameterizedEnvironment {
    /// The configuration's `damping` and `mass`, and the goal's coordinates `goalX`, `goalY`
    /// (in `[-1, 1]`, nominal 0.5 each: `PointMassConfiguration`'s default fixed goal).
    ///
    /// Setting a goal coordinate makes the goal fixed at `(goalX, goalY)` (the other coordinate
    /// keeps its current value), so a recipe can give each run its own goal:
    /// `"environment": {"id": "PointMass-v0", "parameters": {"goalX": -0.5, "goalY": 0.5}}`.
    public static let physicalParameters = [
        PhysicalParameter("damping", nominal: PointMassConfiguration().damping, unit: "N s/m",
                          summary: "linear damping c in m dv/dt = force - c v", includesMinimum: true),
        PhysicalParameter("goalX", nominal: 0.5, unit: "", summary: "the goal's x coordinate (a fixed goal)",
                          minimum: -1, includesMinimum: true, maximum: 1),
        PhysicalParameter("goalY", nominal: 0.5, unit: "", summary: "the goal's y coordinate (a fixed goal)",
                          minimum: -1, includesMinimum: true, maximum: 1),
        PhysicalParameter("mass", nominal: PointMassConfiguration().mass, unit: "kg", summary: "the point's mass"),
    ]

    public var physicalParameters: [PhysicalParameter] { Self.physicalParameters }

    public var parameterValues: [String: Double] {
        ["damping": configuration.damping, "goalX": goal.x, "goalY": goal.y, "mass": configuration.mass]
    }

    public mutating func assignCheckedParameters(_ values: [String: Double]) {
        configuration.damping = values["damping"] ?? configuration.damping
        configuration.mass = values["mass"] ?? configuration.mass
        if values["goalX"] != nil || values["goalY"] != nil {
            let x = values["goalX"] ?? goal.x, y = values["goalY"] ?? goal.y
            configuration.goal = .fixed(x: x, y: y)
            goal = (x, y)
        }
    }
}
