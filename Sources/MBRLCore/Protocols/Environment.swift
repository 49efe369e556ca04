/// An environment with Gymnasium's semantics: `reset` starts an episode, `step` advances it by
/// one action and reports the reward and whether the episode ended by termination (a terminal
/// state of the task) or truncation (a time limit or other outside cut-off).
///
/// Observations and actions are rows of `Float` laid out as `observationSpace` and
/// `actionSpace` say (a discrete action is one entry holding the index). Environments that
/// integrate physics in `Double` keep that state internally and round observations to `Float`,
/// as Gymnasium's float32 observation spaces do.
///
/// ```swift
/// var environment = try EnvironmentCatalog.make("Pendulum-v1")   // module Envs
/// var generator = RandomGenerator(seed: 0)
/// var observation = try environment.reset(seed: 0)
/// var episodeReturn: Float = 0
/// while true {
///     let action = environment.actionSpace.sample(using: &generator)
///     let step = try environment.step(action)
///     episodeReturn += step.reward
///     observation = step.observation
///     if step.isDone { break }
/// }
/// ```
public protocol Environment {
    /// The identifier a recipe names the environment by, for example `"CartPole-v1"`.
    var id: String { get }
    /// The space every observation belongs to.
    var observationSpace: Space { get }
    /// The space every action must belong to.
    var actionSpace: Space { get }

    /// Starts a new episode and returns its first observation.
    ///
    /// - Parameter seed: reseeds the environment's own generator when given (so the same seed
    ///   gives the same initial state); `nil` continues the current generator.
    mutating func reset(seed: UInt64?) throws -> [Float]

    /// Applies `action` and advances the environment by one step.
    ///
    /// Throws when the action has the wrong size or lies outside a discrete space, or when an
    /// external environment process fails.
    mutating func step(_ action: [Float]) throws -> StepResult
}

extension Environment {
    /// Starts a new episode, continuing the environment's generator.
    public mutating func reset() throws -> [Float] {
        try reset(seed: nil)
    }

    /// The number of `Float` entries in an observation.
    public var observationSize: Int { observationSpace.flatSize }

    /// The number of `Float` entries in an action row.
    public var actionSize: Int { actionSpace.flatSize }
}

/// An environment whose full physical state can be read and set, and that can be copied, as
/// perfect-model planning and parity tests need.
///
/// ```swift
/// var environment = CartPole()
/// _ = try environment.reset(seed: 1)
/// try environment.setPhysicalState([0, 0, 0.05, 0])
/// var copy = try environment.clone()
/// _ = try copy.step([1])          // `environment` is unchanged
/// ```
public protocol StatefulEnvironment: Environment {
    /// The full physical state (for example position, velocity, angle, angular velocity), in the
    /// precision the environment integrates in.
    var physicalState: [Double] { get }

    /// Replaces the physical state; throws when `state` has the wrong size or is not finite.
    mutating func setPhysicalState(_ state: [Double]) throws

    /// An independent copy: stepping the copy does not change `self`.
    func clone() throws -> Self
}

/// An environment that can state its reward and termination as batched functions of
/// `(observation, action, next observation)`, so planners can score imagined transitions.
public protocol KnownRewardEnvironment: Environment {
    /// The reward the environment pays, as a batched function.
    var rewardFunction: any RewardFunction { get }
    /// The environment's termination rule, as a batched function.
    var terminationFunction: any TerminationFunction { get }
}
