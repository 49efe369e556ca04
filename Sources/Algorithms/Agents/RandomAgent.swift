import MBRLCore

/// Acts uniformly at random in the action space (the usual exploration before the first fit).
///
/// ```swift
/// var agent = RandomAgent(actionSpace: environment.actionSpace)
/// let action = try agent.act(on: observation, mode: .exploration, generator: &generator)
/// ```
public struct RandomAgent: Agent, Sendable {
    /// The space actions are drawn from.
    public var actionSpace: Space

    public init(actionSpace: Space) { self.actionSpace = actionSpace }

    public var name: String { "random" }

    public mutating func reset(observation: [Float]) throws {}

    public mutating func act(on observation: [Float], mode: ActionMode, generator: inout RandomGenerator) throws -> [Float] {
        actionSpace.sample(using: &generator)
    }
}
