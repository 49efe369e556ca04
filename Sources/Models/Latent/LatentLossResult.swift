import MBRLCore

/// The loss of one batch with its gradients.
public struct LatentLossResult: Sendable {
    /// The loss terms.
    public var terms: LatentLossTerms
    /// The gradient of `terms.total` with respect to every parameter, in the order of
    /// `LatentModel.parameters`.
    public var parameterGradients: [Matrix]
    /// With `needsInputGradients`: the gradient with respect to each frame block `[B, raw]`
    /// (the frames enter as encoder inputs and as reconstruction and prediction targets; with
    /// `latentTargetGradient: "stop"` the latent targets' path is left out, as in training).
    public var frameGradients: [Matrix]?
    /// With `needsInputGradients`: the gradient with respect to each action block `[B, act]`
    /// in the environment's units.
    public var actionGradients: [Matrix]?
}
