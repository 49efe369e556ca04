import MBRLCore

/// A stochastic policy acting for an on-policy optimizer: it acts exactly as `policy` does (the
/// same draws from the same generator) and records each single-row exploration draw's sample
/// in a shared `PolicySampleRecorder`, so the optimizer learns from the sample it drew (for a
/// `DiagonalGaussianMLPPolicy`, the Gaussian value before clipping to the action box).
///
/// ```swift
/// let acting = SampleRecordingPolicy(policy: gaussian, recorder: recorder)
/// let action = try acting.action(for: observation, mode: .exploration, generator: &generator)
/// let sample = recorder.take(observation: observation, action: action)   // unclipped
/// ```
public struct SampleRecordingPolicy<Wrapped: StochasticPolicy>: Policy, Sendable {
    /// The policy that acts.
    public let policy: Wrapped
    /// Where exploration draws are recorded.
    public let recorder: PolicySampleRecorder

    /// `policy`, recording into `recorder`.
    public init(policy: Wrapped, recorder: PolicySampleRecorder) {
        self.policy = policy
        self.recorder = recorder
    }

    /// `policy`'s actions `[B, obs] -> [B, act]`; an `.exploration` draw of one row is recorded.
    public func actions(for observations: Matrix, mode: ActionMode, generator: inout RandomGenerator) throws -> Matrix {
        guard mode == .exploration else { return try policy.actions(for: observations, mode: mode, generator: &generator) }
        let draw = try policy.sample(for: observations, generator: &generator)
        if observations.rows == 1 {
            recorder.record(observation: observations.row(0), action: draw.actions.row(0), sample: draw.samples.row(0))
        }
        return draw.actions
    }
}
