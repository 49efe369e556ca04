import MBRLCore

extension E2CModel: TrainableDynamicsModel {
    /// Fits the model to every transition `(x_t, u_t, r_t, x_{t+1})` in `buffer` (continuing from
    /// the current weights and optimiser state). Each epoch shuffles the transitions with
    /// `generator` and steps Adam once per `batchSize` of them, clipping the global gradient
    /// norm to `maxGradientNorm`; `maxUpdatesPerFit` caps the steps. With `normalizeRewards`,
    /// the reward statistics are refitted to the whole buffer first.
    ///
    /// - Throws: `MBRLError.shapeMismatch` when the buffer holds other sizes,
    ///   `MBRLError.invalidArgument` when it is empty, `MBRLError.nonFinite` naming the update
    ///   whose loss or gradient is not finite (the previous weights are kept).
    public mutating func train(on buffer: ReplayBuffer, generator: inout RandomGenerator) throws -> ModelTrainingReport {
        guard buffer.observationSize == rawObservationSize, buffer.actionSize == actionSize else {
            throw MBRLError.shapeMismatch(
                "the E2C model takes observations of \(rawObservationSize) entries and actions of \(actionSize); the buffer holds \(buffer.observationSize) and \(buffer.actionSize)")
        }
        var starts = buffer.sequenceStarts(length: 1)
        guard !starts.isEmpty else {
            throw MBRLError.invalidArgument("the E2C model needs at least one transition; the buffer is empty")
        }
        let saved = self
        do {
            if config.normalizeRewards { fitRewardStatistics(to: buffer) }
            let batchSize = min(config.batchSize, starts.count)
            let updatesPerEpoch = (starts.count + batchSize - 1) / batchSize
            var totalUpdates = config.epochs * updatesPerEpoch
            if config.maxUpdatesPerFit > 0 { totalUpdates = min(totalUpdates, config.maxUpdatesPerFit) }
            var update = 0, epochsBegun = 0
            var lastEpoch = E2CLossTerms(), lastEpochCount = 0
            while update < totalUpdates {
                epochsBegun += 1
                for index in stride(from: starts.count - 1, to: 0, by: -1) {
                    starts.swapAt(index, generator.nextInt(below: index + 1))
                }
                lastEpoch = E2CLossTerms()
                lastEpochCount = 0
                var offset = 0
                while offset < starts.count && update < totalUpdates {
                    let chosen = Array(starts[offset ..< min(offset + batchSize, starts.count)])
                    offset += batchSize
                    let batch = try LatentTrainingBatch(buffer: buffer, starts: chosen, stepCount: 1, historyLength: historyLength)
                    let result = try lossAndGradients(for: batch, generator: &generator)
                    guard result.terms.isFinite else {
                        throw MBRLError.nonFinite("E2C model update \(update + 1): the loss is not finite (\(result.terms))")
                    }
                    var gradients = result.parameterGradients
                    if config.maxGradientNorm > 0 {
                        let norm = try GradientClipping.clipByGlobalNorm(&gradients, maxNorm: config.maxGradientNorm)
                        guard norm.isFinite else {
                            throw MBRLError.nonFinite("E2C model update \(update + 1): the gradient norm is \(norm)")
                        }
                    } else if !GradientClipping.globalNorm(gradients).isFinite {
                        throw MBRLError.nonFinite("E2C model update \(update + 1): the gradient is not finite")
                    }
                    var optimizer = self.optimizer
                    self.optimizer.reset()          // drop the shared moments so the step updates them in place
                    try optimizer.step(&self, gradients: gradients)
                    self.optimizer = optimizer
                    update += 1
                    lastEpoch = lastEpoch + result.terms
                    lastEpochCount += 1
                }
            }
            let lastTerms = lastEpoch.averaged(over: lastEpochCount)
            fitCount += 1
            lastLossTerms = lastTerms
            return ModelTrainingReport(epochs: epochsBegun, trainingLoss: lastTerms.total, validationScore: nil)
        } catch {
            self = saved
            throw error
        }
    }

    /// Sets `rewardMean` and `rewardStandardDeviation` to the statistics of the buffer's
    /// rewards (a standard deviation below 1e-6 becomes 1).
    public mutating func fitRewardStatistics(to buffer: ReplayBuffer) {
        var sum = 0.0, squares = 0.0, count = 0
        for chunk in stride(from: 0, to: buffer.count, by: 1024) {
            for reward in buffer.batch(Array(chunk ..< min(chunk + 1024, buffer.count))).rewards {
                sum += Double(reward)
                squares += Double(reward) * Double(reward)
                count += 1
            }
        }
        guard count > 0 else { return }
        let mean = sum / Double(count)
        let deviation = max(squares / Double(count) - mean * mean, 0).squareRoot()
        rewardMean = Float(mean)
        rewardStandardDeviation = deviation < 1e-6 ? 1 : Float(deviation)
    }
}
