import MBRLCore

extension TabularQPolicy: Policy {
    /// One action per observation row: `[B, 1]` state indices to `[B, 1]` action indices.
    /// Throws `shapeMismatch` unless observations have one column, `invalidArgument` for an
    /// entry that is not a state index.
    public func actions(for observations: Matrix, mode: ActionMode, generator: inout RandomGenerator) throws -> Matrix {
        guard observations.columns == 1 else {
            throw MBRLError.shapeMismatch("a tabular Q policy takes observations of 1 entry (the state index), got \(observations.columns)")
        }
        var result = Matrix(rows: observations.rows, columns: 1)
        for row in 0..<observations.rows {
            let state = try stateIndex(observations[row, 0], row: row)
            result[row, 0] = Float(action(state: state, mode: mode, generator: &generator))
        }
        return result
    }
}
