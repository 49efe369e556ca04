import MBRLCore

extension CategoricalMLPPolicy: FisherVectorProductPolicy {
    /// `(F + damping I) v = J^T M J v / B + damping v`: `J v` the logits' tangent by forward
    /// mode, `M = diag(p) - p p^T` the Fisher of a softmax in its logits, `J^T` by the
    /// backward pass.
    public func fisherVectorProduct(_ vector: [Float], for observations: Matrix, damping: Float) throws -> [Float] {
        try PolicySupport.checkDirection(vector, parameterCount: parameterCount)
        let head = try head(for: observations)
        let rows = observations.rows
        guard rows > 0 else { return vector.map { damping * $0 } }
        let tangent = try network.jacobianVectorProduct(
            parameterTangents: PolicySupport.unflatten(vector, like: parameters), tape: head.tape)
        var weighted = tangent
        for row in 0..<rows {
            var mean: Float = 0
            for column in 0..<actionCount { mean += head.probabilities[row, column] * tangent[row, column] }
            for column in 0..<actionCount {
                weighted[row, column] = head.probabilities[row, column] * (tangent[row, column] - mean) / Float(rows)
            }
        }
        let product = try network.backward(weighted, tape: head.tape, needsInputGradient: false).parameterGradients
        var result = product.flatMap(\.values)
        for index in result.indices { result[index] += damping * vector[index] }
        return result
    }
}
