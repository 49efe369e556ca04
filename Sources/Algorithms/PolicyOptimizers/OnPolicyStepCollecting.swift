import MBRLCore

/// An on-policy optimizer that keeps its own real steps (`OnPolicySteps`) and updates once
/// `stepsPerUpdate` are stored: TRPO and PPO. `store` is their shared handling of a step the loop
/// shows them.
protocol OnPolicyStepCollecting {
    /// Real steps per update.
    var stepsPerUpdate: Int { get }
    /// Real steps stored so far (exploration-phase steps excluded).
    var stepsSeen: Int { get set }
    /// The steps collected since the last update.
    var steps: OnPolicySteps { get set }
    /// The samples the acting policy drew.
    var recorder: PolicySampleRecorder { get }
    /// One update on `steps`, which it empties; returns the update's metrics.
    mutating func update(generator: inout RandomGenerator) throws -> [String: Double]
}

extension OnPolicyStepCollecting {
    /// Stores a step with the policy's own sample for it (the action itself when another agent
    /// acted) and updates once `stepsPerUpdate` are stored; returns the update's metrics (empty
    /// between updates and for exploration-phase steps, which are skipped).
    mutating func store(_ transition: Transition, isExploration: Bool, generator: inout RandomGenerator) throws -> [String: Double] {
        guard !isExploration else { return [:] }
        stepsSeen += 1
        let sample = recorder.take(observation: transition.observation, action: transition.action) ?? transition.action
        try steps.append(observation: transition.observation, sample: sample, reward: transition.reward,
                         nextObservation: transition.nextObservation, terminated: transition.terminated,
                         truncated: transition.truncated)
        guard steps.count >= stepsPerUpdate else { return [:] }
        return try update(generator: &generator)
    }
}
