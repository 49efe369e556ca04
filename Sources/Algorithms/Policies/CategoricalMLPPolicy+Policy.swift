import MBRLCore

extension CategoricalMLPPolicy: Policy {
    /// `.exploration`: an index drawn from the softmax; `.evaluation`: the most probable index
    /// (the lowest among ties). `[B, obs] -> [B, 1]`.
    public func actions(for observations: Matrix, mode: ActionMode, generator: inout RandomGenerator) throws -> Matrix {
        switch mode {
        case .exploration:
            return try sample(for: observations, generator: &generator).actions
        case .evaluation:
            try PolicySupport.checkObservations(observations, size: observationSize, policy: "CategoricalMLPPolicy")
            let logits = try network(observations)
            var actions = Matrix(rows: observations.rows, columns: 1)
            for row in 0..<logits.rows {
                var best = 0
                for column in 1..<max(actionCount, 1) where logits[row, column] > logits[row, best] { best = column }
                actions[row, 0] = Float(best)
            }
            return actions
        }
    }
}
