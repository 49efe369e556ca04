import MBRLCore

extension StateValueNetwork {
    /// The values `[B]` of a batch of observations and their gradients with respect to the
    /// observations, `dV(s_b)/d s_b` `[B, obs]` (one backward pass, no parameter gradients), for
    /// a value at the end of a differentiable rollout.
    ///
    /// ```swift
    /// let (values, gradients) = try value.valuesAndInputGradients(finalStates)   // [B], [B, obs]
    /// ```
    ///
    /// - Throws: `MBRLError.shapeMismatch` when the rows do not have `observationSize` entries.
    public func valuesAndInputGradients(_ observations: Matrix) throws -> (values: [Float], gradients: Matrix) {
        guard observations.columns == observationSize else {
            throw MBRLError.shapeMismatch(
                "the value network takes observation rows of \(observationSize) entries, got \(observations.rows) x \(observations.columns)")
        }
        let (output, tape) = try network.forward(observations)
        let ones = Matrix(rows: observations.rows, columns: 1, repeating: 1)
        let backward = try network.backward(ones, tape: tape, needsInputGradient: true, needsParameterGradients: false)
        guard let gradients = backward.inputGradient else {
            throw MBRLError.shapeMismatch("the value network gave no input gradient")
        }
        return (output.values, gradients)
    }
}
