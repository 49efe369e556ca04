import MBRLCore

extension PointMass {
    /// The episode length of `PointMassWall-v0`: 60 steps (6 s of simulated time).
    public static let wallMaxEpisodeSteps = 60

    /// The settings of `PointMassWall-v0`: a lighter mass (0.5, so speeds settle in 0.5 s; top
    /// speed still 1), the start square centred at (-0.4, -0.3) with half-width 0.05, the goal at
    /// (0.4, 0) with radius 0.1 and a success bonus of 10, and a sticky wall
    /// `[-0.05, 0.05] x [-1, 0.1]` rising from the bottom border between them. The straight
    /// line to the goal (about 0.85 long) meets the wall 0.25 below its top; the only way round
    /// passes over the top (about 14 steps for a planner on the true dynamics).
    ///
    /// Reaching the wall does not end the episode: the mass sticks to it for the rest of the
    /// episode (the shortcut "ends in death" in the dynamics, not in the termination rule). The
    /// reward (`-distance` plus the bonus) and the termination (the goal reached) do not mention
    /// the wall, so a planner learns of it only from a model fitted on transitions that touch
    /// it; the known reward cannot warn it off a path through the wall.
    public static var wallConfiguration: PointMassConfiguration {
        var configuration = PointMassConfiguration()
        configuration.mass = 0.5
        configuration.goal = .fixed(x: 0.4, y: 0)
        configuration.startCenter = (-0.4, -0.3)
        configuration.startRange = 0.05
        configuration.goalRadius = 0.1
        configuration.successBonus = 10
        configuration.wall = PointMassWall(minimumX: -0.05, maximumX: 0.05, minimumY: -1, maximumY: 0.1)
        return configuration
    }

    /// `PointMassWall-v0` without its time limit (the catalog adds `wallMaxEpisodeSteps`).
    ///
    /// ```swift
    /// var environment = try PointMass.withWall()
    /// _ = try environment.reset(seed: 0)
    /// let step = try environment.step([1, 0])   // pushes towards the wall
    /// ```
    public static func withWall() throws -> PointMass {
        try PointMass(configuration: wallConfiguration, id: "PointMassWall-v0")
    }
}
