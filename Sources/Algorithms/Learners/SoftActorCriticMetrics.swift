/// What one `SoftActorCriticUpdate` step reports (the quantities Stable-Baselines3 logs under
/// `train/`), for a run's logs.
///
/// ```swift
/// let metrics = try learner.update(on: batch, generator: &generator)
/// print(metrics.criticLoss, metrics.actorLoss, metrics.temperature, metrics.entropy)
/// ```
public struct SoftActorCriticMetrics: Sendable, Equatable {
    /// `0.5 * sum_k mean_b (Q_k(s, a) - y)^2` before the critics' step.
    public var criticLoss: Float
    /// `mean(alpha * log pi(a~|s) - min_k Q_k(s, a~))` before the actor's step.
    public var actorLoss: Float
    /// The temperature `alpha` used in this step (read before its own step, as SB3's `ent_coef`).
    public var temperature: Float
    /// `-mean(log alpha * (log pi + targetEntropy))` before the temperature's step (0 when fixed).
    public var temperatureLoss: Float
    /// The entropy estimate `-mean(log pi(a~|s))` of the actor on the batch's observations.
    public var entropy: Float
    /// `mean_b min_k Q_k(s_b, a_b)` of the batch's actions, before the critics' step.
    public var meanQ: Float

    /// Metrics with the given values.
    public init(criticLoss: Float, actorLoss: Float, temperature: Float, temperatureLoss: Float, entropy: Float, meanQ: Float) {
        self.criticLoss = criticLoss
        self.actorLoss = actorLoss
        self.temperature = temperature
        self.temperatureLoss = temperatureLoss
        self.entropy = entropy
        self.meanQ = meanQ
    }

    /// The metrics by name, for a run's log columns.
    public var named: [(name: String, value: Float)] {
        [("criticLoss", criticLoss), ("actorLoss", actorLoss), ("temperature", temperature),
         ("temperatureLoss", temperatureLoss), ("entropy", entropy), ("meanQ", meanQ)]
    }
}
