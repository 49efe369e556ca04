/// A latent model whose transition is locally linear by construction,
/// `z' = A(z) z + B(z) u + o(z)` (Embed to Control, Watter et al. 2015), so a planner can take
/// `A(z)` and `B(z)` as the linearisation directly instead of differentiating the network.
///
/// It also gives its learned reward `r(z, u)` with the reward's input gradient, so iLQR can
/// expand the reward without finite differences of the rewards themselves.
///
/// ```swift
/// let step = try model.locallyLinearStep(latents: latents, actions: actions)   // latents [B, n], actions [B, act]
/// step.stateMatrices[0]                                                        // A(z_0), [n, n]
/// let reward = try model.rewardWithGradients(latents: latents, actions: actions)
/// ```
public protocol LocallyLinearLatentModel: LatentDynamicsModel {
    /// Observations the encoder sees at once (the current one and those before it); planners
    /// are given the history of this many observations, oldest first.
    var historyLength: Int { get }

    /// The next latents `A(z) z + B(z) u + o(z)` `[B, n]`, and per row `A(z)` `[n, n]` and
    /// `B(z)` `[n, act]` (with respect to the actions in the environment's units).
    func locallyLinearStep(latents: Matrix, actions: Matrix) throws -> LocallyLinearStep

    /// The learned reward `r(z, u)` `[B]` in the environment's units and its gradients with
    /// respect to the latents `[B, n]` and the actions `[B, act]`.
    func rewardWithGradients(latents: Matrix, actions: Matrix) throws -> (rewards: [Float], latentGradients: Matrix, actionGradients: Matrix)
}

/// One step of a locally linear latent model for a batch of rows.
public struct LocallyLinearStep: Sendable, Equatable {
    /// `A(z) z + B(z) u + o(z)`, `[B, n]`.
    public var nextLatents: Matrix
    /// `A(z)` per row, each `[n, n]`.
    public var stateMatrices: [Matrix]
    /// `B(z)` per row, each `[n, act]`.
    public var actionMatrices: [Matrix]

    public init(nextLatents: Matrix, stateMatrices: [Matrix], actionMatrices: [Matrix]) {
        self.nextLatents = nextLatents
        self.stateMatrices = stateMatrices
        self.actionMatrices = actionMatrices
    }
}
