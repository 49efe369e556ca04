import MBRLCore

/// What `SoftActorCriticUpdate` needs from its actor: reparameterised samples with their
/// log-densities and a pullback, plain samples for the critic targets, trainable parameters
/// and a checkpoint.
///
/// A reparameterised policy conforms in one line (`SquashedGaussianMLPPolicy` does, in
/// `SquashedGaussianMLPPolicy+SoftActorCriticActor.swift`).
///
/// ```swift
/// let draw = try actor.reparameterizedSample(for: observations, generator: &generator)
/// // SAC's actor loss mean(alpha * log p - Q(s, a)): dL/da = -dQ/da / B, dL/dlog p = alpha / B
/// let gradients = try draw.pullback(actionGradient, [Float](repeating: alpha / Float(B), count: B))
/// ```
public protocol SoftActorCriticActor: ParameterContainer, Checkpointable, Sendable {
    /// The number of entries in an observation row.
    var observationSize: Int { get }
    /// The number of entries in an action row.
    var actionSize: Int { get }

    /// One reparameterised sample per observation row `[B, obs]`: the actions `[B, act]`, their
    /// log-densities `[B]`, and the pullback from `dL/d actions` `[B, act]` and
    /// `dL/d logDensities` `[B]` (either nil for zero) to the parameter gradients (in the order
    /// of `parameters`), the noise held fixed.
    func reparameterizedSample(for observations: Matrix, generator: inout RandomGenerator) throws
        -> SoftActorCriticActorSample

    /// One sample per observation row without gradients: actions `[B, act]` and log-densities `[B]`.
    func sampleWithLogDensities(for observations: Matrix, generator: inout RandomGenerator) throws
        -> (actions: Matrix, logDensities: [Float])
}

/// A reparameterised sample of a `SoftActorCriticActor` with its pullback.
public struct SoftActorCriticActorSample: Sendable {
    /// `[B, act]`.
    public var actions: Matrix
    /// `[B]`.
    public var logDensities: [Float]
    /// From `(dL/d actions [B, act], dL/d logDensities [B])`, either nil for zero, to the
    /// parameter gradients in the order of the actor's `parameters`.
    public var pullback: @Sendable (_ actionGradient: Matrix?, _ logDensityGradient: [Float]?) throws -> [Matrix]

    /// A sample with its pullback.
    public init(actions: Matrix, logDensities: [Float],
                pullback: @escaping @Sendable (_ actionGradient: Matrix?, _ logDensityGradient: [Float]?) throws -> [Matrix]) {
        self.actions = actions
        self.logDensities = logDensities
        self.pullback = pullback
    }
}
