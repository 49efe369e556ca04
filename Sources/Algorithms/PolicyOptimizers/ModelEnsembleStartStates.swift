import MBRLCore

/// Where imagined trajectories start: ME-TRPO's trajectories and validation rollouts, policy
/// backpropagation's rollouts.
public enum ModelEnsembleStartStates: String, Codable, Sendable, CaseIterable {
    /// The first observation of every real episode in the buffer (the environment's reset
    /// distribution, as thanard/me-trpo's `NeuralNetEnv.reset` draws `env.reset()`).
    case episodeStarts
    /// Any real observation in the buffer (MBPO-style branching).
    case realStates

    /// The observations trajectories may start from, `[S, obs]`.
    ///
    /// ```swift
    /// let starts = try ModelEnsembleStartStates.episodeStarts.observations(in: buffer, optimizer: "me-trpo")
    /// ```
    ///
    /// - Throws: `MBRLError.invalidArgument` naming `optimizer` when the buffer is empty.
    public func observations(in buffer: ReplayBuffer, optimizer: String) throws -> Matrix {
        guard !buffer.isEmpty else {
            throw MBRLError.invalidArgument("\(optimizer) starts imagined trajectories from real states; the replay buffer is empty")
        }
        switch self {
        case .realStates:
            return buffer.all().observations
        case .episodeStarts:
            var indices = [0]
            for index in 1..<max(buffer.count, 1) where buffer.episode(ofTransition: index) != buffer.episode(ofTransition: index - 1) {
                indices.append(index)
            }
            return buffer.batch(indices).observations
        }
    }
}
