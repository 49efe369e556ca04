import MBRLCore

extension E2CModel {
    /// The loss of `batch` (one-step windows: `frames` `[x_t, x_{t+1}]`, see `E2CModelConfig`)
    /// and its gradient with respect to every parameter, in the order of `parameters`.
    ///
    /// The encoder sees `x_t` and `x_{t+1}` in one pass; `z_t` is drawn by reparameterisation
    /// with noise from `generator`, so the same generator state gives the same loss.
    ///
    /// - Throws: `MBRLError.shapeMismatch` when the batch does not fit the model or has more
    ///   than one step.
    public func lossAndGradients(for batch: LatentTrainingBatch, generator: inout RandomGenerator) throws
        -> (terms: E2CLossTerms, parameterGradients: [Matrix]) {
        try computeLoss(batch, generator: &generator, needsGradients: true)
    }

    /// The loss terms of `batch` without gradients.
    public func lossTerms(for batch: LatentTrainingBatch, generator: inout RandomGenerator) throws -> E2CLossTerms {
        try computeLoss(batch, generator: &generator, needsGradients: false).terms
    }

    // MARK: - Forward and backward

    func computeLoss(_ batch: LatentTrainingBatch, generator: inout RandomGenerator, needsGradients: Bool) throws
        -> (terms: E2CLossTerms, parameterGradients: [Matrix]) {
        guard batch.stepCount == 1 else {
            throw MBRLError.shapeMismatch("the E2C loss takes one-step windows (x_t, u_t, x_{t+1}); the batch has \(batch.stepCount) steps")
        }
        let m = actionCenter.count
        guard batch.frames[0].columns == encoderInputSize, batch.actions[0].columns == m else {
            throw MBRLError.shapeMismatch(
                "the E2C model takes frames of \(encoderInputSize) entries (\(historyLength) observations of \(rawObservationSize)) and actions of \(m); the batch has \(batch.frames[0].columns) and \(batch.actions[0].columns)")
        }
        let rows = batch.windowCount, n = latentSize
        guard rows > 0 else { throw MBRLError.invalidArgument("the batch holds no windows") }
        let config = self.config
        let layout = transitionLayout
        var terms = E2CLossTerms()

        // MARK: Encoder q(z | x) for x_t and x_{t+1}
        let inputs = LatentMath.stackRows([batch.frames[0], batch.frames[1]])              // [2B, h raw]
        let newest = historyLength == 1 ? inputs
            : inputs.columns((historyLength - 1) * rawObservationSize ..< historyLength * rawObservationSize)
        let (encoderOutput, encoderTape) = try encoder.forward(inputs)
        let (means, rawDeviations) = LatentMath.splitColumns(encoderOutput, at: n)          // [2B, n] each
        let deviations = rawDeviations.map { Self.standardDeviation($0).value }
        var noise = Matrix(rows: rows, columns: n)
        generator.fillStandardNormal(&noise)
        let mean0 = LatentMath.rowBlock(means, 0, blockRows: rows), deviation0 = LatentMath.rowBlock(deviations, 0, blockRows: rows)
        let latents = mean0 + deviation0 * noise                                              // z_t
        let actions = scaledActions(batch.actions[0])
        let (transitionOutput, transitionTape) = try transition.forward(latents)
        let predicted = applyTransition(transitionOutput, latents: latents, scaledActions: actions)   // ẑ_{t+1}

        var meanGradient = Matrix(rows: 2 * rows, columns: n)
        var deviationGradient = Matrix(rows: 2 * rows, columns: n)
        var latentGradient = Matrix(rows: rows, columns: n)           // dL/dz_t
        var predictedGradient = Matrix(rows: rows, columns: n)        // dL/dẑ_{t+1}
        var transitionGradient = Matrix(rows: rows, columns: transitionOutput.columns)

        // MARK: Reconstruction of x_t and prediction of x_{t+1}, one decoder pass
        let (decoded, decoderTape) = try decoder.forward(LatentMath.stackRows([latents, predicted]))
        var difference = decoded - newest
        terms.reconstruction = LatentMath.sumOfSquares(LatentMath.rowBlock(difference, 0, blockRows: rows)) / Double(rows)
        terms.prediction = LatentMath.sumOfSquares(LatentMath.rowBlock(difference, 1, blockRows: rows)) / Double(rows)
        var decoderGradients: [Matrix] = []
        if needsGradients {
            let width = difference.columns
            let scales = (2 * config.reconstructionWeight / Float(rows), 2 * config.predictionWeight / Float(rows))
            difference.withUnsafeMutableBufferPointer { buffer in
                for index in 0..<buffer.count { buffer[index] *= index < rows * width ? scales.0 : scales.1 }
            }
            let (parameters, input) = try decoder.backward(difference, tape: decoderTape, needsInputGradient: true)
            decoderGradients = parameters
            if let input {
                latentGradient.add(LatentMath.rowBlock(input, 0, blockRows: rows))
                predictedGradient.add(LatentMath.rowBlock(input, 1, blockRows: rows))
            }
        }

        // MARK: KL(q(z | x_t) || N(0, I)) and the consistency KL(Q̂ || q(z | x_{t+1}))
        var priorDivergence = 0.0, consistency = 0.0
        let priorScale = config.klWeight / Float(rows), consistencyScale = config.consistencyWeight / Float(rows)
        let output = transitionOutput.values, z = latents.values, u = actions.values
        let width = transitionOutput.columns
        meanGradient.withUnsafeMutableBufferPointer { meanBuffer in
            deviationGradient.withUnsafeMutableBufferPointer { deviationBuffer in
                transitionGradient.withUnsafeMutableBufferPointer { hBuffer in
                    var a = [Float](repeating: 0, count: n * n)
                    var gradient = [Float](repeating: 0, count: n)
                    for row in 0..<rows {
                        let current = row * n, next = (rows + row) * n, base = row * width
                        // Prior term on x_t's Gaussian.
                        for i in 0..<n {
                            let mean = means.values[current + i], deviation = deviations.values[current + i]
                            priorDivergence += 0.5 * Double(mean * mean + deviation * deviation - 1 - 2 * LatentMath.log(deviation))
                            meanBuffer[current + i] += priorScale * mean
                            deviationBuffer[current + i] += priorScale * (deviation - 1 / deviation)
                        }
                        // A = I + v rᵀ, det A = 1 + r · v, and the predicted mean A μ_t + B u + o.
                        var determinant: Float = 1, projection: Float = 0          // r · μ_t
                        for i in 0..<n {
                            determinant += output[base + layout.r + i] * output[base + layout.v + i]
                            projection += output[base + layout.r + i] * means.values[current + i]
                        }
                        for i in 0..<n {
                            for j in 0..<n {
                                a[i * n + j] = (i == j ? 1 : 0) + output[base + layout.v + i] * output[base + layout.r + j]
                            }
                        }
                        var divergence = -Double(n) - 2 * Double(LatentMath.log(abs(determinant)))
                        for i in 0..<n {
                            var predictedMean = means.values[current + i] + output[base + layout.v + i] * projection + output[base + layout.o + i]
                            for j in 0..<m { predictedMean += output[base + layout.b + i * m + j] * u[row * m + j] }
                            let targetDeviation = deviations.values[next + i]
                            let precision = 1 / (targetDeviation * targetDeviation)
                            let offset = means.values[next + i] - predictedMean
                            var spread: Float = 0                                  // (A Σ Aᵀ)_ii
                            for j in 0..<n {
                                let deviation = deviations.values[current + j]
                                spread += a[i * n + j] * a[i * n + j] * deviation * deviation
                            }
                            divergence += Double(precision * (spread + offset * offset)) + 2 * Double(LatentMath.log(targetDeviation))
                                - 2 * Double(LatentMath.log(deviations.values[current + i]))
                            gradient[i] = -consistencyScale * precision * offset                    // dL/d(predicted mean)_i
                            meanBuffer[next + i] += consistencyScale * precision * offset
                            deviationBuffer[next + i] += consistencyScale * (1 / targetDeviation - (spread + offset * offset) * precision / targetDeviation)
                        }
                        consistency += 0.5 * divergence
                        guard needsGradients else { continue }
                        // Through the trace and the log-determinant.
                        for j in 0..<n {
                            let deviation = deviations.values[current + j]
                            var column: Float = 0
                            for i in 0..<n {
                                let targetDeviation = deviations.values[next + i]
                                column += a[i * n + j] * a[i * n + j] / (targetDeviation * targetDeviation)
                            }
                            deviationBuffer[current + j] += consistencyScale * (deviation * column - 1 / deviation)
                        }
                        for i in 0..<n {
                            for j in 0..<n {
                                let targetDeviation = deviations.values[next + i], deviation = deviations.values[current + j]
                                let g = consistencyScale * a[i * n + j] * deviation * deviation / (targetDeviation * targetDeviation)
                                hBuffer[base + layout.v + i] += g * output[base + layout.r + j]
                                hBuffer[base + layout.r + j] += g * output[base + layout.v + i]
                            }
                        }
                        for i in 0..<n {
                            hBuffer[base + layout.v + i] -= consistencyScale * output[base + layout.r + i] / determinant
                            hBuffer[base + layout.r + i] -= consistencyScale * output[base + layout.v + i] / determinant
                        }
                        // Through the predicted mean A μ_t + B u + o.
                        var along: Float = 0                                       // v · g
                        for i in 0..<n { along += output[base + layout.v + i] * gradient[i] }
                        for i in 0..<n {
                            meanBuffer[current + i] += gradient[i] + output[base + layout.r + i] * along
                            hBuffer[base + layout.v + i] += gradient[i] * projection
                            hBuffer[base + layout.r + i] += means.values[current + i] * along
                            hBuffer[base + layout.o + i] += gradient[i]
                            for j in 0..<m { hBuffer[base + layout.b + i * m + j] += gradient[i] * u[row * m + j] }
                        }
                    }
                }
            }
        }
        terms.kullbackLeibler = priorDivergence / Double(rows)
        terms.consistency = consistency / Double(rows)

        // MARK: Reward r(z_t, u_t)
        let rewardTargets = Matrix(rows: rows, columns: 1, values: standardizedRewards(batch.rewards[0]))
        let (rewardPrediction, rewardTape) = try rewardHead.forward(LatentMath.joinColumns(latents, actions))
        let rewardDifference = rewardPrediction - rewardTargets
        terms.reward = LatentMath.sumOfSquares(rewardDifference) / Double(rows)
        terms.total = Double(config.reconstructionWeight) * terms.reconstruction + Double(config.predictionWeight) * terms.prediction
            + Double(config.klWeight) * terms.kullbackLeibler + Double(config.consistencyWeight) * terms.consistency
            + Double(config.rewardWeight) * terms.reward
        guard needsGradients else { return (terms, []) }
        let (rewardGradients, rewardInput) = try rewardHead.backward(
            rewardDifference * (2 * config.rewardWeight / Float(rows)), tape: rewardTape, needsInputGradient: true)
        if let rewardInput { latentGradient.add(LatentMath.splitColumns(rewardInput, at: n).left) }

        // MARK: Through ẑ_{t+1} = z_t + v (r · z_t) + B u + o
        let nextGradient = predictedGradient.values
        latentGradient.withUnsafeMutableBufferPointer { zBuffer in
            transitionGradient.withUnsafeMutableBufferPointer { hBuffer in
                for row in 0..<rows {
                    let base = row * width
                    var along: Float = 0, projection: Float = 0
                    for i in 0..<n {
                        along += output[base + layout.v + i] * nextGradient[row * n + i]
                        projection += output[base + layout.r + i] * z[row * n + i]
                    }
                    for i in 0..<n {
                        let g = nextGradient[row * n + i]
                        zBuffer[row * n + i] += g + output[base + layout.r + i] * along
                        hBuffer[base + layout.v + i] += g * projection
                        hBuffer[base + layout.r + i] += z[row * n + i] * along
                        hBuffer[base + layout.o + i] += g
                        for j in 0..<m { hBuffer[base + layout.b + i * m + j] += g * u[row * m + j] }
                    }
                }
            }
        }
        let (transitionGradients, transitionInput) = try transition.backward(transitionGradient, tape: transitionTape,
                                                                             needsInputGradient: true)
        if let transitionInput { latentGradient.add(transitionInput) }

        // MARK: Back into the encoder through z_t = μ_t + σ_t ε
        meanGradient.withUnsafeMutableBufferPointer { meanBuffer in
            deviationGradient.withUnsafeMutableBufferPointer { deviationBuffer in
                for index in 0..<(rows * n) {
                    meanBuffer[index] += latentGradient.values[index]
                    deviationBuffer[index] += latentGradient.values[index] * noise.values[index]
                }
                for index in 0..<deviationBuffer.count {
                    deviationBuffer[index] *= Self.standardDeviation(rawDeviations.values[index]).derivative
                }
            }
        }
        let (encoderGradients, _) = try encoder.backward(LatentMath.joinColumns(meanGradient, deviationGradient), tape: encoderTape,
                                                         needsInputGradient: false)
        return (terms, encoderGradients + transitionGradients + rewardGradients + decoderGradients)
    }
}
