#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MBRLCore

/// The cart-pole balancing task, `CartPole-v1`: a pole on a cart that moves along a frictionless
/// track; push the cart left (action 0) or right (action 1) with a force of 10 N to keep the pole
/// upright.
///
/// Follows Gymnasium 1.x's `gymnasium/envs/classic_control/cartpole.py` (`CartPoleEnv`, after
/// Barto, Sutton and Anderson 1983) step for step: the same constants, explicit Euler
/// integration (`kinematics_integrator = "euler"`) with `tau = 0.02` s in `Double`, observations
/// `[x, xDot, theta, thetaDot]` rounded to `Float`, termination when `|x| > 2.4` or
/// `|theta| > 12 degrees`, reward 1 for every step including the terminating one, and reward 0
/// (with `info["steps_beyond_terminated"]`) for steps taken after termination without a reset,
/// where Gymnasium warns. Resets draw every state entry uniformly from `[-0.05, 0.05)` with the
/// environment's own `RandomGenerator`. Episodes end after 500 steps only under a `TimeLimit`
/// (`EnvironmentCatalog.make("CartPole-v1")` adds it).
///
/// ```swift
/// var cartPole = CartPole()
/// var observation = try cartPole.reset(seed: 7)
/// let step = try cartPole.step([1])      // push right
/// ```
public struct CartPole: Environment {
    /// Gravity, m/s^2 (nominal; see `physics` for the value in force).
    public static let gravity = CartPolePhysics.gymnasium.gravity
    /// Mass of the cart, kg (nominal).
    public static let cartMass = CartPolePhysics.gymnasium.cartMass
    /// Mass of the pole, kg (nominal).
    public static let poleMass = CartPolePhysics.gymnasium.poleMass
    /// Cart plus pole (nominal).
    public static let totalMass = CartPolePhysics.gymnasium.totalMass
    /// Half the pole's length, m (nominal).
    public static let halfPoleLength = CartPolePhysics.gymnasium.halfPoleLength
    /// `poleMass * halfPoleLength` (nominal).
    public static let poleMassLength = CartPolePhysics.gymnasium.poleMassLength
    /// The magnitude of the push, N (nominal).
    public static let forceMagnitude = CartPolePhysics.gymnasium.forceMagnitude
    /// Seconds between state updates.
    public static let timeStep = 0.02
    /// The pole angle beyond which the episode terminates: 12 degrees, in radians.
    public static let thetaThreshold = 12 * 2 * Double.pi / 360
    /// The cart position beyond which the episode terminates, m.
    public static let xThreshold = 2.4
    /// Gymnasium's registered episode limit for `CartPole-v1`.
    public static let maxEpisodeSteps = 500
    /// The names of the physical state's entries, in order.
    public static let stateNames = ["x", "xDot", "theta", "thetaDot"]

    /// `x`, `xDot`, `theta`, `thetaDot` in `Double`.
    var state: [Double]
    /// Gymnasium's `steps_beyond_terminated`: `nil` until the episode terminates, then the number
    /// of steps taken after the terminating one.
    var stepsBeyondTerminated: Int?
    var generator: RandomGenerator
    /// The masses, length, gravity and force in force (Gymnasium's by default; see
    /// `ParameterizedEnvironment`).
    public internal(set) var physics = CartPolePhysics.gymnasium

    /// A cart-pole whose generator is seeded with `seed`; its state is drawn as `reset` draws it,
    /// so the environment can step at once.
    public init(seed: UInt64 = 0) {
        generator = RandomGenerator(seed: seed)
        state = []
        state = Self.drawInitialState(using: &generator)
    }

    public var id: String { "CartPole-v1" }

    /// `Box(-high, high)` with `high = [4.8, Float.greatestFiniteMagnitude, 24 degrees, Float.greatestFiniteMagnitude]`.
    public var observationSpace: Space { Self.observationSpace }

    /// `Discrete(2)`: 0 pushes left, 1 pushes right.
    public var actionSpace: Space { .discrete(Discrete(count: 2)) }

