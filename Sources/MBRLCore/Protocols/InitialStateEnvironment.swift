/// An environment that can start an episode from a given physical state, so a recipe can list
/// the initial conditions its episodes start from in turn (guided policy search trains one local
/// controller per condition; held-out conditions test a policy's generalisation).
///
/// ```swift
/// var environment = TimeLimit(PointMass(), maxEpisodeSteps: 50)
/// let observation = try environment.reset(seed: 1, initialState: [-0.5, 0.3, 0, 0, 0.5, 0.5])
/// // observation == [-0.5, 0.3, 0, 0, 0.5, 0.5]
/// ```
public protocol InitialStateEnvironment: Environment {
    /// Resets as `reset(seed:)` does, then replaces the physical state with `initialState` and
    /// returns its observation; throws when the state has the wrong size or is out of range.
    mutating func reset(seed: UInt64?, initialState: [Double]) throws -> [Float]
}
