/// A model that separates its two kinds of uncertainty (the lecture's lesson): aleatoric
/// (noise in the system, from a Gaussian output head) and epistemic (what the data does not pin
/// down, from disagreement between ensemble members).
///
/// ```swift
/// let distribution = try ensemble.predictiveDistribution(observations: states, actions: actions)
/// let trustRegion = distribution.epistemicVariance.rowSums()   // large far from the data
/// ```
public protocol UncertaintyAwareModel: DynamicsModel {
    /// The predictive mean and both variances for every row, without sampling.
    func predictiveDistribution(observations: Matrix, actions: Matrix) throws -> PredictiveDistribution
}

/// A per-row, per-dimension predictive distribution of the next observation.
public struct PredictiveDistribution: Sendable, Equatable {
    /// The mean next observation, `[B, obs]` (over members for an ensemble).
    public var mean: Matrix
    /// The mean predicted noise variance, `[B, obs]`; zero for a deterministic model.
    public var aleatoricVariance: Matrix
    /// The variance of the members' means, `[B, obs]`; zero for a single model.
    public var epistemicVariance: Matrix

    public init(mean: Matrix, aleatoricVariance: Matrix, epistemicVariance: Matrix) {
        self.mean = mean
        self.aleatoricVariance = aleatoricVariance
        self.epistemicVariance = epistemicVariance
    }

    /// Total variance (law of total variance): aleatoric plus epistemic.
    public var totalVariance: Matrix { aleatoricVariance + epistemicVariance }
}

/// A model made of several members that can be asked to predict with a chosen member per row,
/// as trajectory sampling (TS1, TS-infinity) needs.
///
/// The plain `predict(observations:actions:generator:)` is the expectation over members
/// (mbrl-lib's `"expectation"` propagation); `predict(observations:actions:members:generator:)`
/// routes each row through one member. Member indices are `0..<memberCount`, where the model
/// decides which trained members take part (for example only the elites).
public protocol EnsembleDynamicsModel: DynamicsModel {
    /// The number of members.
    var memberCount: Int { get }

    /// Predicts with member `members[row]` for each row (sampling from its output
    /// distribution with `generator` when the member is stochastic).
    func predict(observations: Matrix, actions: Matrix, members: [Int], generator: inout RandomGenerator) throws -> ModelPrediction
}
