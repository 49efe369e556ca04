/// What a policy optimizer needs from the loop's model and environment, checked when a recipe is
/// built (as `Planner.requirements` is), so a mismatch fails before any step with both names.
///
/// ```swift
/// var requirements: PolicyOptimizerRequirements { [.ensembleModel, .continuousActions] }
/// ```
public struct PolicyOptimizerRequirements: OptionSet, Sendable, CustomStringConvertible {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// A dynamics model (any kind).
    public static let model = PolicyOptimizerRequirements(rawValue: 1 << 0)
    /// An ensemble model (`EnsembleDynamicsModel`): ME-TRPO, MBPO's member sampling.
    public static let ensembleModel = PolicyOptimizerRequirements(rawValue: 1 << 1)
    /// A model with input gradients (`DifferentiableDynamicsModel`): backpropagation through it.
    public static let differentiableModel = PolicyOptimizerRequirements(rawValue: 1 << 2)
    /// Rewards for imagined transitions: the environment's known reward function or the model's
    /// reward head.
    public static let rewards = PolicyOptimizerRequirements(rawValue: 1 << 3)
    /// Reward gradients: a differentiable known reward function, or a learned reward head the
    /// model differentiates (`"planning": {"reward": "learned"}`).
    public static let rewardGradients = PolicyOptimizerRequirements(rawValue: 1 << 4)
    /// A continuous (`Box`) action space.
    public static let continuousActions = PolicyOptimizerRequirements(rawValue: 1 << 5)
    /// A discrete action space.
    public static let discreteActions = PolicyOptimizerRequirements(rawValue: 1 << 6)
    /// Terminations for imagined transitions: the environment's known termination function or
    /// the model's termination head.
    public static let terminations = PolicyOptimizerRequirements(rawValue: 1 << 7)
    /// A planner in the recipe (with its model), to act or to label states (MB-MF's imitation).
    public static let planner = PolicyOptimizerRequirements(rawValue: 1 << 8)
    /// A model that predicts observations through a decoder (`LatentDynamicsModel`): SimPLe's
    /// imagined frames.
    public static let observationDecoder = PolicyOptimizerRequirements(rawValue: 1 << 9)

    static let names: [(PolicyOptimizerRequirements, String)] = [
        (.model, "a model"), (.ensembleModel, "an ensemble model"), (.differentiableModel, "a differentiable model"),
        (.rewards, "rewards for imagined steps (a known reward function or a model reward head)"),
        (.rewardGradients, "reward gradients (a differentiable known reward function or a differentiable reward head)"),
        (.continuousActions, "continuous (Box) actions"), (.discreteActions, "discrete actions"),
        (.terminations, "terminations for imagined steps (a known termination function or a model termination head)"),
        (.planner, "a planner in the recipe"),
        (.observationDecoder, "a model that predicts observations through a decoder"),
    ]

    /// The requirements in words, for example `"an ensemble model, continuous (Box) actions"`.
    public var description: String {
        let parts = Self.names.filter { contains($0.0) }.map(\.1)
        return parts.isEmpty ? "nothing" : parts.joined(separator: ", ")
    }
}
