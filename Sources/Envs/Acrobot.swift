#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MBRLCore

/// The acrobot swing-up task, `Acrobot-v1`: a two-link chain hanging from a fixed joint, with a
/// torque of -1, 0 or +1 (actions 0, 1, 2) at the joint between the links; swing the tip above the
/// height of one link over the fixed joint.
///
/// Follows Gymnasium 1.x's `gymnasium/envs/classic_control/acrobot.py` (`AcrobotEnv`, from RLPy)
/// step for step: the "book" dynamics (Sutton and Barto), one fourth-order Runge-Kutta step
/// (`rk4`) of `dt = 0.2` s in `Double`, then `wrap` of both angles into `[-pi, pi]` and `bound` of
/// the angular velocities to `+-4 pi` and `+-9 pi`. Termination when
/// `-cos(theta1) - cos(theta2 + theta1) > 1`; reward -1 per step, 0 on a terminal step. The
/// observation is `[cos(theta1), sin(theta1), cos(theta2), sin(theta2), theta1Dot, theta2Dot]`
/// rounded to `Float` (`theta1 = 0` hangs down; `theta2` is relative to the first link). Resets
/// draw the state uniformly from `[-0.1, 0.1)` and round it to `Float`, as Gymnasium's reset
/// (`astype(np.float32)`). Episodes end after 500 steps under a `TimeLimit`
/// (`EnvironmentCatalog.make("Acrobot-v1")` adds it). Torque noise is 0, as in Gymnasium.
///
/// ```swift
/// var acrobot = Acrobot()
/// _ = try acrobot.reset(seed: 0)
/// let step = try acrobot.step([2])    // torque +1
/// ```
public struct Acrobot: Environment {
    /// Seconds per step.
    public static let timeStep = 0.2
    /// Link lengths, m.
    public static let linkLength1 = 1.0, linkLength2 = 1.0
    /// Link masses, kg.
    public static let linkMass1 = 1.0, linkMass2 = 1.0
    /// Positions of the links' centres of mass, m.
    public static let linkCenterOfMass1 = 0.5, linkCenterOfMass2 = 0.5
    /// Moment of inertia of both links.
    public static let linkMomentOfInertia = 1.0
    /// The bound on the first joint's angular speed.
    public static let maxVelocity1 = 4 * Double.pi
    /// The bound on the second joint's angular speed.
    public static let maxVelocity2 = 9 * Double.pi
    /// The torque of each action.
    public static let availableTorques: [Double] = [-1.0, 0.0, 1.0]
    /// Gymnasium's registered episode limit for `Acrobot-v1`.
    public static let maxEpisodeSteps = 500
    /// The names of the physical state's entries, in order.
    public static let stateNames = ["theta1", "theta2", "theta1Dot", "theta2Dot"]

    var state: [Double]
    var generator: RandomGenerator
    /// The link masses, the first link's length and gravity in force (Gymnasium's by default:
    /// 1 kg, 1 kg, 1 m, 9.8 m/s^2; see `ParameterizedEnvironment`).
    public internal(set) var parameterValues = Acrobot.nominalParameters

    /// An acrobot whose generator is seeded with `seed`; its state is drawn as `reset` draws it, so
    /// the environment can step at once.
    public init(seed: UInt64 = 0) {
        generator = RandomGenerator(seed: seed)
        state = []
        state = Self.drawInitialState(using: &generator)
    }

    public var id: String { "Acrobot-v1" }

    /// `Box([-1, -1, -1, -1, -4 pi, -9 pi], [1, 1, 1, 1, 4 pi, 9 pi])`.
    public var observationSpace: Space {
        let high: [Float] = [1, 1, 1, 1, Float(Self.maxVelocity1), Float(Self.maxVelocity2)]
        return .box(Box(lowerBound: high.map { -$0 }, upperBound: high))
    }

    /// `Discrete(3)`: torque -1, 0, +1.
    public var actionSpace: Space { .discrete(Discrete(count: 3)) }

    public mutating func reset(seed: UInt64?) throws -> [Float] {
        if let seed { generator = RandomGenerator(seed: seed) }
        state = Self.drawInitialState(using: &generator)
        return currentObservation
    }

    public mutating func step(_ action: [Float]) throws -> StepResult {
        let chosen = try ClassicControl.discreteAction(action, in: actionSpace, environment: id)
        let torque = Self.availableTorques[chosen]
        var next = Self.rungeKuttaStep(state + [torque], parameters: parameterValues)
        next[0] = Self.wrap(next[0], -Double.pi, Double.pi)
        next[1] = Self.wrap(next[1], -Double.pi, Double.pi)
        next[2] = Self.bound(next[2], -Self.maxVelocity1, Self.maxVelocity1)
        next[3] = Self.bound(next[3], -Self.maxVelocity2, Self.maxVelocity2)
        state = next
        let terminated = Self.isTerminal(theta1: state[0], theta2: state[1])
        return StepResult(observation: currentObservation, reward: terminated ? 0 : -1,
                          terminated: terminated, truncated: false)
    }

