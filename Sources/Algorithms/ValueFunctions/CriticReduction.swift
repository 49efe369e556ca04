/// How the values of several action-value critics combine into one: the minimum (clipped double
/// Q-learning, as TD3 and SAC use it) or the mean.
///
/// ```swift
/// let values = try critics(observations: observations, actions: actions)
/// let pessimistic = values.reduced(.minimum)                      // [B]
/// ```
public enum CriticReduction: String, Sendable, Codable, CaseIterable {
    /// The smallest value of the critics, row by row.
    case minimum
    /// The mean value of the critics, row by row.
    case mean
}
