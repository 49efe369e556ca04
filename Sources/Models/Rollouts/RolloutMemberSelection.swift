/// How a closed-loop model rollout picks the ensemble member that predicts each row (for an
/// `EnsembleDynamicsModel`; other models always predict with themselves).
///
/// Member indices number the members the model predicts with: for a `DynamicsEnsemble`, its
/// elites, so a random member is a random elite.
public enum RolloutMemberSelection: String, Codable, Sendable, CaseIterable {
    /// A uniformly random member for every row at every step (MBPO's model rollouts).
    case randomEachStep
    /// One uniformly random member per start row, kept for the whole trajectory (ME-TRPO's
    /// per-member validation rollouts, PETS' TS-infinity).
    case fixedPerTrajectory
    /// The model's own `predict` (for a `DynamicsEnsemble`, the expectation over the elites).
    case modelDefault
}
