#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MBRLCore

/// The inverted pendulum swing-up task, `Pendulum-v1`: apply a torque in `[-2, 2]` N m to swing a
/// pendulum up and hold it upright.
///
/// Follows Gymnasium 1.x's `gymnasium/envs/classic_control/pendulum.py` (`PendulumEnv`) step for
/// step, with `g = 10`, `m = l = 1`, `dt = 0.05`, maximum speed 8 (mass, length and gravity are
/// settings, see `ParameterizedEnvironment`):
///
///     u        = clip(action, -2, 2)                        (float32, as Gymnasium's action)
///     reward   = -(angleNormalize(theta)^2 + 0.1 * thetaDot^2 + 0.001 * u^2)
///     thetaDot' = clip(thetaDot + (3 g / (2 l) * sin(theta) + 3 / (m l^2) * u) * dt, -8, 8)
///     theta'   = theta + thetaDot' * dt
///
/// The reward uses the state *before* the step. `theta = 0` is upright; the state is integrated in
/// `Double` and the observation is `[cos(theta), sin(theta), thetaDot]` rounded to `Float`. The
/// `u`-terms are computed in single precision where NumPy 2 computes them so (`u ** 2`,
/// `0.001 * u ** 2`, `3.0 * u`). The task never terminates; episodes end after 200 steps under a
/// `TimeLimit` (`EnvironmentCatalog.make("Pendulum-v1")` adds it). Resets draw `theta` uniformly
/// from `[-pi, pi)` and `thetaDot` from `[-1, 1)` with the environment's own `RandomGenerator`.
///
/// ```swift
/// var pendulum = Pendulum()
/// _ = try pendulum.reset(seed: 0)
/// let step = try pendulum.step([1.5])
/// ```
public struct Pendulum: Environment {
    /// The largest angular speed, rad/s; faster speeds are clipped.
    public static let maxSpeed = 8.0
    /// The largest torque, N m; actions are clipped to `[-maxTorque, maxTorque]`.
    public static let maxTorque: Float = 2.0
    /// Seconds per step.
    public static let timeStep = 0.05
    /// The nominal mass, kg (Gymnasium's `m`).
    public static let mass = 1.0
    /// The nominal length, m (Gymnasium's `l`).
    public static let length = 1.0
    /// Gymnasium's registered episode limit for `Pendulum-v1`.
    public static let maxEpisodeSteps = 200
    /// The names of the physical state's entries, in order.
    public static let stateNames = ["theta", "thetaDot"]

    /// Gravity, m/s^2 (Gymnasium's `g` argument; 10 by default).
    public internal(set) var gravity: Double
    /// The pendulum's mass, kg (1 by default).
    public internal(set) var mass: Double
    /// The pendulum's length, m (1 by default).
    public internal(set) var length: Double
    var theta: Double
    var thetaDot: Double
    var generator: RandomGenerator

    /// A pendulum under `gravity` whose generator is seeded with `seed`; its state is drawn as
    /// `reset` draws it, so the environment can step at once. Mass and length are the nominal
    /// ones; `setParameters` changes them.
    public init(gravity: Double = 10.0, seed: UInt64 = 0) {
        self.gravity = gravity
        mass = Self.mass
        length = Self.length
        generator = RandomGenerator(seed: seed)
        theta = 0
        thetaDot = 0
        drawInitialState()
    }

    public var id: String { "Pendulum-v1" }

    /// `Box([-1, -1, -8], [1, 1, 8])`: `cos(theta)`, `sin(theta)`, `thetaDot`.
    public var observationSpace: Space {
        .box(Box(lowerBound: [-1, -1, -Float(Self.maxSpeed)], upperBound: [1, 1, Float(Self.maxSpeed)]))
    }

    /// `Box(-2, 2)`, one entry: the torque.
    public var actionSpace: Space { .box(Box(lowerBound: -Self.maxTorque, upperBound: Self.maxTorque, size: 1)) }

    public mutating func reset(seed: UInt64?) throws -> [Float] {
        if let seed { generator = RandomGenerator(seed: seed) }
        drawInitialState()
        return currentObservation
    }

    public mutating func step(_ action: [Float]) throws -> StepResult {
        try ClassicControl.checkBoxAction(action, in: actionSpace, environment: id)
        let torque = min(max(action[0], -Self.maxTorque), Self.maxTorque)
        let reward = -Self.cost(theta: theta, thetaDot: thetaDot, torque: torque)
        // Gymnasium: `3.0 / (m * l**2) * u`, a Python float times the float32 action: float32.
        let torqueTerm = Double(Float(3.0 / (mass * LibmPower.square(length))) * torque)
        var newThetaDot = thetaDot + (3 * gravity / (2 * length) * sin(theta) + torqueTerm) * Self.timeStep
        newThetaDot = min(max(newThetaDot, -Self.maxSpeed), Self.maxSpeed)
        theta = theta + newThetaDot * Self.timeStep
        thetaDot = newThetaDot
        return StepResult(observation: currentObservation, reward: Float(reward), terminated: false, truncated: false)
    }

    /// `[cos(theta), sin(theta), thetaDot]` rounded to `Float`.
    public var currentObservation: [Float] { [Float(cos(theta)), Float(sin(theta)), Float(thetaDot)] }

    mutating func drawInitialState() {
        theta = ClassicControl.uniform(-Double.pi, Double.pi, using: &generator)
        thetaDot = ClassicControl.uniform(-1, 1, using: &generator)
    }

    /// Gymnasium's cost `angleNormalize(theta)^2 + 0.1 * thetaDot^2 + 0.001 * u^2`, with the
    /// torque terms in single precision as NumPy 2 evaluates them for a float32 action, and the
    /// squares by the C library's `pow` as Python's `** 2`.
    static func cost(theta: Double, thetaDot: Double, torque: Float) -> Double {
        let torqueCost = Float(0.001) * LibmPower.square(torque)
        return LibmPower.square(angleNormalize(theta)) + 0.1 * LibmPower.square(thetaDot) + Double(torqueCost)
    }

    /// `((x + pi) mod 2 pi) - pi` with Python's floored modulo: an angle in `[-pi, pi)`.
    public static func angleNormalize(_ x: Double) -> Double {
        let period = 2 * Double.pi
        var remainder = (x + Double.pi).truncatingRemainder(dividingBy: period)
        if remainder != 0 && remainder < 0 { remainder += period }
        if remainder == 0 { remainder = 0 }
        return remainder - Double.pi
    }
}
