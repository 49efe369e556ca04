/// An environment that may know its termination rule as a batched function even when its reward
/// is not known (the MuJoCo tasks run through the Gymnasium bridge: mbrl-lib learns their rewards
/// but ships their `termination_fns`). The loop uses it for imagined steps when the environment
/// is not a `KnownRewardEnvironment`.
///
/// ```swift
/// let hopper = try GymnasiumEnvironment(id: "Hopper-v5")
/// if let done = hopper.knownTerminationFunction {
///     let flags = done.terminations(observations: s, actions: a, nextObservations: s2)   // [B]
/// }
/// ```
public protocol KnownTerminationEnvironment: Environment {
    /// The termination rule of this environment, or nil when it is not known.
    var knownTerminationFunction: (any TerminationFunction)? { get }
}
