#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MBRLCore

/// A neural dynamics model's training loss on one batch, with its parts and gradients.
public struct ModelLoss: Sendable {
    /// The total loss: the mean over steps of the regression loss plus the weighted termination
    /// loss, plus the log-variance bound penalty.
    public var loss: Float
    /// The regression part (MSE or Gaussian NLL, summed over members), averaged over steps.
    public var regressionLoss: Float
    /// The termination head's binary cross-entropy (summed over members), averaged over steps
    /// (0 without a termination head).
    public var terminationLoss: Float
    /// `boundPenaltyWeight * (sum(maxLogVariance) - sum(minLogVariance))` (0 for a
    /// deterministic model).
    public var boundPenalty: Float
    /// `dL/dp` for every trained parameter, in the order of `DynamicsEnsemble.parameters`.
    public var gradients: [Matrix]
}

extension DynamicsEnsemble {
    /// The training loss of `batch` and its gradients with respect to `parameters`.
    ///
    /// Per step, in the normalised target space (`(target - mean) / std` of the output
    /// normaliser, the identity unless `normalizeOutputs`): mean squared error (deterministic)
    /// or Gaussian negative log-likelihood with the bounded log-variance (Gaussian), each
    /// member's mean over its rows and outputs summed over members (mbrl-lib's reduction of the
    /// Gaussian NLL; its deterministic MSE sums over rows and outputs instead, a constant
    /// factor); plus
    /// `terminationLossWeight` times the binary cross-entropy of the termination logit (with
    /// `balanceTerminationClasses`, terminated rows weighted by the step's negatives over
    /// positives). With
    /// several steps the model is unrolled on its own mean predictions and the loss is the mean
    /// over steps, with gradients through the whole unrolled chain (backpropagation through the
    /// predicted observations, their normalisation and the delta). A Gaussian model adds the
    /// bound penalty once.
    ///
    /// - Throws: `MBRLError.shapeMismatch` when the batch does not fit the model (it must be
    ///   stacked for all `ensembleSize` members).
    public func lossAndGradients(for batch: ModelTrainingBatch) throws -> ModelLoss {
        guard batch.memberCount == ensembleSize else {
            throw MBRLError.shapeMismatch("the batch is stacked for \(batch.memberCount) members, the model has \(ensembleSize)")
        }
        guard batch.observations.columns == observationSize, batch.actions.allSatisfy({ $0.columns == actionSize }) else {
            throw MBRLError.shapeMismatch(
                "the model takes observations of \(observationSize) and actions of \(actionSize) entries; the batch has \(batch.observations.columns) and \(batch.actions.first?.columns ?? 0)")
        }
        let members = ensembleSize, rows = batch.rowCount, steps = batch.stepCount
        let rowsPerMember = max(batch.rowsPerMember, 1)
        let layout = self.layout
        let regression = layout.regressionSize, observationWidth = observationSize, width = layout.outputSize
        let transform = OutputTransform(model: self)
        let inverseTargetScale = transform.targetStandardDeviation.map { 1 / $0 }
        let inputScale = config.normalizeInputs ? inputNormalizer.inverseStandardDeviation : [Float](repeating: 1, count: inputSize)

        // MARK: Forward, unrolled on the model's own mean predictions
        var state = batch.observations
        var tapes: [EnsembleMLP.Tape] = []
        var outputs: [Matrix] = []
        var targets: [Matrix] = []
        for step in 0..<steps {
            let (output, tape) = try network.forward(makeInputs(observations: state, actions: batch.actions[step]))
            var target = Matrix(rows: rows, columns: regression)
            var nextState = Matrix(rows: step + 1 < steps ? rows : 0, columns: observationWidth)
            let nextObservations = batch.nextObservations[step], rewards = batch.rewards[step]
            target.withUnsafeMutableBufferPointer { targetBuffer in
                state.withUnsafeBufferPointer { stateBuffer in
                    nextObservations.withUnsafeBufferPointer { nextBuffer in
                        output.withUnsafeBufferPointer { out in
                            nextState.withUnsafeMutableBufferPointer { predicted in
                                for row in 0..<rows {
                                    for column in 0..<observationWidth {
                                        let index = row * observationWidth + column
                                        let base = transform.deltaMask[column] * stateBuffer[index]
                                        targetBuffer[row * regression + column] =
                                            (nextBuffer[index] - base - transform.targetMean[column]) * inverseTargetScale[column]
                                        if predicted.count > 0 {
                                            predicted[index] = base + transform.denormalized(out[row * width + column], column: column)
                                        }
                                    }
                                    if layout.hasReward {
                                        let column = layout.rewardColumn
                                        targetBuffer[row * regression + column] =
                                            (rewards[row] - transform.targetMean[column]) * inverseTargetScale[column]
                                    }
                                }
                            }
                        }
                    }
                }
            }
            tapes.append(tape)
            outputs.append(output)
            targets.append(target)
            state = nextState
        }

        // MARK: Backward, last step first
        let stepScale = 1 / Float(steps)
        var parameterGradients: [Matrix] = []
        var boundGradients = [Matrix(rows: 1, columns: regression), Matrix(rows: 1, columns: regression)]
        var laterGradient = Matrix(rows: rows, columns: observationWidth)   // dL / d(predicted state) from later steps
        var regressionTotal = 0.0, terminationTotal = 0.0
        for step in stride(from: steps - 1, through: 0, by: -1) {
            let output = outputs[step]
            let mean = output.columns(0..<regression)
            let meanGradient: Matrix
            var logVarianceGradient: Matrix? = nil
            if let bounds = logVarianceBounds {
                let result = try GaussianNegativeLogLikelihood.lossAndGradients(
                    mean: mean, rawLogVariance: output.columns(layout.logVarianceOffset ..< layout.logVarianceOffset + regression),
                    target: targets[step], bounds: bounds, memberCount: members)
                regressionTotal += Double(result.loss)
                meanGradient = result.meanGradient
                logVarianceGradient = result.logVarianceGradient
                if trainsLogVarianceBounds {
                    boundGradients[0].add(result.boundGradients[0], scaledBy: stepScale)
                    boundGradients[1].add(result.boundGradients[1], scaledBy: stepScale)
                }
            } else {
                let result = try MeanSquaredError.lossAndGradient(prediction: mean, target: targets[step], memberCount: members)
                regressionTotal += Double(result.loss)
                meanGradient = result.gradient
            }
            var outputGradient = Matrix(rows: rows, columns: width)
            let terminated = batch.terminated[step]
            let terminationWeight = config.terminationLossWeight
            // Class balance: terminated rows weigh negatives / positives of this step's rows.
            var positiveWeight: Float = 1
            if layout.hasTermination && config.balanceTerminationClasses {
                let positives = terminated.reduce(0) { $0 + ($1 ? 1 : 0) }
                if positives > 0 && positives < terminated.count {
                    positiveWeight = Float(terminated.count - positives) / Float(positives)
                }
            }
            var stepTermination = 0.0
            outputGradient.withUnsafeMutableBufferPointer { gradient in
                meanGradient.withUnsafeBufferPointer { meanBuffer in
                    laterGradient.withUnsafeBufferPointer { later in
                        output.withUnsafeBufferPointer { out in
                            for row in 0..<rows {
                                for column in 0..<regression {
                                    var value = stepScale * meanBuffer[row * regression + column]
                                    if column < observationWidth {
                                        value += later[row * observationWidth + column] * transform.targetStandardDeviation[column]
                                    }
                                    gradient[row * width + column] = value
                                }
                                if let logVarianceGradient {
                                    for column in 0..<regression {
                                        gradient[row * width + layout.logVarianceOffset + column] =
                                            stepScale * logVarianceGradient[row, column]
                                    }
                                }
                                if layout.hasTermination {
                                    let logit = out[row * width + layout.terminationColumn]
                                    let label: Float = terminated[row] ? 1 : 0
                                    let classWeight: Float = terminated[row] ? positiveWeight : 1
                                    stepTermination += Double(classWeight * (Activation.softplus(logit) - label * logit))
                                    let probability = 1 / (1 + expf(-logit))
                                    gradient[row * width + layout.terminationColumn] =
                                        stepScale * terminationWeight * classWeight * (probability - label) / Float(rowsPerMember)
                                }
                            }
                        }
                    }
                }
            }
            terminationTotal += stepTermination / Double(rowsPerMember)
            let (stepGradients, inputGradient) = try network.backward(outputGradient, tape: tapes[step], needsInputGradient: step > 0)
            if parameterGradients.isEmpty {
                parameterGradients = stepGradients
            } else {
                for index in parameterGradients.indices { parameterGradients[index].add(stepGradients[index]) }
            }
            if step > 0, let inputGradient {
                var earlierGradient = Matrix(rows: rows, columns: observationWidth)
                for row in 0..<rows {
                    for column in 0..<observationWidth {
                        let ownTarget = stepScale * meanGradient[row, column] * inverseTargetScale[column]
                        earlierGradient[row, column] = inputGradient[row, column] * inputScale[column]
                            + transform.deltaMask[column] * (laterGradient[row, column] + ownTarget)
                    }
                }
                laterGradient = earlierGradient
            }
        }
        var penalty: Float = 0
        if let bounds = logVarianceBounds {
            let (value, gradients) = bounds.penalty(weight: config.boundPenaltyWeight)
            penalty = value
            if trainsLogVarianceBounds {
                boundGradients[0].add(gradients[0])
                boundGradients[1].add(gradients[1])
            }
        }
        let regressionLoss = Float(regressionTotal) * stepScale
        let terminationLoss = Float(terminationTotal) * stepScale
        return ModelLoss(
            loss: regressionLoss + config.terminationLossWeight * terminationLoss + penalty,
            regressionLoss: regressionLoss, terminationLoss: terminationLoss, boundPenalty: penalty,
            gradients: parameterGradients + (trainsLogVarianceBounds ? boundGradients : []))
    }