    static let observationSpace: Space = {
        let high: [Float] = [Float(xThreshold * 2), .greatestFiniteMagnitude,
                             Float(thetaThreshold * 2), .greatestFiniteMagnitude]
        return .box(Box(lowerBound: high.map { -$0 }, upperBound: high))
    }()

    public mutating func reset(seed: UInt64?) throws -> [Float] {
        if let seed { generator = RandomGenerator(seed: seed) }
        state = Self.drawInitialState(using: &generator)
        stepsBeyondTerminated = nil
        return currentObservation
    }

    public mutating func step(_ action: [Float]) throws -> StepResult {
        let chosen = try ClassicControl.discreteAction(action, in: actionSpace, environment: id)
        let force = chosen == 1 ? physics.forceMagnitude : -physics.forceMagnitude
        state = Self.eulerStep(state, force: force, physics: physics)
        let terminated = Self.isTerminal(x: state[0], theta: state[2])
        let (reward, info) = CartPole.reward(terminated: terminated, stepsBeyondTerminated: &stepsBeyondTerminated)
        return StepResult(observation: currentObservation, reward: reward, terminated: terminated,
                          truncated: false, info: info)
    }

    /// The observation of the current state: the state rounded to `Float`.
    public var currentObservation: [Float] { state.map { Float($0) } }

    // MARK: - Dynamics shared with ContinuousCartPole

    /// Gymnasium's reward rule: 1 per step up to and including the terminating one, then 0 for
    /// every step taken after termination (counted in `info["steps_beyond_terminated"]`).
    static func reward(terminated: Bool, stepsBeyondTerminated: inout Int?) -> (reward: Float, info: [String: Double]) {
        guard terminated else { return (1, [:]) }
        guard let beyond = stepsBeyondTerminated else {
            stepsBeyondTerminated = 0
            return (1, [:])
        }
        stepsBeyondTerminated = beyond + 1
        return (0, ["steps_beyond_terminated": Double(beyond + 1)])
    }

    static func drawInitialState(using generator: inout RandomGenerator) -> [Double] {
        (0..<4).map { _ in ClassicControl.uniform(-0.05, 0.05, using: &generator) }
    }

    /// One explicit Euler step of the cart-pole equations (Florian 2007, as in Gymnasium), with
    /// the operations in Gymnasium's order so results agree to the last bit. `square` is how the
    /// source squares: `np.square` (`x * x`, Gymnasium 1.x) or `** 2` (`pow`, mbrl-lib).
    static func eulerStep(_ state: [Double], force: Double, physics: CartPolePhysics,
                          square: (Double) -> Double = { $0 * $0 }) -> [Double] {
        let gravity = physics.gravity, poleMass = physics.poleMass, halfPoleLength = physics.halfPoleLength
        let totalMass = physics.totalMass, poleMassLength = physics.poleMassLength
        let x = state[0], xDot = state[1], theta = state[2], thetaDot = state[3]
        let cosTheta = cos(theta)
        let sinTheta = sin(theta)
        let temp = (force + poleMassLength * square(thetaDot) * sinTheta) / totalMass
        let thetaAcceleration = (gravity * sinTheta - cosTheta * temp)
            / (halfPoleLength * (4.0 / 3.0 - poleMass * square(cosTheta) / totalMass))
        let xAcceleration = temp - poleMassLength * thetaAcceleration * cosTheta / totalMass
        return [x + timeStep * xDot,
                xDot + timeStep * xAcceleration,
                theta + timeStep * thetaDot,
                thetaDot + timeStep * thetaAcceleration]
    }

    /// Gymnasium's termination rule: the cart leaves `[-2.4, 2.4]` or the pole leaves
    /// `[-12, 12]` degrees.
    static func isTerminal(x: Double, theta: Double) -> Bool {
        x < -xThreshold || x > xThreshold || theta < -thetaThreshold || theta > thetaThreshold
    }
}
