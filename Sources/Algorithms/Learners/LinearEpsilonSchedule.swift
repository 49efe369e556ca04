import MBRLCore

/// DQN's exploration schedule: epsilon falls linearly from `initial` to `final` over the first
/// `decaySteps` environment steps and stays at `final` after (Mnih et al. 2015; Stable-Baselines3's
/// `get_linear_fn`, whose `exploration_fraction * total_timesteps` is `decaySteps` here).
///
/// ```swift
/// let schedule = try LinearEpsilonSchedule(initial: 1, final: 0.04, decaySteps: 8_000)
/// schedule.epsilon(atStep: 4_000)   // 0.52
/// ```
public struct LinearEpsilonSchedule: Sendable, Equatable {
    /// Epsilon at step 0.
    public let initial: Float
    /// Epsilon from step `decaySteps` on.
    public let final: Float
    /// The steps over which epsilon falls (0: `final` from the start).
    public let decaySteps: Int

    /// A schedule from `initial` to `final` over `decaySteps` steps.
    ///
    /// - Throws: `MBRLError.invalidArgument` when an epsilon is outside `0...1` or `decaySteps`
    ///   is negative.
    public init(initial: Float, final: Float, decaySteps: Int) throws {
        guard (0...1).contains(initial), (0...1).contains(final) else {
            throw MBRLError.invalidArgument("epsilon must be in 0...1, got initial \(initial) and final \(final)")
        }
        guard decaySteps >= 0 else { throw MBRLError.invalidArgument("decaySteps must be at least 0, got \(decaySteps)") }
        self.initial = initial
        self.final = final
        self.decaySteps = decaySteps
    }

    /// Epsilon after `step` environment steps.
    public func epsilon(atStep step: Int) -> Float {
        guard decaySteps > 0, step < decaySteps else { return final }
        let progress = Float(max(0, step)) / Float(decaySteps)
        return initial + progress * (final - initial)
    }
}