    /// Each member's score on `rows` of `data` (all rows when `nil`): the mean squared error of
    /// its mean prediction of the regression targets (observation change, or observation for
    /// `noDeltaDimensions`, and reward), in the targets' units, averaged over rows and outputs,
    /// as mbrl-lib's `GaussianMLP.eval_score`. One entry per member (all `ensembleSize`).
    ///
    /// - Throws: `MBRLError.shapeMismatch` when the data does not fit the model.
    public func memberScores(on data: TransitionBatch, rows: [Int]? = nil) throws -> [Double] {
        try validateInputs(observations: data.observations, actions: data.actions)
        let selected = rows ?? Array(0..<data.count)
        let members = ensembleSize
        var totals = [Double](repeating: 0, count: members)
        guard !selected.isEmpty else { return totals }
        let layout = self.layout
        let transform = OutputTransform(model: self)
        let regression = layout.regressionSize, observationWidth = observationSize, width = layout.outputSize
        let chunkSize = 1024
        for chunkStart in stride(from: 0, to: selected.count, by: chunkSize) {
            let chunk = Array(selected[chunkStart ..< min(chunkStart + chunkSize, selected.count)])
            let observations = ModelTrainingBatch.gather(data.observations, rows: chunk)
            let nextObservations = ModelTrainingBatch.gather(data.nextObservations, rows: chunk)
            let output = try network(broadcasting: makeInputs(observations: observations,
                                                               actions: ModelTrainingBatch.gather(data.actions, rows: chunk)))
            let count = chunk.count
            for member in 0..<members {
                var total = 0.0
                for row in 0..<count {
                    let base = (member * count + row) * width
                    for column in 0..<observationWidth {
                        let target = nextObservations[row, column] - transform.deltaMask[column] * observations[row, column]
                        let error = Double(transform.denormalized(output.values[base + column], column: column) - target)
                        total += error * error
                    }
                    if layout.hasReward {
                        let column = layout.rewardColumn
                        let error = Double(transform.denormalized(output.values[base + column], column: column) - data.rewards[chunk[row]])
                        total += error * error
                    }
                }
                totals[member] += total
            }
        }
        let scale = 1 / Double(selected.count * regression)
        return totals.map { $0 * scale }
    }
}
