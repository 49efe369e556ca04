import MBRLCore

extension DynamicsEnsemble: DifferentiableDynamicsModel {
    /// The mean next observation over the elites, `[B, obs]`, and its pullback.
    ///
    /// The pullback maps `dL/d s'` (`[B, obs]`) to `dL/d s` and `dL/d a` through the output
    /// denormalisation, the members' mean, the networks, the input normalisation and the delta
    /// (`s' = s + f(s, a)` in the delta dimensions). A discrete action has no gradient (zeros).
    ///
    /// - Throws: `MBRLError.shapeMismatch` when the inputs do not fit the model; the pullback
    ///   throws it when the upstream gradient is not `[B, obs]`.
    public func predictWithPullback(observations: Matrix, actions: Matrix) throws
        -> (nextObservations: Matrix, pullback: @Sendable (Matrix) throws -> InputGradients) {
        try validateInputs(observations: observations, actions: actions)
        let rows = observations.rows
        let network = predictionNetwork
        let members = network.memberCount
        let (output, tape) = try network.forward(broadcasting: makeInputs(observations: observations, actions: actions))
        let transform = OutputTransform(model: self)
        let observationWidth = observationSize
        let memberScale = 1 / Float(members)
        var next = Matrix(rows: rows, columns: observationWidth)
        for row in 0..<rows {
            for column in 0..<observationWidth {
                var total: Float = 0
                for member in 0..<members { total += output[member * rows + row, column] }
                next[row, column] = transform.deltaMask[column] * observations[row, column]
                    + transform.denormalized(total * memberScale, column: column)
            }
        }
        let inputScale = config.normalizeInputs ? inputNormalizer.inverseStandardDeviation
            : [Float](repeating: 1, count: inputSize)
        let actionSpace = self.actionSpace
        let outputSize = layout.outputSize
        let pullback: @Sendable (Matrix) throws -> InputGradients = { upstream in
            guard upstream.rows == rows, upstream.columns == observationWidth else {
                throw MBRLError.shapeMismatch("the gradient of the next observations must be \(rows) x \(observationWidth), got \(upstream.rows) x \(upstream.columns)")
            }
            // d mean_e / d output: the member mean and the target scale, observation columns only.
            var outputGradient = Matrix(rows: members * rows, columns: outputSize)
            for member in 0..<members {
                for row in 0..<rows {
                    for column in 0..<observationWidth {
                        outputGradient[member * rows + row, column] =
                            upstream[row, column] * transform.targetStandardDeviation[column] * memberScale
                    }
                }
            }
            let inputGradient = try network.backward(outputGradient, tape: tape, needsInputGradient: true).inputGradient
                ?? Matrix(rows: rows, columns: observationWidth + actionSpace.encodedSize)
            var observationGradient = Matrix(rows: rows, columns: observationWidth)
            var actionGradient = Matrix(rows: rows, columns: actionSpace.flatSize)
            for row in 0..<rows {
                for column in 0..<observationWidth {
                    observationGradient[row, column] = inputGradient[row, column] * inputScale[column]
                        + transform.deltaMask[column] * upstream[row, column]
                }
                if case .box = actionSpace {
                    for column in 0..<actionSpace.flatSize {
                        let inputColumn = observationWidth + column
                        actionGradient[row, column] = inputGradient[row, inputColumn] * inputScale[inputColumn]
                    }
                }
            }
            return InputGradients(observations: observationGradient, actions: actionGradient)
        }
        return (next, pullback)
    }
}
