import MBRLCore

extension ContrastiveForwardModel: TrainableDynamicsModel {
    /// Fits the model to the transitions in `buffer` (continuing from the current weights and
    /// optimiser state): each epoch shuffles the transitions with `generator` and steps Adam on
    /// the InfoNCE loss of every `batchSize` of them (the last, smaller batch included when it
    /// holds at least 2), clipping the global gradient norm to `maxGradientNorm`;
    /// `maxUpdatesPerFit` caps the steps. Throws, keeping the previous weights, when a loss or
    /// a gradient is not finite.
    ///
    /// - Throws: `MBRLError.shapeMismatch` when the buffer holds other sizes,
    ///   `MBRLError.invalidArgument` when it holds fewer than 2 transitions,
    ///   `MBRLError.nonFinite` naming the update whose loss or gradient is not finite.
    public mutating func train(on buffer: ReplayBuffer, generator: inout RandomGenerator) throws -> ModelTrainingReport {
        guard buffer.observationSize == rawObservationSize, buffer.actionSize == actionSize else {
            throw MBRLError.shapeMismatch(
                "the contrastive model takes observations of \(rawObservationSize) entries and actions of \(actionSize); the buffer holds \(buffer.observationSize) and \(buffer.actionSize)")
        }
        guard buffer.count >= 2 else {
            throw MBRLError.invalidArgument("the contrastive model needs at least 2 transitions (a positive and a negative); the buffer holds \(buffer.count)")
        }
        let saved = self
        do {
            var order = Array(0..<buffer.count)
            let batchSize = min(config.batchSize, buffer.count)
            let updatesPerEpoch = (buffer.count + batchSize - 1) / batchSize
            var totalUpdates = config.epochs * updatesPerEpoch
            if config.maxUpdatesPerFit > 0 { totalUpdates = min(totalUpdates, config.maxUpdatesPerFit) }
            var update = 0, epochs = 0
            var lastEpoch = ContrastiveLossTerms(), lastEpochCount = 0
            while update < totalUpdates {
                epochs += 1
                for index in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(index, generator.nextInt(below: index + 1)) }
                lastEpoch = ContrastiveLossTerms()
                lastEpochCount = 0
                var offset = 0
                while offset < order.count && update < totalUpdates {
                    let chosen = Array(order[offset ..< min(offset + batchSize, order.count)])
                    offset += batchSize
                    guard chosen.count >= 2 else { break }
                    let batch = buffer.batch(chosen)
                    let (terms, gradientList) = try lossAndGradients(observations: batch.observations, actions: batch.actions,
                                                                     nextObservations: batch.nextObservations)
                    guard terms.loss.isFinite else {
                        throw MBRLError.nonFinite("contrastive model update \(update + 1): the InfoNCE loss is \(terms.loss)")
                    }
                    var gradients = gradientList
                    if config.maxGradientNorm > 0 {
                        let norm = try GradientClipping.clipByGlobalNorm(&gradients, maxNorm: config.maxGradientNorm)
                        guard norm.isFinite else { throw MBRLError.nonFinite("contrastive model update \(update + 1): the gradient norm is \(norm)") }
                    } else if !GradientClipping.globalNorm(gradients).isFinite {
                        throw MBRLError.nonFinite("contrastive model update \(update + 1): the gradient is not finite")
                    }
                    var optimizer = self.optimizer
                    self.optimizer.reset()          // drop the shared moments so the step updates them in place
                    try optimizer.step(&self, gradients: gradients)
                    self.optimizer = optimizer
                    update += 1
                    lastEpoch.loss += terms.loss
                    lastEpoch.rankingAccuracy += terms.rankingAccuracy
                    lastEpochCount += 1
                }
            }
            if lastEpochCount > 0 {
                lastEpoch.loss /= Double(lastEpochCount)
                lastEpoch.rankingAccuracy /= Double(lastEpochCount)
            }
            fitCount += 1
            lastLoss = lastEpoch
            return ModelTrainingReport(epochs: epochs, trainingLoss: lastEpoch.loss, validationScore: nil)
        } catch {
            self = saved
            throw error
        }
    }
}
