import MBRLCore

/// Settings of a model rollout (`ModelRollout`, `DifferentiableModelRollout`); every key is
/// optional in a recipe. Defaults are MBPO's (`rollout_length` 1 at the start of its schedule,
/// a random member per row and step, the policy sampling) with SAC's discount.
///
/// ```json
/// {"horizon": 5, "memberSelection": "randomEachStep", "actionMode": "exploration", "discount": 0.99}
/// ```
public struct ModelRolloutConfig: DocumentedConfig, Equatable {
    /// Model steps per start state (default 1).
    public var horizon: Int
    /// How ensemble members are picked per row (default `randomEachStep`); the differentiable
    /// rollout follows it for a `MemberDifferentiableDynamicsModel` and otherwise uses the
    /// model's mean prediction.
    public var memberSelection: RolloutMemberSelection
    /// How the policy acts: sample (`exploration`, default) or its deterministic action.
    public var actionMode: ActionMode
    /// The discount of the differentiable rollout's return (default 0.99).
    public var discount: Float

    /// Settings with the documented defaults unless given.
    public init(horizon: Int = 1, memberSelection: RolloutMemberSelection = .randomEachStep,
                actionMode: ActionMode = .exploration, discount: Float = 0.99) {
        self.horizon = horizon
        self.memberSelection = memberSelection
        self.actionMode = actionMode
        self.discount = discount
    }

    /// The documented defaults.
    public static var defaults: ModelRolloutConfig { ModelRolloutConfig() }

    /// A one-line description of each key.
    public static let keyDescriptions: [String: String] = [
        "horizon": "model steps per start state",
        "memberSelection": "ensemble member per row: randomEachStep, fixedPerTrajectory or modelDefault",
        "actionMode": "how the policy acts: exploration (sample) or evaluation (deterministic)",
        "discount": "discount of the differentiable rollout's return",
    ]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case horizon, memberSelection, actionMode, discount
    }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = ModelRolloutConfig()
        horizon = try container.decode(Int.self, forKey: .horizon, default: defaults.horizon, in: 1...100_000)
        memberSelection = try container.decode(RolloutMemberSelection.self, forKey: .memberSelection,
                                               default: defaults.memberSelection)
        actionMode = try container.decode(ActionMode.self, forKey: .actionMode, default: defaults.actionMode)
        discount = try container.decode(Float.self, forKey: .discount, default: defaults.discount, in: 0...1)
    }

    /// Throws `MBRLError.invalidArgument` naming the first setting out of range.
    public func validate() throws {
        guard horizon >= 1 else { throw MBRLError.invalidArgument("model rollout: horizon must be at least 1, got \(horizon)") }
        guard discount >= 0 && discount <= 1 else {
            throw MBRLError.invalidArgument("model rollout: discount must be in [0, 1], got \(discount)")
        }
    }
}
