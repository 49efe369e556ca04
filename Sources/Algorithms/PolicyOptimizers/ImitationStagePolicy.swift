import MBRLCore

/// The policy of an imitate-then-fine-tune optimizer (MB-MF): before the hand-over the imitated
/// policy acts with its deterministic action in both modes (DAgger runs the learner's policy as
/// it is); after it the fine-tuner's policy acts in the mode asked (sampling when exploring).
///
/// ```swift
/// let acting = ImitationStagePolicy<SquashedGaussianMLPPolicy, SquashedGaussianMLPPolicy>(acting: .imitated(policy))
/// let action = try acting.action(for: observation, mode: .exploration, generator: &generator)   // the mean
/// ```
public struct ImitationStagePolicy<FineTuned: Policy & Sendable, Imitated: Policy & Sendable>: Policy, Sendable {
    /// Which policy acts.
    public enum Acting: Sendable {
        /// Before the hand-over: the imitated policy's deterministic action.
        case imitated(Imitated)
        /// After it: the fine-tuner's policy.
        case fineTuned(FineTuned)
    }

    /// Which policy acts.
    public let acting: Acting

    public init(acting: Acting) { self.acting = acting }

    /// `[B, obs] -> [B, act]`.
    public func actions(for observations: Matrix, mode: ActionMode, generator: inout RandomGenerator) throws -> Matrix {
        switch acting {
        case .imitated(let policy): return try policy.actions(for: observations, mode: .evaluation, generator: &generator)
        case .fineTuned(let policy): return try policy.actions(for: observations, mode: mode, generator: &generator)
        }
    }
}
