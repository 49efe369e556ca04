extension TransitionBatch {
    /// The rows of `first` followed by those of `second` (of the same sizes).
    public init(concatenating first: TransitionBatch, _ second: TransitionBatch) {
        precondition(first.observations.columns == second.observations.columns
                     && first.actions.columns == second.actions.columns, "batches of different sizes")
        self.init(count: 0, observationSize: first.observations.columns, actionSize: first.actions.columns)
        observations = first.observations.concatenatedRows(second.observations)
        actions = first.actions.concatenatedRows(second.actions)
        nextObservations = first.nextObservations.concatenatedRows(second.nextObservations)
        rewards = first.rewards + second.rewards
        terminated = first.terminated + second.terminated
        truncated = first.truncated + second.truncated
    }
}
