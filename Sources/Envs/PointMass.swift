import MBRLCore

/// A point mass on the plane that must reach a goal: a small continuous-control task for pixel
/// and latent-model experiments.
///
/// - State: position `(x, y)` in `[-1, 1]^2`, velocity `(vx, vy)`, goal `(gx, gy)`; physics in
///   `Double`.
/// - Observation: `[x, y, vx, vy, gx, gy]` as `Float`, in `Box([-1, -1, -s, -s, -1, -1],
///   [1, 1, s, s, 1, 1])` with `s = maximumSpeed` (default 2). The goal is part of the
///   observation so the task stays Markov with random goals and the reward is a function of it.
/// - Action: a force `(fx, fy)` in `Box(-1, 1)`; values outside are clipped (as Gymnasium's
///   Pendulum clips); a wrong size or NaN throws.
/// - Physics: a damped double integrator, `m dv/dt = force - c v`, `dx/dt = v`, integrated by
///   semi-implicit Euler with `dt` = 0.1 s, `m` = 1, `c` = 1 (see `PointMassConfiguration`).
///   Speeds are clamped to `maximumSpeed`; hitting the border of the square stops the motion
///   along that axis. A mass that reaches a face of the optional sticky `wall`
///   (`PointMassWall-v0`) stays there for the rest of the episode.
/// - Reward: `-distance(position, goal)`, plus `successBonus` (default 0) on the step that ends
///   within `goalRadius` (default 0.1), which terminates the episode (success). Reward and
///   termination are computed from the `Float` observation, so `PointMassRewardFunction` and
///   `PointMassTerminationFunction` reproduce `step` exactly.
/// - Reset: zero velocity, position uniform in the start square (`[-0.9, 0.9]^2` by default;
///   redrawn while within twice the goal radius of the goal); a fixed goal at (0.5, 0.5) by default.
/// - Episodes: no limit of their own; the catalog wraps the task in
///   `TimeLimit(maxEpisodeSteps: PointMass.defaultMaxEpisodeSteps)` (100 steps = 10 s).
///
/// ```swift
/// var environment = TimeLimit(PointMass(), maxEpisodeSteps: PointMass.defaultMaxEpisodeSteps)
/// var observation = try environment.reset(seed: 3)
/// while true {
///     let towardsGoal = [observation[4] - observation[0], observation[5] - observation[1]]
///     let step = try environment.step(towardsGoal)
///     observation = step.observation
///     if step.isDone { break }
/// }
/// ```
public struct PointMass: Environment, Sendable {
    /// The episode length the catalog's `TimeLimit` uses: 100 steps (10 s of simulated time).
    public static let defaultMaxEpisodeSteps = 100

    /// The identifier, `"PointMass-v0"` by default.
    public let id: String
    /// The physics and task settings.
    public internal(set) var configuration: PointMassConfiguration
    /// Position `(x, y)`.
    public internal(set) var position: (x: Double, y: Double) = (0, 0)
    /// Velocity `(vx, vy)`.
    public internal(set) var velocity: (x: Double, y: Double) = (0, 0)
    /// The goal `(gx, gy)`.
    public internal(set) var goal: (x: Double, y: Double) = (0, 0)
    /// The generator behind start positions and random goals; `reset(seed:)` reseeds it.
    var generator = RandomGenerator(seed: 0)

    /// The task with default settings.
    public init() {
        self.id = "PointMass-v0"
        self.configuration = PointMassConfiguration()
        self.goal = Self.fixedGoal(of: configuration) ?? (0, 0)
    }

    /// The task with `configuration`, validated first.
    public init(configuration: PointMassConfiguration, id: String = "PointMass-v0") throws {
        try configuration.validate()
        self.id = id
        self.configuration = configuration
        self.goal = Self.fixedGoal(of: configuration) ?? (0, 0)
    }

    private static func fixedGoal(of configuration: PointMassConfiguration) -> (x: Double, y: Double)? {
        if case .fixed(let x, let y) = configuration.goal { return (x, y) }
        return nil
    }

    /// `Box([-1, -1, -s, -s, -1, -1], [1, 1, s, s, 1, 1])`, `s = maximumSpeed`.
    public var observationSpace: Space {
        let speed = Float(configuration.maximumSpeed)
        return .box(Box(lowerBound: [-1, -1, -speed, -speed, -1, -1], upperBound: [1, 1, speed, speed, 1, 1]))
    }

    /// A 2-D force in `Box(-1, 1)`.
    public var actionSpace: Space { .box(Box(lowerBound: -1, upperBound: 1, size: 2)) }

