import Foundation
import MBRLCore

/// Remembers the last single-row draw a `SampleRecordingPolicy` made (its observation, the
/// action sent to the environment and the distribution's own sample), so an on-policy optimizer
/// can store the unclipped Gaussian sample, as SB3's rollout buffer does, rather than the
/// clipped action the loop hands it. Shared by the optimizer and every copy of its policy.
///
/// ```swift
/// let recorder = PolicySampleRecorder()
/// recorder.record(observation: [0.1, 0.2], action: [2], sample: [2.7])
/// let sample = recorder.take(observation: [0.1, 0.2], action: [2])   // [2.7], then nil
/// ```
public final class PolicySampleRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var last: (observation: [Float], action: [Float], sample: [Float])?

    /// An empty recorder.
    public init() {}

    /// Stores one draw, replacing the previous one.
    public func record(observation: [Float], action: [Float], sample: [Float]) {
        lock.lock()
        defer { lock.unlock() }
        last = (observation, action, sample)
    }

    /// The sample of the last draw when it was made for `observation` and gave `action`, and
    /// forgets it; nil when the last draw was for another step (another agent acted).
    public func take(observation: [Float], action: [Float]) -> [Float]? {
        lock.lock()
        defer { lock.unlock() }
        guard let last, last.observation == observation, last.action == action else { return nil }
        self.last = nil
        return last.sample
    }
}
