#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MBRLCore

extension DiagonalGaussianMLPPolicy: FisherVectorProductPolicy {
    /// `(F + damping I) v = J^T M J v / B + damping v`: `J v` by forward mode through the mean
    /// network (the log standard deviations' tangent is `v` itself), `M` the Fisher of a
    /// Gaussian in its mean (`1 / std^2`) and log standard deviation (2), `J^T` by the backward pass.
    public func fisherVectorProduct(_ vector: [Float], for observations: Matrix, damping: Float) throws -> [Float] {
        try PolicySupport.checkDirection(vector, parameterCount: parameterCount)
        try PolicySupport.checkObservations(observations, size: observationSize, policy: "DiagonalGaussianMLPPolicy")
        let rows = observations.rows
        guard rows > 0 else { return vector.map { damping * $0 } }
        let tangents = PolicySupport.unflatten(vector, like: parameters)
        let (_, tape) = try network.forward(observations)
        var meanTangent = try network.jacobianVectorProduct(parameterTangents: Array(tangents.dropLast()), tape: tape)
        let inverseVariances = logStandardDeviation.values.map { expf(-2 * $0) / Float(rows) }
        for row in 0..<rows {
            for column in 0..<actionSize { meanTangent[row, column] *= inverseVariances[column] }
        }
        let networkProduct = try network.backward(meanTangent, tape: tape, needsInputGradient: false).parameterGradients
        // The mean over rows of 2 * v for the (shared) log standard deviations.
        let logStdProduct = tangents[tangents.count - 1] * 2
        var result: [Float] = []
        result.reserveCapacity(vector.count)
        for matrix in networkProduct + [logStdProduct] { result.append(contentsOf: matrix.values) }
        for index in result.indices { result[index] += damping * vector[index] }
        return result
    }
}
