import MBRLCore

extension LatentModel: TrainableDynamicsModel {
    /// Fits the model to every window of `multiStepLength` consecutive transitions in `buffer`
    /// (continuing from the current weights and optimiser state). Throws, keeping the previous
    /// weights, when a loss or a gradient is not finite.
    public mutating func train(on buffer: ReplayBuffer, generator: inout RandomGenerator) throws -> ModelTrainingReport {
        try train(on: buffer, generator: &generator, onUpdate: { _, _ in }).report
    }

    /// Fits the model as `train(on:generator:)` does, calling `onUpdate(update, terms)` after
    /// every gradient step with the loss terms of its batch.
    ///
    /// Each epoch shuffles the window starts (`ReplayBuffer.sequenceStarts`) with `generator`
    /// and steps Adam once per `batchSize` windows, clipping the global gradient norm to
    /// `maxGradientNorm`; `maxUpdatesPerFit` caps the steps. With `normalizeRewards`, the
    /// reward statistics are refitted to the whole buffer first.
    ///
    /// - Throws: `MBRLError.shapeMismatch` when the buffer holds other sizes,
    ///   `MBRLError.invalidArgument` when it holds no window of `multiStepLength` steps,
    ///   `MBRLError.nonFinite` naming the update whose loss or gradient is not finite.
    @discardableResult
    public mutating func train(on buffer: ReplayBuffer, generator: inout RandomGenerator,
                               onUpdate: (Int, LatentLossTerms) -> Void) throws -> LatentTrainingResult {
        guard buffer.observationSize == rawObservationSize, buffer.actionSize == actionSize else {
            throw MBRLError.shapeMismatch(
                "the latent model takes observations of \(rawObservationSize) entries and actions of \(actionSize); the buffer holds \(buffer.observationSize) and \(buffer.actionSize)")
        }
        let steps = config.multiStepLength
        var starts = buffer.sequenceStarts(length: steps)
        guard !starts.isEmpty else {
            throw MBRLError.invalidArgument(
                "the latent model needs windows of \(steps) consecutive transitions within an episode; the buffer holds \(buffer.count) transitions and none (collect more data or lower multiStepLength)")
        }
        let saved = self
        do {
            if config.normalizeRewards { fitRewardStatistics(to: buffer) }
            let batchSize = min(config.batchSize, starts.count)
            let updatesPerEpoch = (starts.count + batchSize - 1) / batchSize
            var totalUpdates = config.epochs * updatesPerEpoch
            if config.maxUpdatesPerFit > 0 { totalUpdates = min(totalUpdates, config.maxUpdatesPerFit) }
            var update = 0, epochsBegun = 0
            var firstEpoch = LatentLossTerms(), lastEpoch = LatentLossTerms(), lastEpochCount = 0
            let firstEpochCount = min(updatesPerEpoch, totalUpdates)
            while update < totalUpdates {
                epochsBegun += 1
                // Fisher-Yates shuffle of the window starts.
                for index in stride(from: starts.count - 1, to: 0, by: -1) {
                    starts.swapAt(index, generator.nextInt(below: index + 1))
                }
                lastEpoch = LatentLossTerms()
                lastEpochCount = 0
                var offset = 0
                while offset < starts.count && update < totalUpdates {
                    let chosen = Array(starts[offset ..< min(offset + batchSize, starts.count)])
                    offset += batchSize
                    let batch = try LatentTrainingBatch(buffer: buffer, starts: chosen, stepCount: steps, historyLength: historyLength)
                    let result = try lossAndGradients(for: batch, generator: &generator)
                    guard result.terms.isFinite else {
                        throw MBRLError.nonFinite("latent model update \(update + 1): the loss is not finite (\(result.terms))")
                    }
                    var gradients = result.parameterGradients
                    if config.maxGradientNorm > 0 {
                        let norm = try GradientClipping.clipByGlobalNorm(&gradients, maxNorm: config.maxGradientNorm)
                        guard norm.isFinite else {
                            throw MBRLError.nonFinite("latent model update \(update + 1): the gradient norm is \(norm)")
                        }
                    } else if !GradientClipping.globalNorm(gradients).isFinite {
                        throw MBRLError.nonFinite("latent model update \(update + 1): the gradient is not finite")
                    }
                    var optimizer = self.optimizer
                    self.optimizer.reset()          // drop the shared moments so the step updates them in place
                    try optimizer.step(&self, gradients: gradients)
                    self.optimizer = optimizer
                    update += 1
                    if epochsBegun == 1 { firstEpoch = firstEpoch + result.terms }
                    lastEpoch = lastEpoch + result.terms
                    lastEpochCount += 1
                    onUpdate(update, result.terms)
                }
            }
            let lastTerms = lastEpoch.averaged(over: lastEpochCount)
            fitCount += 1
            lastLossTerms = lastTerms
            return LatentTrainingResult(
                report: ModelTrainingReport(epochs: epochsBegun, trainingLoss: lastTerms.total, validationScore: nil),
                updates: update, windowCount: starts.count,
                firstEpochTerms: firstEpoch.averaged(over: firstEpochCount), lastEpochTerms: lastTerms)
        } catch {
            self = saved
            throw error
        }
    }

    /// Sets the reward statistics (`rewardMean`, `rewardStandardDeviation`) to the mean and
    /// standard deviation of the buffer's rewards (a standard deviation below 1e-6 becomes 1).
    /// `train` does this first when `normalizeRewards` is on.
    public mutating func fitRewardStatistics(to buffer: ReplayBuffer) {
        var rewards: [Float] = []
        rewards.reserveCapacity(buffer.count)
        for chunk in stride(from: 0, to: buffer.count, by: 1024) {
            rewards.append(contentsOf: buffer.batch(Array(chunk ..< min(chunk + 1024, buffer.count))).rewards)
        }
        guard !rewards.isEmpty else { return }
        var sum = 0.0, squares = 0.0
        for reward in rewards { sum += Double(reward) }
        let mean = sum / Double(rewards.count)
        for reward in rewards { squares += (Double(reward) - mean) * (Double(reward) - mean) }
        let deviation = (squares / Double(rewards.count)).squareRoot()
        rewardMean = Float(mean)
        rewardStandardDeviation = deviation < 1e-6 ? 1 : Float(deviation)
    }
}
