import MBRLCore

/// A policy optimizer that checks the recipe's model beyond what `PolicyOptimizerRequirements`
/// can say (a decoder that is trained, a history length); the loop refuses the recipe at build
/// time with the reason it gives.
///
/// ```swift
/// extension MyOptimizer: ModelCompatibilityChecking {
///     func incompatibility(with model: (any DynamicsModel)?) -> String? {
///         model is LatentModel ? nil : "a latent model with a decoder"
///     }
/// }
/// ```
public protocol ModelCompatibilityChecking {
    /// What the optimizer needs that `model` does not give, in words that complete "needs ...",
    /// or nil when `model` serves it.
    func incompatibility(with model: (any DynamicsModel)?) -> String?
}
