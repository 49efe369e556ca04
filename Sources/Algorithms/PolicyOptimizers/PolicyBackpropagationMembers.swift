/// How policy backpropagation rolls its imagined trajectories through an ensemble.
public enum PolicyBackpropagationMembers: String, Codable, Sendable, CaseIterable {
    /// Every start state is rolled through every member separately, and the return is averaged
    /// over members (ME-TRPO's per-member rollouts; the default).
    case each
    /// A uniformly random member for every row at every step (MBPO's model rollouts).
    case randomEachStep
    /// One uniformly random member per start state for the whole horizon.
    case fixedPerTrajectory
    /// The ensemble's mean prediction (its own `predictWithPullback`).
    case mean
}
