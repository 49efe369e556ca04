import MBRLCore

extension LatentModel {
    /// The joint loss of `batch` (see `LatentModelConfig`) and its gradient with respect to
    /// every parameter; with `needsInputGradients`, also with respect to the frames and actions.
    ///
    /// The encoder sees every frame of every window in one pass; the latent dynamics is rolled
    /// open loop from the first frame's latent for `batch.stepCount` steps (through every member
    /// of an ensemble, the terms averaged over members); gradients flow back through the
    /// rollout (backpropagation through time) into the encoder. A stochastic encoder and
    /// Gaussian dynamics draw their reparameterisation noise from `generator` (encoder noise
    /// first, then each member's steps in order), so the same generator state gives the same
    /// loss.
    ///
    /// - Throws: `MBRLError.shapeMismatch` when the batch does not fit the model.
    public func lossAndGradients(for batch: LatentTrainingBatch, generator: inout RandomGenerator,
                                 needsInputGradients: Bool = false) throws -> LatentLossResult {
        try computeLoss(batch, generator: &generator, needsGradients: true, needsInputGradients: needsInputGradients)
    }

    /// The loss terms of `batch` without gradients (for diagnostics and tests).
    public func lossTerms(for batch: LatentTrainingBatch, generator: inout RandomGenerator) throws -> LatentLossTerms {
        try computeLoss(batch, generator: &generator, needsGradients: false, needsInputGradients: false).terms
    }

    // MARK: - Forward and backward

