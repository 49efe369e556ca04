import MBRLCore

extension DifferentiableDynamicsModel {
    /// The mean prediction at every row and its Jacobians, `d s' / d s` `[obs, obs]` and
    /// `d s' / d a` `[obs, act]`, from one batched pullback: row `r` is repeated once per output
    /// entry and pulled back with the identity. iLQR's `ModelLinearization` and guided policy
    /// search's model prior linearise through it.
    ///
    /// ```swift
    /// let (next, states, actions) = try model.predictionJacobians(observations: points, actions: controls)
    /// // states[r][i, j] = d next[r, i] / d points[r, j]
    /// ```
    public func predictionJacobians(observations: Matrix, actions: Matrix) throws
        -> (nextObservations: Matrix, states: [DenseMatrix], actions: [DenseMatrix]) {
        let rows = observations.rows, stateSize = observations.columns
        let repeated = (0..<rows).flatMap { row in Array(repeating: row, count: stateSize) }
        let (next, pullback) = try predictWithPullback(observations: observations.gatherRows(repeated),
                                                       actions: actions.gatherRows(repeated))
        var upstream = Matrix(rows: rows * stateSize, columns: stateSize)
        for row in 0..<rows { for output in 0..<stateSize { upstream[row * stateSize + output, output] = 1 } }
        let gradients = try pullback(upstream)
        let states = (0..<rows).map { DenseMatrix(gradients.observations.rows($0 * stateSize ..< ($0 + 1) * stateSize)) }
        let actionMatrices = (0..<rows).map { DenseMatrix(gradients.actions.rows($0 * stateSize ..< ($0 + 1) * stateSize)) }
        return (next.gatherRows((0..<rows).map { $0 * stateSize }), states, actionMatrices)
    }
}
