/// Improves a policy using the real data and, where it has one, a model (Dyna, MBPO, ME-TRPO,
/// guided policy search, backpropagation through the model, imitation), as opposed to a
/// `Planner`, which searches through the model at every step.
///
/// The outer loop calls `improve(after:context:generator:)` after every real step it stores
/// (exploration and training steps, with the transition already in the buffer) and
/// `modelDidFit(context:generator:)` after every model fit; the optimizer keeps its own cadence
/// (Dyna-Q plans after every step, SAC updates every step after its warm-up, ME-TRPO and guided
/// policy search work once per model fit) and returns metrics by name, which become columns of
/// the run's logs. `requirements` says what the optimizer needs from the model and the
/// environment; the loop refuses a recipe that cannot provide it before any step. Its state
/// (networks, optimiser moments, tables, counters) goes into the run's binary checkpoint through
/// `Checkpointable`, so a resumed run continues exactly.
///
/// ```swift
/// var optimizer = try DynaQ(config: .init(planningSteps: 50), stateCount: 47, actionCount: 4)
/// try buffer.append(transition)
/// let context = PolicyOptimizerContext(buffer: buffer, observationSpace: maze.observationSpace,
///                                      actionSpace: maze.actionSpace)
/// let metrics = try optimizer.improve(after: transition, context: context, generator: &generator)
/// let next = try optimizer.policy.action(for: transition.nextObservation, mode: .exploration,
///                                        generator: &generator)
/// ```
public protocol PolicyOptimizer: Checkpointable {
    /// The kind of policy this optimizer improves.
    associatedtype OptimizedPolicy: Policy

    /// The name recipes use for this optimizer, for example `"dyna-q"`.
    var name: String { get }

    /// The current policy.
    var policy: OptimizedPolicy { get }

    /// What the optimizer needs from the loop's model and environment (default: nothing).
    var requirements: PolicyOptimizerRequirements { get }

    /// Improves the policy after a real step.
    ///
    /// - Parameters:
    ///   - transition: the transition just taken (already in `context.buffer` unless the loop
    ///     does not aggregate training data).
    ///   - context: the real data, the model, the reward and termination functions and counts.
    /// - Returns: metrics by name for the log (may be empty).
    mutating func improve(after transition: Transition, context: PolicyOptimizerContext,
                          generator: inout RandomGenerator) throws -> [String: Double]

    /// Works after a model fit (ME-TRPO, guided policy search); the default does nothing.
    mutating func modelDidFit(context: PolicyOptimizerContext, generator: inout RandomGenerator) throws -> [String: Double]

    /// Marks an episode boundary (for optimizers that track episodes, or that change stage
    /// between episodes, as MB-MF refits its imitation); the default does nothing.
    mutating func endEpisode() throws

    /// Who the optimizer asks to act in the next episode, whether the recipe's planner labels
    /// the visited states, and whether the model is still refitted; read by the loop at the
    /// start of every episode. The default (`.recipe`) leaves it all to the recipe.
    var actingRequest: ActingRequest { get }
}

extension PolicyOptimizer {
    public var requirements: PolicyOptimizerRequirements { [] }

    public mutating func modelDidFit(context: PolicyOptimizerContext, generator: inout RandomGenerator) throws -> [String: Double] {
        [:]
    }

    public mutating func endEpisode() {}

    public var actingRequest: ActingRequest { .recipe }
}
