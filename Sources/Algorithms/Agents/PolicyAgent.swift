import MBRLCore

/// Acts with a fixed policy: its exploration mode (sampling, noise) in exploration and training
/// episodes, its evaluation mode (mean or greedy action) in evaluation episodes. A saved expert
/// loaded from an earlier run is a `PolicyAgent` (see `SavedPolicyLoader`).
///
/// ```swift
/// var agent = PolicyAgent(policy: RandomPolicy(actionSpace: env.actionSpace), name: "random policy")
/// let action = try agent.act(on: observation, mode: .evaluation, generator: &generator)
/// ```
public struct PolicyAgent: Agent {
    /// The policy that acts.
    public var policy: any Policy
    public let name: String

    public init(policy: any Policy, name: String = "policy") {
        self.policy = policy
        self.name = name
    }

    public mutating func reset(observation: [Float]) throws {}

    public mutating func act(on observation: [Float], mode: ActionMode, generator: inout RandomGenerator) throws -> [Float] {
        try policy.action(for: observation, mode: mode, generator: &generator)
    }
}
