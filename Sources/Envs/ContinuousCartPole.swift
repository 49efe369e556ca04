import MBRLCore

/// Cart-pole with a continuous action, the variant mbrl-lib uses for PETS
/// (`mbrl/env/cartpole_continuous.py`, `CartPoleEnv`): the action `a` in `Box(-1, 1)` pushes the
/// cart with force `10 * a` N.
///
/// Everything else is `CartPole`'s: constants, explicit Euler integration in `Double`,
/// observations `[x, xDot, theta, thetaDot]` rounded to `Float`, termination when `|x| > 2.4` or
/// `|theta| > 12 degrees`, reward 1 per step including the terminating one and 0 for steps after
/// termination. As in mbrl-lib, the force is computed in single precision
/// (`float32(a) * 10.0`) and the action is applied as given, without clipping (the action space
/// says `[-1, 1]`; planners sample inside it). Resets draw the state uniformly from
/// `[-0.05, 0.05)`. mbrl-lib's PETS recipe plays 200-step episodes;
/// `EnvironmentCatalog.make("ContinuousCartPole-v0")` adds that `TimeLimit`.
///
/// ```swift
/// var environment = ContinuousCartPole()
/// _ = try environment.reset(seed: 3)
/// let step = try environment.step([0.25])   // 2.5 N to the right
/// ```
public struct ContinuousCartPole: Environment {
    /// The episode length of mbrl-lib's PETS cartpole recipe (`trial_length`).
    public static let maxEpisodeSteps = 200

    var state: [Double]
    var stepsBeyondTerminated: Int?
    var generator: RandomGenerator
    /// The masses, length, gravity and force scale in force (Gymnasium's cart-pole values by
    /// default; see `ParameterizedEnvironment`).
    public internal(set) var physics = CartPolePhysics.gymnasium

    /// A continuous cart-pole whose generator is seeded with `seed`; its state is drawn as `reset`
    /// draws it, so the environment can step at once.
    public init(seed: UInt64 = 0) {
        generator = RandomGenerator(seed: seed)
        state = CartPole.drawInitialState(using: &generator)
    }

    public var id: String { "ContinuousCartPole-v0" }

    /// The same box as `CartPole`'s.
    public var observationSpace: Space { CartPole.observationSpace }

    /// `Box(-1, 1)`, one entry: the fraction of the 10 N force, signed.
    public var actionSpace: Space { .box(Box(lowerBound: -1, upperBound: 1, size: 1)) }

    public mutating func reset(seed: UInt64?) throws -> [Float] {
        if let seed { generator = RandomGenerator(seed: seed) }
        state = CartPole.drawInitialState(using: &generator)
        stepsBeyondTerminated = nil
        return currentObservation
    }

    public mutating func step(_ action: [Float]) throws -> StepResult {
        try ClassicControl.checkBoxAction(action, in: actionSpace, environment: id)
        // mbrl-lib: `force = action * self.force_mag` with a float32 action, so a float32 product.
        let force = Double(action[0] * Float(physics.forceMagnitude))
        // mbrl-lib squares with `** 2` (the C library's pow), Gymnasium 1.x with `np.square`.
        state = CartPole.eulerStep(state, force: force, physics: physics, square: LibmPower.square)
        let terminated = CartPole.isTerminal(x: state[0], theta: state[2])
        let (reward, info) = CartPole.reward(terminated: terminated, stepsBeyondTerminated: &stepsBeyondTerminated)
        return StepResult(observation: currentObservation, reward: reward, terminated: terminated,
                          truncated: false, info: info)
    }

    /// The observation of the current state: the state rounded to `Float`.
    public var currentObservation: [Float] { state.map { Float($0) } }
}
