import MBRLCore

/// Holds the run's policy optimizer, shared by the loop (which improves it) and the agent that
/// acts with its current policy, so the policy is read at every step without being copied.
public final class PolicyOptimizerHandle {
    /// The optimizer.
    public var optimizer: any PolicyOptimizer

    public init(_ optimizer: any PolicyOptimizer) { self.optimizer = optimizer }
}

/// Acts with the policy optimizer's current policy, read afresh at every step (Dyna-Q's greedy
/// action changes after every update). A `TimeIndexedPolicy` (guided policy search's
/// per-condition time-varying controllers) is given the step within the episode and the
/// episode's initial condition.
///
/// ```swift
/// let handle = PolicyOptimizerHandle(dynaQ)
/// var agent = LearnerAgent(handle: handle)
/// let action = try agent.act(on: observation, mode: .exploration, generator: &generator)
/// ```
public struct LearnerAgent: Agent {
    /// The optimizer whose policy acts.
    public let handle: PolicyOptimizerHandle

    /// Actions taken since the episode's start.
    public private(set) var step = 0
    /// The episode's initial condition, when the loop started it from one.
    public private(set) var condition: Int?

    public init(handle: PolicyOptimizerHandle) { self.handle = handle }

    public var name: String { "policy of \(handle.optimizer.name)" }

    public mutating func reset(observation: [Float]) throws {
        step = 0
        condition = nil
    }

    public mutating func reset(observation: [Float], condition: Int?) throws {
        step = 0
        self.condition = condition
    }

    public mutating func act(on observation: [Float], mode: ActionMode, generator: inout RandomGenerator) throws -> [Float] {
        defer { step += 1 }
        let policy = handle.optimizer.policy
        if let timeIndexed = policy as? any TimeIndexedPolicy {
            return try timeIndexed.action(for: observation, step: step, condition: condition, mode: mode, generator: &generator)
        }
        return try policy.action(for: observation, mode: mode, generator: &generator)
    }
}