    /// `[cos(theta1), sin(theta1), cos(theta2), sin(theta2), theta1Dot, theta2Dot]` rounded to `Float`.
    public var currentObservation: [Float] {
        [Float(cos(state[0])), Float(sin(state[0])), Float(cos(state[1])), Float(sin(state[1])),
         Float(state[2]), Float(state[3])]
    }

    static func drawInitialState(using generator: inout RandomGenerator) -> [Double] {
        (0..<4).map { _ in Double(Float(ClassicControl.uniform(-0.1, 0.1, using: &generator))) }
    }

    /// Gymnasium's `_terminal`: the tip is more than one link length above the fixed joint.
    static func isTerminal(theta1: Double, theta2: Double) -> Bool {
        -cos(theta1) - cos(theta2 + theta1) > 1.0
    }

    // MARK: - Dynamics (Gymnasium's `_dsdt`, `rk4`, `wrap`, `bound`)

    /// The time derivative of `[theta1, theta2, theta1Dot, theta2Dot, torque]` under the book
    /// dynamics; the torque's derivative is 0. Operations in Gymnasium's order, squares of
    /// variables by the C library's `pow` as Python's `** 2`.
    static func derivative(_ augmented: [Double], parameters: [String: Double] = nominalParameters) -> [Double] {
        let m1 = parameters["linkMass1"] ?? linkMass1, m2 = parameters["linkMass2"] ?? linkMass2
        let l1 = parameters["linkLength1"] ?? linkLength1
        let lc1 = linkCenterOfMass1, lc2 = linkCenterOfMass2
        let i1 = linkMomentOfInertia, i2 = linkMomentOfInertia
        let g = parameters["gravity"] ?? 9.8
        let a = augmented[4]
        let theta1 = augmented[0], theta2 = augmented[1]
        let dtheta1 = augmented[2], dtheta2 = augmented[3]
        let d1 = m1 * (lc1 * lc1) + m2 * (l1 * l1 + lc2 * lc2 + 2 * l1 * lc2 * cos(theta2)) + i1 + i2
        let d2 = m2 * (lc2 * lc2 + l1 * lc2 * cos(theta2)) + i2
        let phi2 = m2 * lc2 * g * cos(theta1 + theta2 - Double.pi / 2.0)
        let phi1 = -m2 * l1 * lc2 * LibmPower.square(dtheta2) * sin(theta2)
            - 2 * m2 * l1 * lc2 * dtheta2 * dtheta1 * sin(theta2)
            + (m1 * lc1 + m2 * l1) * g * cos(theta1 - Double.pi / 2)
            + phi2
        let ddtheta2 = (a + d2 / d1 * phi1 - m2 * l1 * lc2 * LibmPower.square(dtheta1) * sin(theta2) - phi2)
            / (m2 * (lc2 * lc2) + i2 - LibmPower.square(d2) / d1)
        let ddtheta1 = -(d2 * ddtheta2 + phi1) / d1
        return [dtheta1, dtheta2, ddtheta1, ddtheta2, 0.0]
    }

    /// One classical Runge-Kutta step of `timeStep` from `y0` (Gymnasium's `rk4` over
    /// `[0, dt]`); returns the first four entries.
    static func rungeKuttaStep(_ y0: [Double], parameters: [String: Double] = nominalParameters) -> [Double] {
        let dt = timeStep - 0.0
        let dt2 = dt / 2.0
        func shifted(_ k: [Double], by factor: Double) -> [Double] {
            (0..<y0.count).map { y0[$0] + factor * k[$0] }
        }
        let k1 = derivative(y0, parameters: parameters)
        let k2 = derivative(shifted(k1, by: dt2), parameters: parameters)
        let k3 = derivative(shifted(k2, by: dt2), parameters: parameters)
        let k4 = derivative(shifted(k3, by: dt), parameters: parameters)
        return (0..<4).map { index in
            y0[index] + dt / 6.0 * (k1[index] + 2 * k2[index] + 2 * k3[index] + k4[index])
        }
    }

    /// Wraps `x` into `[m, M]` by whole periods `M - m`.
    static func wrap(_ x: Double, _ m: Double, _ bigM: Double) -> Double {
        let difference = bigM - m
        var x = x
        while x > bigM { x = x - difference }
        while x < m { x = x + difference }
        return x
    }

    /// Clamps `x` into `[m, M]`.
    static func bound(_ x: Double, _ m: Double, _ bigM: Double) -> Double {
        min(max(x, m), bigM)
    }
}
