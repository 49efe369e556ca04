import MBRLCore

/// Holds the run's policy optimizer, shared by the loop (which improves it) and the agent that
/// acts with its current policy, so the policy is read at every step without being copied.
public final class PolicyOptimizerHandle {
    /// The optimizer.
    public var optimizer: any PolicyOptimizer

    public init(_ optimizer: any PolicyOptimizer) { self.optimizer = optimizer }
}

/// Acts with the policy optimizer's current policy, read afresh at every step (Dyna-Q's greedy
/// action changes after every update).
///
/// ```swift
/// let handle = PolicyOptimizerHandle(dynaQ)
/// var agent = LearnerAgent(handle: handle)
/// let action = try agent.act(on: observation, mode: .exploration, generator: &generator)
/// ```
public struct LearnerAgent: Agent {
    /// The optimizer whose policy acts.
    public let handle: PolicyOptimizerHandle

    public init(handle: PolicyOptimizerHandle) { self.handle = handle }

    public var name: String { "policy of \(handle.optimizer.name)" }

    public mutating func reset(observation: [Float]) throws {}

    public mutating func act(on observation: [Float], mode: ActionMode, generator: inout RandomGenerator) throws -> [Float] {
        try handle.optimizer.policy.action(for: observation, mode: mode, generator: &generator)
    }
}
