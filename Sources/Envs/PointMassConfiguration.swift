import MBRLCore

/// The physics and task settings of a `PointMass`, each with a documented default.
///
/// ```swift
/// var configuration = PointMassConfiguration()
/// configuration.goal = .random           // a new goal every episode
/// configuration.successBonus = 10
/// let environment = try PointMass(configuration: configuration)
/// ```
public struct PointMassConfiguration: Sendable, Equatable {
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.timeStep == rhs.timeStep && lhs.mass == rhs.mass && lhs.damping == rhs.damping && lhs.maximumSpeed == rhs.maximumSpeed
            && lhs.goal == rhs.goal && lhs.randomGoalRange == rhs.randomGoalRange && lhs.startRange == rhs.startRange
            && lhs.startCenter == rhs.startCenter && lhs.wall == rhs.wall && lhs.goalRadius == rhs.goalRadius
            && lhs.successBonus == rhs.successBonus
    }

    /// Where the goal is.
    public enum Goal: Sendable, Equatable {
        /// The same goal every episode.
        case fixed(x: Double, y: Double)
        /// A goal drawn uniformly from `[-randomGoalRange, randomGoalRange]^2` at each reset.
        case random
    }

    /// Integration step in seconds. Default 0.1.
    public var timeStep: Double = 0.1
    /// Mass. Default 1.
    public var mass: Double = 1
    /// Linear damping coefficient `c` in `m dv/dt = force - c v`. Default 1, so the top speed
    /// under full force is `1 / c` = 1 unit per second per axis.
    public var damping: Double = 1
    /// Speeds are clamped to `[-maximumSpeed, maximumSpeed]` per axis (the observation bound).
    /// Default 2, above the top speed `1 / damping`, so it only matters for weak damping.
    public var maximumSpeed: Double = 2
    /// The goal. Default `.fixed(x: 0.5, y: 0.5)`.
    public var goal: Goal = .fixed(x: 0.5, y: 0.5)
    /// Half-width of the square random goals are drawn from. Default 0.8.
    public var randomGoalRange: Double = 0.8
    /// Half-width of the square start positions are drawn from (velocity starts at 0). Default 0.9.
    public var startRange: Double = 0.9
    /// Centre of the square start positions are drawn from. Default (0, 0).
    public var startCenter: (x: Double, y: Double) = (0, 0)
    /// A wall the mass cannot pass, or nil (default) for the open square.
    public var wall: PointMassWall? = nil
    /// The episode ends (success) once the agent is within this distance of the goal. Default 0.1.
    public var goalRadius: Double = 0.1
    /// Extra reward on the step that reaches the goal. Default 0 (the reward is then
    /// `-distance`, differentiable everywhere but at the goal itself).
    public var successBonus: Double = 0

    /// The default settings.
    public init() {}

    /// Throws an `MBRLError.invalidArgument` naming the first setting out of range.
    public func validate() throws {
        func require(_ condition: Bool, _ message: String) throws {
            if !condition { throw MBRLError.invalidArgument("PointMass \(message)") }
        }
        try require(timeStep.isFinite && timeStep > 0, "timeStep must be positive, got \(timeStep)")
        try require(mass.isFinite && mass > 0, "mass must be positive, got \(mass)")
        try require(damping.isFinite && damping >= 0, "damping must be 0 or more, got \(damping)")
        try require(maximumSpeed.isFinite && maximumSpeed > 0, "maximumSpeed must be positive, got \(maximumSpeed)")
        try require(randomGoalRange.isFinite && randomGoalRange >= 0 && randomGoalRange <= 1,
                    "randomGoalRange must lie in [0, 1], got \(randomGoalRange)")
        try require(startRange.isFinite && startRange >= 0 && startRange <= 1,
                    "startRange must lie in [0, 1], got \(startRange)")
        try require(startCenter.x.isFinite && startCenter.y.isFinite
                        && abs(startCenter.x) + startRange <= 1 && abs(startCenter.y) + startRange <= 1,
                    "start square (centre (\(startCenter.x), \(startCenter.y)), half-width \(startRange)) must lie in [-1, 1]^2")
        if let wall {
            try require([wall.minimumX, wall.maximumX, wall.minimumY, wall.maximumY].allSatisfy(\.isFinite)
                            && wall.minimumX < wall.maximumX && wall.minimumY < wall.maximumY,
                        "wall must have finite faces with minimumX < maximumX and minimumY < maximumY, got \(wall)")
            let cx = startCenter.x, cy = startCenter.y, r = startRange
            try require(cx + r <= wall.minimumX || cx - r >= wall.maximumX || cy + r <= wall.minimumY || cy - r >= wall.maximumY,
                        "start square must not overlap the wall")
            if case .fixed(let x, let y) = goal {
                try require(!wall.contains(x: x, y: y), "fixed goal (\(x), \(y)) lies inside the wall")
            }
        }
        try require(goalRadius.isFinite && goalRadius > 0, "goalRadius must be positive, got \(goalRadius)")
        try require(successBonus.isFinite, "successBonus must be finite, got \(successBonus)")
        if case .fixed(let x, let y) = goal {
            try require(x.isFinite && y.isFinite && abs(x) <= 1 && abs(y) <= 1,
                        "fixed goal must lie in [-1, 1]^2, got (\(x), \(y))")
        }
    }
}
