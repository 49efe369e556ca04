import MBRLCore

/// One batch of draws from a `StochasticPolicy`.
///
/// `actions` go to the environment; `samples` are the distribution's own values, the ones
/// `logDensities` are of and the ones to pass back to `logDensitiesWithPullback(of:for:)`:
/// the unclipped Gaussian draw of a `DiagonalGaussianMLPPolicy`, the pre-squash `u` of a
/// `SquashedGaussianMLPPolicy`, the index of a `CategoricalMLPPolicy` (then equal to `actions`).
///
/// ```swift
/// let draw = try policy.sample(for: observations, generator: &generator)
/// try environment.step(draw.actions.row(0))
/// buffer.store(samples: draw.samples, logDensities: draw.logDensities)   // for PPO's ratio
/// ```
public struct PolicySample: Sendable, Equatable {
    /// `[B, act]`, in the environment's units (inside the action space).
    public var actions: Matrix
    /// `[B, sample]`, the distribution's values (see the type's documentation).
    public var samples: Matrix
    /// `[B]`, the log-density of each row's sample.
    public var logDensities: [Float]

    /// A batch of draws.
    public init(actions: Matrix, samples: Matrix, logDensities: [Float]) {
        self.actions = actions
        self.samples = samples
        self.logDensities = logDensities
    }
}
