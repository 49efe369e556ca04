import MBRLCore

/// Where ME-TRPO's imagined trajectories and validation rollouts start.
public enum ModelEnsembleStartStates: String, Codable, Sendable, CaseIterable {
    /// The first observation of every real episode in the buffer (the environment's reset
    /// distribution, as thanard/me-trpo's `NeuralNetEnv.reset` draws `env.reset()`).
    case episodeStarts
    /// Any real observation in the buffer (MBPO-style branching).
    case realStates
}
