#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MBRLCore

/// A pullback from per-row upstream weights `w` `[B]` to the gradients of `sum_i w_i * f_i`
/// with respect to a policy's parameters and observations (`f` a per-row quantity such as a
/// log-density, an entropy or a KL divergence).
public typealias PerRowPullback = @Sendable ([Float]) throws -> PolicyGradients

/// A policy that owns its action distribution: sampling with log-densities, log-densities of
/// given samples, entropies and KL divergences, all batched and all with gradients with respect
/// to the parameters and the observations.
///
/// This is the interface the policy learners call: TRPO and PPO (log-densities, the surrogate,
/// KL, entropy), SAC and MBPO (reparameterised samples through `ReparameterizedPolicy`), guided
/// policy search and behaviour cloning (log-densities of given samples).
///
/// **Samples and actions.** `sample(for:generator:)` returns a `PolicySample` holding both the
/// environment's `actions` and the distribution's own `samples`, the values log-densities are
/// of. They coincide for a categorical policy; a diagonal Gaussian's actions are its samples
/// clipped to the box; a squashed Gaussian's samples are the pre-squash values `u`. Store the
/// `samples` when a log-density must be re-evaluated later (PPO's ratio).
///
/// **Gradients.** Every `...WithPullback` method returns per-row values `[B]` and a
/// `PerRowPullback` taking upstream weights `[B]`; a mean over the batch is the pullback of
/// weights `1 / B`.
///
/// ```swift
/// var generator = RandomGenerator(seed: 0)
/// let draw = try policy.sample(for: observations, generator: &generator)      // actions [B, act]
/// let (logDensities, pullback) = try policy.logDensitiesWithPullback(of: draw.samples, for: observations)
/// let gradients = try pullback([Float](repeating: 1 / Float(observations.rows), count: observations.rows))
/// // gradients.parameters: d mean(log p) / d parameters, in the order of `policy.parameters`
/// ```
public protocol StochasticPolicy: Policy, ParameterContainer, Checkpointable, Sendable {
    /// The per-row parameters of the action distribution (means and log standard deviations,
    /// logits), the value KL divergences are taken from.
    associatedtype Distribution: Sendable

    /// The number of entries in an observation row.
    var observationSize: Int { get }
    /// The number of entries in an action row (1 for a discrete action: the index).
    var actionSize: Int { get }
    /// The number of entries in a sample row (`PolicySample.samples`).
    var sampleSize: Int { get }
    /// The space actions are in.
    var actionSpace: Space { get }

    /// The distribution for every observation row (`[B, obs]`), for a later `klDivergences`.
    func distribution(for observations: Matrix) throws -> Distribution

    /// Draws one sample per observation row (`[B, obs]`) with its log-density.
    func sample(for observations: Matrix, generator: inout RandomGenerator) throws -> PolicySample

    /// The log-density (log-probability for a discrete policy) of `samples` `[B, sample]`
    /// under the distribution of each observation row `[B, obs]`, and its pullback (the
    /// samples held fixed).
    func logDensitiesWithPullback(of samples: Matrix, for observations: Matrix) throws
        -> (values: [Float], pullback: PerRowPullback)

    /// The entropy of each row's distribution `[B]` and its pullback. Analytic where the
    /// distribution has a closed form (a policy that draws nothing leaves `generator` as it is);
    /// otherwise a one-sample estimate `-log p(sample)` with the reparameterised gradient.
    func entropiesWithPullback(for observations: Matrix, generator: inout RandomGenerator) throws
        -> (values: [Float], pullback: PerRowPullback)

    /// `KL(old || self)` for every row `[B]`, with `old` held fixed: the pullback differentiates
    /// this policy's side only (parameters and observations).
    func klDivergencesWithPullback(from old: Distribution, for observations: Matrix) throws
        -> (values: [Float], pullback: PerRowPullback)
}

extension StochasticPolicy {
    /// The log-densities of `samples` `[B, sample]` for observations `[B, obs]`, without gradients.
    public func logDensities(of samples: Matrix, for observations: Matrix) throws -> [Float] {
        try logDensitiesWithPullback(of: samples, for: observations).values
    }

    /// The entropies `[B]` of each row's distribution, without gradients.
    public func entropies(for observations: Matrix, generator: inout RandomGenerator) throws -> [Float] {
        try entropiesWithPullback(for: observations, generator: &generator).values
    }

    /// `KL(old || self)` per row `[B]`, with `old` the distributions of `oldPolicy` on the same
    /// observations.
    public func klDivergences(from oldPolicy: Self, for observations: Matrix) throws -> [Float] {
        try klDivergencesWithPullback(from: oldPolicy.distribution(for: observations), for: observations).values
    }

    /// `KL(old || self)` per row and its pullback, with `old` the distributions of `oldPolicy`
    /// (held fixed) on the same observations.
    public func klDivergencesWithPullback(from oldPolicy: Self, for observations: Matrix) throws
        -> (values: [Float], pullback: PerRowPullback) {
        try klDivergencesWithPullback(from: oldPolicy.distribution(for: observations), for: observations)
    }

    /// The policy-gradient surrogate `mean_i(exp(log p(s_i) - oldLogDensities_i) * advantages_i)`
    /// (the importance-sampled objective of TRPO, and PPO's unclipped term) and its gradient.
    ///
    /// - Parameters:
    ///   - samples: `[B, sample]`, as `PolicySample.samples` stored them.
    ///   - observations: `[B, obs]`.
    ///   - oldLogDensities: `[B]`, the log-densities when the samples were drawn.
    ///   - advantages: `[B]`.
    /// - Returns: the surrogate, the ratios `exp(log p - old log p)` `[B]` and the gradients of
    ///   the surrogate.
    /// - Throws: `MBRLError.shapeMismatch` when the counts differ.
    public func surrogateWithGradient(samples: Matrix, observations: Matrix, oldLogDensities: [Float],
                                      advantages: [Float]) throws
        -> (value: Float, ratios: [Float], gradients: PolicyGradients) {
        let rows = observations.rows
        guard oldLogDensities.count == rows, advantages.count == rows else {
            throw MBRLError.shapeMismatch(
                "the surrogate needs one old log-density and one advantage per observation row (\(rows)), got \(oldLogDensities.count) and \(advantages.count)")
        }
        let (logDensities, pullback) = try logDensitiesWithPullback(of: samples, for: observations)
        var ratios = [Float](repeating: 0, count: rows)
        var weights = ratios
        var total = 0.0
        for row in 0..<rows {
            ratios[row] = Float(exp(Double(logDensities[row]) - Double(oldLogDensities[row])))
            weights[row] = ratios[row] * advantages[row] / Float(max(rows, 1))
            total += Double(ratios[row]) * Double(advantages[row])
        }
        return (Float(total / Double(max(rows, 1))), ratios, try pullback(weights))
    }
}
