/// A policy with trainable parameters whose actions can be differentiated, for learning through
/// a model (backpropagation through time, the differentiable model rollout) and for actor
/// updates (SAC's reparameterised actor loss, guided policy search's regression).
///
/// `actionsWithPullback` returns the batch of actions and a pullback: given `dL/d actions`
/// `[B, act]` it returns `dL/d parameters` (in the order of `parameters`) and
/// `dL/d observations` `[B, obs]`. In `.exploration` mode a stochastic policy samples with the
/// reparameterisation trick (the noise drawn from `generator` is held fixed inside the
/// pullback); in `.evaluation` mode it differentiates its deterministic action. Actions are in
/// the environment's units (already mapped to the `Box` bounds).
///
/// ```swift
/// let (actions, pullback) = try policy.actionsWithPullback(for: observations, mode: .evaluation,
///                                                          generator: &generator)
/// let upstream = Matrix(rows: actions.rows, columns: actions.columns, repeating: 1)
/// let gradients = try pullback(upstream)      // .parameters [Matrix], .observations [B, obs]
/// ```
public protocol DifferentiablePolicy: Policy, ParameterContainer, Checkpointable {
    /// The number of entries in an observation row.
    var observationSize: Int { get }
    /// The number of entries in an action row.
    var actionSize: Int { get }

    /// The actions `[B, act]` and their pullback (see the type's documentation).
    func actionsWithPullback(for observations: Matrix, mode: ActionMode, generator: inout RandomGenerator) throws
        -> (actions: Matrix, pullback: @Sendable (Matrix) throws -> PolicyGradients)
}

/// Gradients of a loss through a policy's actions.
public struct PolicyGradients: Sendable, Equatable {
    /// One gradient per parameter, in the order of the policy's `parameters`.
    public var parameters: [Matrix]
    /// `[B, obs]`.
    public var observations: Matrix

    public init(parameters: [Matrix], observations: Matrix) {
        self.parameters = parameters
        self.observations = observations
    }
}
