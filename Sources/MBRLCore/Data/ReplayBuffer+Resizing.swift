extension ReplayBuffer {
    /// A buffer of `capacity` holding this buffer's newest `min(count, capacity)` transitions,
    /// oldest first (MBPO grows its model-data pool as the rollout length grows, keeping what it
    /// holds, as jannerm/mbpo's `_reallocate_model_pool` and mbrl-lib's `maybe_replace_sac_buffer`
    /// do).
    ///
    /// ```swift
    /// pool = try pool.resized(toCapacity: 2 * pool.capacity)   // every row kept, in order
    /// ```
    ///
    /// Episode indices restart from the kept rows' `terminated`/`truncated` flags.
    ///
    /// - Throws: `MBRLError.invalidArgument` when `capacity` is not positive.
    public func resized(toCapacity capacity: Int) throws -> ReplayBuffer {
        guard capacity > 0 else { throw MBRLError.invalidArgument("a replay buffer needs a positive capacity, got \(capacity)") }
        var resized = ReplayBuffer(capacity: capacity, observationSize: observationSize, actionSize: actionSize)
        let kept = min(count, capacity)
        guard kept > 0 else { return resized }
        let rows = batch(Array((count - kept)..<count))
        try resized.append(observations: rows.observations, actions: rows.actions, rewards: rows.rewards,
                           nextObservations: rows.nextObservations, terminated: rows.terminated, truncated: rows.truncated)
        return resized
    }
}
