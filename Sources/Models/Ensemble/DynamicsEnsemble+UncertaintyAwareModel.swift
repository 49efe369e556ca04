#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MBRLCore

extension DynamicsEnsemble: UncertaintyAwareModel {
    /// The elites' predictive distribution of the next observation for every row, without
    /// sampling: the mean of the members' means, the aleatoric variance (the mean of the
    /// members' predicted variances; zero for a deterministic model) and the epistemic variance
    /// (the variance of the members' means; zero for a single member).
    ///
    /// - Parameters:
    ///   - observations: `[B, obs]`.
    ///   - actions: `[B, act]`.
    /// - Returns: three `[B, obs]` matrices.
    /// - Throws: `MBRLError.shapeMismatch` when the inputs do not fit the model.
    public func predictiveDistribution(observations: Matrix, actions: Matrix) throws -> PredictiveDistribution {
        try validateInputs(observations: observations, actions: actions)
        let rows = observations.rows
        let network = predictionNetwork
        let members = network.memberCount
        let output = try network(broadcasting: makeInputs(observations: observations, actions: actions))
        let transform = OutputTransform(model: self)
        let layout = self.layout
        let width = layout.outputSize, observationWidth = observationSize
        var mean = Matrix(rows: rows, columns: observationWidth)
        var aleatoric = Matrix(rows: rows, columns: observationWidth)
        var epistemic = Matrix(rows: rows, columns: observationWidth)
        let memberScale = 1 / Float(members)
        output.withUnsafeBufferPointer { out in
            // The sum of the members' variances, [B, R].
            let regression = layout.regressionSize
            var variances = [Float](repeating: 0, count: layout.isGaussian ? rows * regression : 0)
            if layout.isGaussian {
                for member in 0..<members {
                    let logVariances = transform.logVariances(output: out, rows: rows) { member * rows + $0 }
                    for index in variances.indices { variances[index] += expf(logVariances[index]) }
                }
            }
            observations.withUnsafeBufferPointer { states in
                mean.withUnsafeMutableBufferPointer { meanBuffer in
                    aleatoric.withUnsafeMutableBufferPointer { aleatoricBuffer in
                        epistemic.withUnsafeMutableBufferPointer { epistemicBuffer in
                            for row in 0..<rows {
                                for column in 0..<observationWidth {
                                    var total: Float = 0
                                    for member in 0..<members { total += out[(member * rows + row) * width + column] }
                                    let variance = layout.isGaussian ? variances[row * regression + column] : 0
                                    let normalizedMean = total * memberScale
                                    var spread: Float = 0
                                    for member in 0..<members {
                                        let deviation = out[(member * rows + row) * width + column] - normalizedMean
                                        spread += deviation * deviation
                                    }
                                    let scale = transform.targetStandardDeviation[column]
                                    let index = row * observationWidth + column
                                    meanBuffer[index] = transform.deltaMask[column] * states[index]
                                        + transform.denormalized(normalizedMean, column: column)
                                    aleatoricBuffer[index] = scale * scale * variance * memberScale
                                    epistemicBuffer[index] = scale * scale * spread * memberScale
                                }
                            }
                        }
                    }
                }
            }
        }
        return PredictiveDistribution(mean: mean, aleatoricVariance: aleatoric, epistemicVariance: epistemic)
    }
}
