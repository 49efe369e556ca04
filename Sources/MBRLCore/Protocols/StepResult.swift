/// What one environment step returns (Gymnasium's `(observation, reward, terminated, truncated, info)`).
public struct StepResult: Sendable, Equatable, Codable {
    /// The observation after the step.
    public var observation: [Float]
    /// The reward for the step.
    public var reward: Float
    /// The episode reached a terminal state of the task (no bootstrapping past it).
    public var terminated: Bool
    /// The episode was cut off from outside (a time limit); the state is not terminal.
    public var truncated: Bool
    /// Extra information by name (for example `"TimeLimit.truncated"`); empty for most steps.
    public var info: [String: Double]

    public init(observation: [Float], reward: Float, terminated: Bool, truncated: Bool, info: [String: Double] = [:]) {
        self.observation = observation
        self.reward = reward
        self.terminated = terminated
        self.truncated = truncated
        self.info = info
    }

    /// Whether the episode ended, by termination or truncation.
    public var isDone: Bool { terminated || truncated }
}
