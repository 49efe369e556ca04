import MBRLCore

extension ReplayBuffer {
    /// Appends every row of a model rollout in one call (none truncated).
    ///
    /// - Throws: `MBRLError.shapeMismatch` when the sizes differ from the buffer's,
    ///   `MBRLError.nonFinite` when a row holds NaN or Inf (nothing is stored then).
    public mutating func append(_ imagined: ImaginedTransitions) throws {
        try append(observations: imagined.observations, actions: imagined.actions, rewards: imagined.rewards,
                   nextObservations: imagined.nextObservations, terminated: imagined.terminated)
    }
}
