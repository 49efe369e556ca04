/// What one DQN gradient step reports.
public struct DeepQNetworkMetrics: Sendable, Equatable {
    /// The Huber loss between `Q(s, a)` and the TD targets.
    public var loss: Float
    /// The mean of `Q(s, a)` over the batch.
    public var meanQ: Float
    /// The gradients' global norm before clipping.
    public var gradientNorm: Float

    /// The metrics by log-column name: `qLoss`, `meanQ`, `gradientNorm`.
    public var named: [(name: String, value: Float)] {
        [("qLoss", loss), ("meanQ", meanQ), ("gradientNorm", gradientNorm)]
    }
}
