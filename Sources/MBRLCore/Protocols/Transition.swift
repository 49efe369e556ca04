/// One real transition `(s, a, r, s', terminated, truncated)`, as the replay buffer stores it.
public struct Transition: Sendable, Equatable, Codable {
    /// The observation before the step.
    public var observation: [Float]
    /// The action taken.
    public var action: [Float]
    /// The reward received.
    public var reward: Float
    /// The observation after the step.
    public var nextObservation: [Float]
    /// The step reached a terminal state.
    public var terminated: Bool
    /// The episode was cut off after this step (time limit); `nextObservation` is not terminal.
    public var truncated: Bool

    public init(observation: [Float], action: [Float], reward: Float, nextObservation: [Float],
                terminated: Bool, truncated: Bool) {
        self.observation = observation
        self.action = action
        self.reward = reward
        self.nextObservation = nextObservation
        self.terminated = terminated
        self.truncated = truncated
    }

    /// The transition made by `step` from `observation` with `action`.
    public init(observation: [Float], action: [Float], step: StepResult) {
        self.init(observation: observation, action: action, reward: step.reward,
                  nextObservation: step.observation, terminated: step.terminated, truncated: step.truncated)
    }
}
