/// Rows of a `TrajectoryBuffer` as matrices, for a policy or value update.
public struct TrajectoryBatch: Sendable, Equatable {
    /// `[B, obs]`.
    public var observations: Matrix
    /// `[B, act]`.
    public var actions: Matrix
    /// `[B]`.
    public var logProbabilities: [Float]
    /// `[B]`.
    public var values: [Float]
    /// `[B]`, empty before advantages are computed.
    public var advantages: [Float]
    /// `[B]`, empty before advantages are computed.
    public var returns: [Float]

    /// A batch of the given rows.
    public init(observations: Matrix, actions: Matrix, logProbabilities: [Float], values: [Float],
                advantages: [Float], returns: [Float]) {
        self.observations = observations
        self.actions = actions
        self.logProbabilities = logProbabilities
        self.values = values
        self.advantages = advantages
        self.returns = returns
    }

    /// The number of rows.
    public var count: Int { values.count }
}
