#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MBRLCore

/// The continuous mountain car, `MountainCarContinuous-v0`: drive an under-powered car out of a
/// valley to the flag at position 0.45 on the right hill.
///
/// Follows Gymnasium 1.x's `gymnasium/envs/classic_control/continuous_mountain_car.py`
/// (`Continuous_MountainCarEnv`) step for step:
///
///     force     = clip(action, -1, 1)
///     velocity' = clip(velocity + force * 0.0015 - 0.0025 * cos(3 * position), -0.07, 0.07)
///     position' = clip(position + velocity', -1.2, 0.6); velocity' = 0 if position' = -1.2 and velocity' < 0
///     terminated = position' >= 0.45 and velocity' >= 0
///     reward    = 100 * terminated - 0.1 * action^2      (the *unclipped* action, as Gymnasium)
///
/// Gymnasium stores this environment's state as float32 after every step and mixes it with Python
/// floats and the float32 action; `MountainCarContinuousScalar` reproduces NumPy 2's promotion
/// rules so the arithmetic rounds as Gymnasium's does. The observation `[position, velocity]` is
/// that float32 state. Episodes end after 999 steps under a `TimeLimit`
/// (`EnvironmentCatalog.make("MountainCarContinuous-v0")` adds it). Resets draw the position
/// uniformly from `[-0.6, -0.4)` with velocity 0, using the environment's own `RandomGenerator`.
/// Stepping after termination goes on as in Gymnasium (the goal bonus is paid again).
///
/// ```swift
/// var car = MountainCarContinuous()
/// _ = try car.reset(seed: 0)
/// let step = try car.step([1])
/// ```
public struct MountainCarContinuous: Environment {
    /// The leftmost position (an inelastic wall).
    public static let minPosition = -1.2
    /// The rightmost position.
    public static let maxPosition = 0.6
    /// The largest speed.
    public static let maxSpeed = 0.07
    /// The position of the flag.
    public static let goalPosition = 0.45
    /// The velocity the car needs at the flag (Gymnasium's `goal_velocity`, 0).
    public static let goalVelocity = 0.0
    /// The force multiplier.
    public static let power = 0.0015
    /// Gymnasium's registered episode limit for `MountainCarContinuous-v0`.
    public static let maxEpisodeSteps = 999
    /// The names of the physical state's entries, in order.
    public static let stateNames = ["position", "velocity"]

    var position: Double
    var velocity: Double
    /// Whether Gymnasium would hold the state as float32 (after a step) or float64 (after a reset
    /// or a state set from outside).
    var stateIsSinglePrecision = false
    var generator: RandomGenerator
    /// The force multiplier in force (`power` by default; see `ParameterizedEnvironment`).
    public internal(set) var enginePower = MountainCarContinuous.power

    /// A mountain car whose generator is seeded with `seed`; its state is drawn as `reset` draws
    /// it, so the environment can step at once.
    public init(seed: UInt64 = 0) {
        generator = RandomGenerator(seed: seed)
        position = 0
        velocity = 0
        drawInitialState()
    }

    public var id: String { "MountainCarContinuous-v0" }

    /// `Box([-1.2, -0.07], [0.6, 0.07])`: position, velocity.
    public var observationSpace: Space {
        .box(Box(lowerBound: [Float(Self.minPosition), -Float(Self.maxSpeed)],
                 upperBound: [Float(Self.maxPosition), Float(Self.maxSpeed)]))
    }

    /// `Box(-1, 1)`, one entry: the engine force (larger values are clipped).
    public var actionSpace: Space { .box(Box(lowerBound: -1, upperBound: 1, size: 1)) }

    public mutating func reset(seed: UInt64?) throws -> [Float] {
        if let seed { generator = RandomGenerator(seed: seed) }
        drawInitialState()
        return currentObservation
    }

    public mutating func step(_ action: [Float]) throws -> StepResult {
        try ClassicControl.checkBoxAction(action, in: actionSpace, environment: id)
        typealias Scalar = MountainCarContinuousScalar
        let stateKind: Scalar.Kind = stateIsSinglePrecision ? .float32 : .float64
        var position = Scalar(value: self.position, kind: stateKind)
        var velocity = Scalar(value: self.velocity, kind: stateKind)

        // force = min(max(action[0], self.min_action), self.max_action)
        var force = Scalar.float32(action[0])
        if Scalar.python(-1.0) > force { force = .python(-1.0) }
        if Scalar.python(1.0) < force { force = .python(1.0) }

        // velocity += force * self.power - 0.0025 * math.cos(3 * position)
        let cosine = Scalar.python(cos((Scalar.python(3) * position).value))
        velocity = velocity + (force * .python(enginePower) - .python(0.0025) * cosine)
        if velocity > .python(Self.maxSpeed) { velocity = .python(Self.maxSpeed) }
        if velocity < .python(-Self.maxSpeed) { velocity = .python(-Self.maxSpeed) }
        position = position + velocity
        if position > .python(Self.maxPosition) { position = .python(Self.maxPosition) }
        if position < .python(Self.minPosition) { position = .python(Self.minPosition) }
        if position == .python(Self.minPosition) && velocity < .python(0) { velocity = .python(0) }

        let terminated = position >= .python(Self.goalPosition) && velocity >= .python(Self.goalVelocity)
        let actionValue = Double(action[0])  // math.pow(action[0], 2)
        let reward = (terminated ? 100.0 : 0.0) - LibmPower.square(actionValue) * 0.1

        self.position = Double(Float(position.value))
        self.velocity = Double(Float(velocity.value))
        stateIsSinglePrecision = true
        return StepResult(observation: currentObservation, reward: Float(reward), terminated: terminated, truncated: false)
    }

    /// `[position, velocity]` rounded to `Float`.
    public var currentObservation: [Float] { [Float(position), Float(velocity)] }

    mutating func drawInitialState() {
        position = ClassicControl.uniform(-0.6, -0.4, using: &generator)
        velocity = 0
        stateIsSinglePrecision = false
    }

    /// The termination rule on a (float32) observation: `position >= 0.45 && velocity >= 0`,
    /// compared in single precision as NumPy 2 compares Gymnasium's float32 state.
    static func isTerminal(position: Float, velocity: Float) -> Bool {
        position >= Float(goalPosition) && velocity >= Float(goalVelocity)
    }
}