    /// The current observation `[x, y, vx, vy, gx, gy]`.
    public var observation: [Float] {
        [Float(position.x), Float(position.y), Float(velocity.x), Float(velocity.y), Float(goal.x), Float(goal.y)]
    }

    /// Draws a goal (when random) and a start position at rest.
    public mutating func reset(seed: UInt64?) throws -> [Float] {
        if let seed { generator = RandomGenerator(seed: seed) }
        if let fixed = Self.fixedGoal(of: configuration) {
            goal = fixed
        } else {
            let range = configuration.randomGoalRange
            repeat {
                goal = ((2 * generator.nextUniformDouble() - 1) * range, (2 * generator.nextUniformDouble() - 1) * range)
            } while configuration.wall?.contains(x: goal.x, y: goal.y) == true
        }
        let range = configuration.startRange, center = configuration.startCenter
        for _ in 0..<100 {
            position = (center.x + (2 * generator.nextUniformDouble() - 1) * range, center.y + (2 * generator.nextUniformDouble() - 1) * range)
            let dx = position.x - goal.x, dy = position.y - goal.y
            if (dx * dx + dy * dy).squareRoot() > 2 * configuration.goalRadius { break }
        }
        velocity = (0, 0)
        return observation
    }

    /// Applies the force `action` (clipped to `[-1, 1]`) for one time step.
    ///
    /// Throws `MBRLError.shapeMismatch` unless `action` has 2 entries, and
    /// `MBRLError.nonFinite` when an entry is NaN or infinite.
    public mutating func step(_ action: [Float]) throws -> StepResult {
        guard action.count == 2 else {
            throw MBRLError.shapeMismatch("a PointMass action is a 2-entry force (fx, fy), got \(action.count) entries")
        }
        guard action.allSatisfy(\.isFinite) else {
            throw MBRLError.nonFinite("PointMass action \(action) has a NaN or infinite entry")
        }
        let force = (Double(min(max(action[0], -1), 1)), Double(min(max(action[1], -1), 1)))
        let start = position
        if let wall = configuration.wall, wall.isOnFace(x: position.x, y: position.y) {
            // Stuck to the wall: nothing moves for the rest of the episode.
            velocity = (0, 0)
            return outcome()
        }
        (position.x, velocity.x) = integrate(position: position.x, velocity: velocity.x, force: force.0)
        (position.y, velocity.y) = integrate(position: position.y, velocity: velocity.y, force: force.1)
        if let wall = configuration.wall {
            // The move along x at the old height, then along y at the new x; a face reached stops
            // the motion across it.
            let alongX = wall.stop(from: start.x, to: position.x, across: start.y, lower: wall.minimumX, upper: wall.maximumX,
                                   acrossLower: wall.minimumY, acrossUpper: wall.maximumY)
            position.x = alongX.position
            let alongY = wall.stop(from: start.y, to: position.y, across: position.x, lower: wall.minimumY, upper: wall.maximumY,
                                   acrossLower: wall.minimumX, acrossUpper: wall.maximumX)
            position.y = alongY.position
            if alongX.stopped || alongY.stopped { velocity = (0, 0) }
        }
        return outcome()
    }

    /// The step's result at the current state: `-distance` plus the bonus, success within the radius.
    private func outcome() -> StepResult {
        let next = observation
        let distance = Self.goalDistance(x: next[0], y: next[1], goalX: next[4], goalY: next[5])
        let reached = distance <= Float(configuration.goalRadius)
        let reward = -distance + (reached ? Float(configuration.successBonus) : 0)
        return StepResult(observation: next, reward: reward, terminated: reached, truncated: false)
    }

    /// One semi-implicit Euler step along one axis, with the speed clamp and the border stop.
    private func integrate(position: Double, velocity: Double, force: Double) -> (Double, Double) {
        let dt = configuration.timeStep, limit = configuration.maximumSpeed
        var velocity = velocity + dt * (force - configuration.damping * velocity) / configuration.mass
        velocity = min(max(velocity, -limit), limit)
        var position = position + dt * velocity
        if position > 1 { position = 1; velocity = min(velocity, 0) }
        if position < -1 { position = -1; velocity = max(velocity, 0) }
        return (position, velocity)
    }

    /// The distance between `(x, y)` and the goal, in `Float` as reward and termination use it.
    static func goalDistance(x: Float, y: Float, goalX: Float, goalY: Float) -> Float {
        let dx = x - goalX, dy = y - goalY
        return (dx * dx + dy * dy).squareRoot()
    }
}
