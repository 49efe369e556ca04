extension TransitionBatch {
    /// The rows of `first` followed by those of `second` (of the same sizes).
    public init(concatenating first: TransitionBatch, _ second: TransitionBatch) {
        precondition(first.observations.columns == second.observations.columns
                     && first.actions.columns == second.actions.columns, "batches of different sizes")
        self.init(count: 0, observationSize: first.observations.columns, actionSize: first.actions.columns)
        observations = Matrix(rows: first.count + second.count, columns: first.observations.columns,
                              values: first.observations.values + second.observations.values)
        actions = Matrix(rows: first.count + second.count, columns: first.actions.columns,
                         values: first.actions.values + second.actions.values)
        nextObservations = Matrix(rows: first.count + second.count, columns: first.nextObservations.columns,
                                  values: first.nextObservations.values + second.nextObservations.values)
        rewards = first.rewards + second.rewards
        terminated = first.terminated + second.terminated
        truncated = first.truncated + second.truncated
    }
}
