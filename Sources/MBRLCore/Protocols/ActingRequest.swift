/// Who a policy optimizer asks to act in the loop's training and evaluation episodes, whether it
/// wants the recipe's planner to label the states the acting agent visits, and whether the loop
/// should keep refitting the model. An optimizer that works in stages (MB-MF: the planner acts,
/// then the policy acts while the planner labels its states, then the policy acts alone while a
/// model-free learner fine-tunes it) changes its request between episodes; the loop reads it at
/// the start of every episode.
///
/// The default, `.recipe`, leaves everything to the recipe's `acting` section.
///
/// ```swift
/// var actingRequest: ActingRequest {
///     switch stage {
///     case .planning: return ActingRequest(agent: .planner, plannerLabels: true)
///     case .imitation: return ActingRequest(agent: .policy, plannerLabels: true, modelFits: false)
///     case .fineTuning: return ActingRequest(agent: .policy, modelFits: false)
///     }
/// }
/// ```
public struct ActingRequest: Sendable, Equatable {
    /// The agents an optimizer may ask for.
    public enum RequestedAgent: String, Sendable, Equatable {
        /// The recipe's planner, through the recipe's model (MPC).
        case planner
        /// The optimizer's own policy.
        case policy
    }

    /// Who acts in training episodes, and in evaluation episodes unless the recipe names an
    /// evaluation agent; nil leaves it to the recipe.
    public var agent: RequestedAgent?
    /// Ask the recipe's planner for its action at every stored step's observation and pass it
    /// to the optimizer as `PolicyOptimizerContext.plannerLabel` (the action itself when the
    /// planner acts). Needs `.planner` in the optimizer's requirements.
    public var plannerLabels: Bool
    /// Keep refitting the model in training episodes (false once the model is no longer used).
    public var modelFits: Bool

    public init(agent: RequestedAgent? = nil, plannerLabels: Bool = false, modelFits: Bool = true) {
        self.agent = agent
        self.plannerLabels = plannerLabels
        self.modelFits = modelFits
    }

    /// No request: the recipe decides who acts, nothing is labelled, the model is refitted.
    public static let recipe = ActingRequest()
}
