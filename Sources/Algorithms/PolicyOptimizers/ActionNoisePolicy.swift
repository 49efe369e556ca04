import MBRLCore

/// The policy ME-TRPO collects real data with, as thanard/me-trpo's `sample_trajectories` and
/// `get_action` do: for `Box` actions its exploration action is the policy's (clipped) mean plus
/// Gaussian noise of standard deviation `noise * u * (high - low) / 2`, with `u` uniform in
/// [0, 1) drawn for every step (`vary_trajectory_noise`), clipped to the box. Without `noise`,
/// or for `Discrete` actions, it samples the stochastic policy. Its evaluation actions are the
/// policy's.
///
/// ```swift
/// let acting = ActionNoisePolicy(policy: gaussian, noise: 3)
/// let action = try acting.action(for: observation, mode: .exploration, generator: &generator)
/// ```
public struct ActionNoisePolicy<Wrapped: StochasticPolicy>: Policy, Sendable {
    /// The policy whose mean acts.
    public let policy: Wrapped
    /// The largest noise scale in half-ranges of the box, or nil to sample `policy`.
    public let noise: Float?

    /// `policy` with exploration noise `noise` (nil: the policy's own draws).
    public init(policy: Wrapped, noise: Float?) {
        self.policy = policy
        self.noise = noise
    }

    /// Actions `[B, obs] -> [B, act]`; exploration draws `B` uniforms and `B * act` normals.
    public func actions(for observations: Matrix, mode: ActionMode, generator: inout RandomGenerator) throws -> Matrix {
        guard mode == .exploration, let noise, case .box(let box) = policy.actionSpace else {
            return try policy.actions(for: observations, mode: mode, generator: &generator)
        }
        let means = try policy.actions(for: observations, mode: .evaluation, generator: &generator)
        var values = means.values
        let columns = means.columns
        var scales = [Float](repeating: 0, count: means.rows)
        var normals = [Float](repeating: 0, count: values.count)
        generator.fillUniform(&scales)
        generator.fillStandardNormal(&normals)
        for row in 0..<means.rows {
            let scale = noise * scales[row]
            for column in 0..<columns {
                let index = row * columns + column
                let low = box.lowerBound[column], high = box.upperBound[column]
                let halfRange = (high - low).isFinite ? (high - low) / 2 : 1
                values[index] = min(max(values[index] + scale * halfRange * normals[index], low), high)
            }
        }
        return Matrix(rows: means.rows, columns: columns, values: values)
    }
}