    func computeLoss(_ batch: LatentTrainingBatch, generator: inout RandomGenerator, needsGradients: Bool,
                     needsInputGradients: Bool) throws -> LatentLossResult {
        let windows = batch.windowCount, steps = batch.stepCount, latent = latentSize
        guard batch.frames[0].columns == encoderInputSize, batch.actions[0].columns == actionSize else {
            throw MBRLError.shapeMismatch(
                "the latent model takes frames of \(encoderInputSize) entries (\(historyLength) observations of \(rawObservationSize)) and actions of \(actionSize); the batch has \(batch.frames[0].columns) and \(batch.actions[0].columns)")
        }
        guard windows > 0 else { throw MBRLError.invalidArgument("the batch holds no windows") }
        let config = self.config
        let frameRows = (steps + 1) * windows, stepRows = steps * windows
        let memberScale = 1 / Float(dynamics.count)
        var terms = LatentLossTerms()

        // MARK: Encoder
        let stackedFrames = LatentMath.stackRows(batch.frames)                  // encoder inputs
        let newestFrames = newestObservations(stackedFrames)                   // reconstruction targets
        let (encoderOutput, encoderTape) = try encoder.forward(stackedFrames)
        var means = encoderOutput, latents = encoderOutput
        var rawStandardDeviations = Matrix(rows: 0, columns: 0), standardDeviations = Matrix(rows: 0, columns: 0)
        var encoderNoise = Matrix(rows: 0, columns: 0)
        if config.stochasticEncoder {
            (means, rawStandardDeviations) = LatentMath.splitColumns(encoderOutput, at: latent)
            standardDeviations = rawStandardDeviations.map { Self.encoderStandardDeviation($0).value }
            encoderNoise = Matrix(rows: frameRows, columns: latent)
            generator.fillStandardNormal(&encoderNoise)
            latents = means + standardDeviations * encoderNoise
        }
        var latentGradient = Matrix(rows: frameRows, columns: latent)     // dL/dz
        var meanGradient = Matrix(rows: frameRows, columns: latent)       // dL/dmean other than through z
        var standardDeviationGradient = Matrix(rows: frameRows, columns: latent)
        // The gradient with respect to the frames as reconstruction and prediction targets.
        var frameTargetGradient = needsInputGradients ? Matrix(rows: frameRows, columns: rawObservationSize) : Matrix(rows: 0, columns: 0)
        var decoderGradients: [Matrix]?

        // MARK: Reconstruction
        if config.reconstructionWeight > 0 {
            let (reconstruction, tape) = try decoder.forward(latents)
            let difference = reconstruction - newestFrames
            terms.reconstruction = LatentMath.sumOfSquares(difference) / Double(frameRows)
            if needsGradients {
                let gradient = difference * (2 * config.reconstructionWeight / Float(frameRows))
                let (parameters, input) = try decoder.backward(gradient, tape: tape, needsInputGradient: true)
                LatentMath.accumulate(&decoderGradients, parameters)
                if let input { latentGradient.add(input) }
                if needsInputGradients { frameTargetGradient.add(gradient, scaledBy: -1) }
            }
        }

        // MARK: KL to the unit Gaussian
        if config.stochasticEncoder {
            // KL(N(mean, deviation^2) || N(0, 1)) = 0.5 * (mean^2 + deviation^2 - 1 - 2 log deviation) per entry.
            var divergence = 0.0
            let scale = config.klWeight / Float(frameRows)
            meanGradient.withUnsafeMutableBufferPointer { meanBuffer in
                standardDeviationGradient.withUnsafeMutableBufferPointer { deviationBuffer in
                    for index in 0..<means.count {
                        let mean = means.values[index], deviation = standardDeviations.values[index]
                        divergence += 0.5 * Double(mean * mean + deviation * deviation - 1 - 2 * LatentMath.log(deviation))
                        meanBuffer[index] += scale * mean
                        deviationBuffer[index] += scale * (deviation - 1 / deviation)
                    }
                }
            }
            terms.kullbackLeibler = divergence / Double(frameRows)
        }

        // MARK: Latent rollouts, one per member
        let scaledActionBlocks = batch.actions.map(scaledActions)
        let rewardTargets = Matrix(rows: stepRows, columns: 1, values: batch.rewards.flatMap(standardizedRewards))
        let predictionTargets = newestFrames.rows(windows ..< frameRows)       // o_1 ... o_k
        let targets = (1...steps).map { LatentMath.rowBlock(means, $0, blockRows: windows) }
        var targetGradients = [Matrix](repeating: Matrix(rows: windows, columns: latent), count: steps)
        var actionGradients = [Matrix](repeating: Matrix(rows: windows, columns: actionInputSize), count: steps)
        var startGradient = Matrix(rows: windows, columns: latent)
        var dynamicsGradients: [[Matrix]] = []
        var rewardGradients: [Matrix]?

        for member in dynamics.indices {
            let network = dynamics[member]
            var states = [LatentMath.rowBlock(latents, 0, blockRows: windows)]
            var tapes: [MLP.Tape] = []
            // Gaussian members: the mean, log-variance (and its derivative) and noise of each step.
            var stepMeans: [Matrix] = [], logVariances: [Matrix] = [], logVarianceDerivatives: [Matrix] = [], stepNoise: [Matrix] = []
            for step in 0..<steps {
                let (output, tape) = try network.forward(LatentMath.joinColumns(states[step], scaledActionBlocks[step]))
                tapes.append(tape)
                if hasGaussianDynamics {
                    let (change, raw) = LatentMath.splitColumns(output, at: latent)
                    let mean = states[step] + change
                    let bounded = raw.values.map(boundedLogVariance)
                    let logVariance = Matrix(rows: windows, columns: latent, values: bounded.map(\.value))
                    var noise = Matrix(rows: windows, columns: latent)
                    generator.fillStandardNormal(&noise)
                    states.append(mean + logVariance.map { LatentMath.exp(0.5 * $0) } * noise)
                    stepMeans.append(mean)
                    logVariances.append(logVariance)
                    logVarianceDerivatives.append(Matrix(rows: windows, columns: latent, values: bounded.map(\.derivative)))
                    stepNoise.append(noise)
                } else {
                    states.append(states[step] + output)
                }
            }
            var stateGradients = [Matrix](repeating: Matrix(rows: windows, columns: latent), count: steps + 1)
            var meanDirectGradients = [Matrix](repeating: Matrix(rows: windows, columns: latent), count: steps)
            var logVarianceDirectGradients = meanDirectGradients

            // Latent prediction: squared error, or the Gaussian negative log-likelihood.
            if config.latentWeight > 0 {
                let scale = config.latentWeight * memberScale / Float(stepRows)
                for step in 0..<steps {
                    if hasGaussianDynamics {
                        // 0.5 * ((mean - target)^2 / variance + log variance) per entry.
                        var total = 0.0
                        var meanGradientValues = [Float](repeating: 0, count: windows * latent)
                        var logVarianceGradientValues = meanGradientValues
                        for index in 0..<(windows * latent) {
                            let difference = stepMeans[step].values[index] - targets[step].values[index]
                            let logVariance = logVariances[step].values[index]
                            let inverseVariance = LatentMath.exp(-logVariance)
                            total += 0.5 * Double(difference * difference * inverseVariance + logVariance)
                            meanGradientValues[index] = scale * difference * inverseVariance
                            logVarianceGradientValues[index] = scale * 0.5 * (1 - difference * difference * inverseVariance)
                        }
                        terms.latent += total / Double(stepRows) * Double(memberScale)
                        let meanGradientStep = Matrix(rows: windows, columns: latent, values: meanGradientValues)
                        meanDirectGradients[step] = meanGradientStep
                        logVarianceDirectGradients[step] = Matrix(rows: windows, columns: latent, values: logVarianceGradientValues)
                        targetGradients[step].add(meanGradientStep, scaledBy: -1)
                    } else {
                        let difference = states[step + 1] - targets[step]
                        terms.latent += LatentMath.sumOfSquares(difference) / Double(stepRows) * Double(memberScale)
                        let gradient = difference * (2 * scale)
                        stateGradients[step + 1].add(gradient)
                        targetGradients[step].add(gradient, scaledBy: -1)
                    }
                }
            }

            // Reward r(s_t, a_t, s_{t+1}) (or r(s_t, a_t)) for t = 0...k-1, all steps in one pass.
            if config.rewardWeight > 0 {
                let inputs = LatentMath.stackRows((0..<steps).map { step in
                    let stateAction = LatentMath.joinColumns(states[step], scaledActionBlocks[step])
                    return config.rewardUsesNextLatent ? LatentMath.joinColumns(stateAction, states[step + 1]) : stateAction
                })
                let (prediction, tape) = try rewardHead.forward(inputs)
                let difference = prediction - rewardTargets
                terms.reward += LatentMath.sumOfSquares(difference) / Double(stepRows) * Double(memberScale)
                if needsGradients {
                    let gradient = difference * (2 * config.rewardWeight * memberScale / Float(stepRows))
                    let (parameters, input) = try rewardHead.backward(gradient, tape: tape, needsInputGradient: true)
                    LatentMath.accumulate(&rewardGradients, parameters)
                    if let input {
                        for step in 0..<steps {
                            let (stateGradient, rest) = LatentMath.splitColumns(LatentMath.rowBlock(input, step, blockRows: windows),
                                                                                at: latent)
                            let (actionGradient, nextGradient) = LatentMath.splitColumns(rest, at: actionInputSize)
                            stateGradients[step].add(stateGradient)
                            actionGradients[step].add(actionGradient)
                            if config.rewardUsesNextLatent { stateGradients[step + 1].add(nextGradient) }
                        }
                    }
                }
            }

            // Open-loop observation prediction dec(s_t) for t = 1...k, all steps in one pass.
            if config.predictionWeight > 0 {
                let (prediction, tape) = try decoder.forward(LatentMath.stackRows(Array(states[1...])))
                let difference = prediction - predictionTargets
                terms.prediction += LatentMath.sumOfSquares(difference) / Double(stepRows) * Double(memberScale)
                if needsGradients {
                    let gradient = difference * (2 * config.predictionWeight * memberScale / Float(stepRows))
                    let (parameters, input) = try decoder.backward(gradient, tape: tape, needsInputGradient: true)
                    LatentMath.accumulate(&decoderGradients, parameters)
                    if let input {
                        for step in 0..<steps { stateGradients[step + 1].add(LatentMath.rowBlock(input, step, blockRows: windows)) }
                    }
                    if needsInputGradients {
                        frameTargetGradient.withUnsafeMutableBufferPointer { buffer in
                            let offset = windows * rawObservationSize
                            for index in 0..<gradient.count { buffer[offset + index] -= gradient.values[index] }
                        }
                    }
                }
            }

            // Backpropagation through time.
            guard needsGradients else { continue }
            var memberGradients = network.parameters.map { Matrix(rows: $0.rows, columns: $0.columns) }
            for step in stride(from: steps - 1, through: 0, by: -1) {
                let nextGradient = stateGradients[step + 1]
                let outputGradient: Matrix
                if hasGaussianDynamics {
                    let meanGradientStep = nextGradient + meanDirectGradients[step]
                    var rawGradient = Matrix(rows: windows, columns: latent)
                    rawGradient.withUnsafeMutableBufferPointer { buffer in
                        for index in 0..<buffer.count {
                            let deviation = LatentMath.exp(0.5 * logVariances[step].values[index])
                            let logVarianceGradient = nextGradient.values[index] * stepNoise[step].values[index] * 0.5 * deviation
                                + logVarianceDirectGradients[step].values[index]
                            buffer[index] = logVarianceGradient * logVarianceDerivatives[step].values[index]
                        }
                    }
                    outputGradient = LatentMath.joinColumns(meanGradientStep, rawGradient)
                    stateGradients[step].add(meanGradientStep)
                } else {
                    outputGradient = nextGradient
                    stateGradients[step].add(nextGradient)
                }
                let (parameters, input) = try network.backward(outputGradient, tape: tapes[step], needsInputGradient: true)
                for index in memberGradients.indices { memberGradients[index].add(parameters[index]) }
                if let input {
                    let (stateGradient, actionGradient) = LatentMath.splitColumns(input, at: latent)
                    stateGradients[step].add(stateGradient)
                    actionGradients[step].add(actionGradient)
                }
            }
            startGradient.add(stateGradients[0])
            dynamicsGradients.append(memberGradients)
        }

        terms.total = Double(config.reconstructionWeight) * terms.reconstruction + Double(config.predictionWeight) * terms.prediction
            + Double(config.latentWeight) * terms.latent + Double(config.rewardWeight) * terms.reward
            + (config.stochasticEncoder ? Double(config.klWeight) * terms.kullbackLeibler : 0)
        guard needsGradients else { return LatentLossResult(terms: terms, parameterGradients: []) }

        // MARK: Back into the encoder
        latentGradient.withUnsafeMutableBufferPointer { buffer in
            for index in 0..<startGradient.count { buffer[index] += startGradient.values[index] }
        }
        if config.latentTargetGradient == .through {
            meanGradient.withUnsafeMutableBufferPointer { buffer in
                for step in 0..<steps {
                    let offset = (step + 1) * windows * latent
                    for index in 0..<targetGradients[step].count { buffer[offset + index] += targetGradients[step].values[index] }
                }
            }
        }
        let encoderOutputGradient: Matrix
        if config.stochasticEncoder {
            let meanTotal = latentGradient + meanGradient
            var rawGradient = latentGradient * encoderNoise + standardDeviationGradient
            rawGradient.withUnsafeMutableBufferPointer { buffer in
                for index in 0..<buffer.count {
                    buffer[index] *= Self.encoderStandardDeviation(rawStandardDeviations.values[index]).derivative
                }
            }
            encoderOutputGradient = LatentMath.joinColumns(meanTotal, rawGradient)
        } else {
            encoderOutputGradient = latentGradient + meanGradient
        }
        let (encoderGradients, encoderInputGradient) = try encoder.backward(
            encoderOutputGradient, tape: encoderTape, needsInputGradient: needsInputGradients)

        var gradients = encoderGradients
        for memberGradients in dynamicsGradients { gradients.append(contentsOf: memberGradients) }
        gradients.append(contentsOf: rewardGradients ?? rewardHead.parameters.map { Matrix(rows: $0.rows, columns: $0.columns) })
        gradients.append(contentsOf: decoderGradients ?? decoder.parameters.map { Matrix(rows: $0.rows, columns: $0.columns) })

        var result = LatentLossResult(terms: terms, parameterGradients: gradients)
        if needsInputGradients, let encoderInputGradient {
            var total = encoderInputGradient
            let width = encoderInputSize, offset = width - rawObservationSize
            total.withUnsafeMutableBufferPointer { buffer in
                for row in 0..<frameRows {
                    for column in 0..<rawObservationSize {
                        buffer[row * width + offset + column] += frameTargetGradient.values[row * rawObservationSize + column]
                    }
                }
            }
            result.frameGradients = (0...steps).map { LatentMath.rowBlock(total, $0, blockRows: windows) }
            result.actionGradients = actionGradients.map { gradient in
                // A discrete action index has no gradient: zeros `[windows, 1]`.
                if discreteActionCount != nil { return Matrix(rows: windows, columns: 1) }
                var unscaled = gradient
                unscaled.withUnsafeMutableBufferPointer { buffer in
                    for row in 0..<windows {
                        for column in 0..<actionSize { buffer[row * actionSize + column] /= actionHalfWidth[column] }
                    }
                }
                return unscaled
            }
        }
        return result
    }

    /// The newest observation of every history row: the last `rawObservationSize` columns.
    func newestObservations(_ histories: Matrix) -> Matrix {
        historyLength == 1 ? histories : histories.columns((historyLength - 1) * rawObservationSize ..< historyLength * rawObservationSize)
    }
}
