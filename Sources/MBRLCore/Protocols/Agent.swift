/// What acts in the environment: the outer loop asks its agent for an action at every step and
/// never needs to know whether a random draw, a planner, a learned policy or a saved expert
/// answers.
///
/// The loop calls `reset(observation:)` at the start of every episode, `act(on:mode:generator:)`
/// at every step (`.exploration` in exploration and training episodes, `.evaluation` in
/// evaluation episodes), and `modelDidChange(_:)` after every model fit, so an agent that plans
/// through the model can rebuild what it plans with.
///
/// ```swift
/// struct ConstantAgent: Agent {
///     var action: [Float]
///     var name: String { "constant" }
///     mutating func reset(observation: [Float]) throws {}
///     mutating func act(on observation: [Float], mode: ActionMode,
///                       generator: inout RandomGenerator) throws -> [Float] { action }
/// }
/// var agent = ConstantAgent(action: [0])
/// var generator = RandomGenerator(seed: 0)
/// try agent.reset(observation: [1, 0, 0])
/// let action = try agent.act(on: [1, 0, 0], mode: .exploration, generator: &generator)
/// ```
public protocol Agent {
    /// A short description for logs, for example `"planner cem"` or `"random"`.
    var name: String { get }

    /// Starts an episode whose first observation is `observation` (planners drop their plan and
    /// warm start, latent agents fill their frame history).
    mutating func reset(observation: [Float]) throws

    /// Starts an episode that the loop started from the recipe's initial condition `condition`
    /// (an index into `loop.initialStates`, or into `loop.evaluationInitialStates` in evaluation
    /// episodes; nil when the recipe lists none). The default calls `reset(observation:)`;
    /// agents with per-condition controllers override it.
    mutating func reset(observation: [Float], condition: Int?) throws

    /// The action to take at `observation`, in the environment's flat action layout.
    mutating func act(on observation: [Float], mode: ActionMode, generator: inout RandomGenerator) throws -> [Float]

    /// The loop's model was (re)fitted; agents that plan through it rebuild their planning model.
    /// The default does nothing.
    mutating func modelDidChange(_ model: any DynamicsModel) throws

    /// Metrics of the latest `act` (for example a planner's expected return when it replanned),
    /// averaged over the episode into the run's log; the default reports none.
    var actionMetrics: [String: Double] { get }
}

extension Agent {
    public mutating func reset(observation: [Float], condition: Int?) throws {
        try reset(observation: observation)
    }

    public mutating func modelDidChange(_ model: any DynamicsModel) throws {}

    public var actionMetrics: [String: Double] { [:] }
}
