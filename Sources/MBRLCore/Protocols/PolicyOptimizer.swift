/// Improves a policy using a model and the real data (Dyna, MBPO, ME-TRPO, guided policy search,
/// backpropagation through the model), as opposed to a `Planner`, which searches through the
/// model at every step.
///
/// The outer loop calls `improve` after every real step, with the transition it just stored; the
/// optimizer decides its own cadence (Dyna-Q plans after every step, ME-TRPO once per model fit)
/// and returns its metrics for the log.
///
/// ```swift
/// var optimizer = DynaQ(config: .init(planningSteps: 50), environment: maze)
/// let transition = Transition(observation: observation, action: action, step: step)
/// buffer.append(transition)
/// let metrics = try optimizer.improve(after: transition, buffer: buffer, model: nil, generator: &generator)
/// let next = try optimizer.policy.action(for: step.observation, mode: .exploration, generator: &generator)
/// ```
public protocol PolicyOptimizer {
    /// The kind of policy this optimizer improves.
    associatedtype OptimizedPolicy: Policy

    /// The name recipes use for this optimizer, for example `"dyna-q"`.
    var name: String { get }

    /// The current policy.
    var policy: OptimizedPolicy { get }

    /// Improves the policy after a real step.
    ///
    /// - Parameters:
    ///   - transition: the transition just taken (already in `buffer`).
    ///   - buffer: all real data so far.
    ///   - model: the loop's trained model, or `nil` when the optimizer keeps its own (Dyna-Q's
    ///     table) or needs none.
    /// - Returns: metrics by name for the log (may be empty).
    mutating func improve(after transition: Transition, buffer: ReplayBuffer, model: (any DynamicsModel)?,
                          generator: inout RandomGenerator) throws -> [String: Double]

    /// Marks an episode boundary (for optimizers that track episodes); the default does nothing.
    mutating func endEpisode()
}

extension PolicyOptimizer {
    public mutating func endEpisode() {}
}
