import MBRLCore
import Models

/// How well a `LatentModel` reconstructs and predicts held-out episodes, per pixel.
///
/// Over up to `maxWindows` windows of `steps` consecutive transitions spread evenly over a
/// buffer (within episodes): the reconstruction error `|dec(enc(o_t)) - o_t|^2` over every frame
/// of the windows, the open-loop prediction error `|dec(s_t) - o_t|^2` after each of the `steps`
/// latent steps from `s_0 = enc(o_0)` with the actions taken, and the root mean squared error of
/// the rewards predicted along the way. Errors are means over pixels of the newest observation
/// (with a frame history, the encoder sees the older ones but the decoder draws the newest).
/// An ensemble predicts its members' mean; a fixed generator samples Gaussian dynamics, so the
/// scores are deterministic.
///
/// ```swift
/// let scores = try LatentModelScores(model: model, buffer: heldOut, steps: 10)
/// scores.prediction[0]        // error after one step
/// scores.prediction[9]        // after ten
/// LatentModelScores.pixelVariance(of: heldOut)   // what predicting the mean image scores
/// ```
public struct LatentModelScores: Sendable, Equatable {
    /// Mean squared error per pixel of the reconstructions.
    public var reconstruction: Double
    /// Mean squared error per pixel of the open-loop predictions after `1...steps` steps.
    public var prediction: [Double]
    /// Root mean squared error of the predicted rewards over all open-loop steps.
    public var rewardRootMeanSquare: Double
    /// Windows scored.
    public var windowCount: Int

    /// Scores `model` on `buffer`.
    ///
    /// - Throws: `MBRLError.shapeMismatch` when the buffer holds other observation or action
    ///   sizes, `MBRLError.invalidArgument` when it holds no window of `steps` transitions
    ///   within an episode.
    public init(model: LatentModel, buffer: ReplayBuffer, steps: Int, maxWindows: Int = 256) throws {
        guard buffer.observationSize == model.rawObservationSize, buffer.actionSize == model.actionSize else {
            throw MBRLError.shapeMismatch(
                "the model takes observations of \(model.rawObservationSize) entries and actions of \(model.actionSize); the buffer holds \(buffer.observationSize) and \(buffer.actionSize)")
        }
        let starts = buffer.sequenceStarts(length: max(1, steps))
        guard steps >= 1, maxWindows >= 1, !starts.isEmpty else {
            throw MBRLError.invalidArgument(
                "scoring needs at least one window of \(steps) transitions within an episode (\(buffer.count) transitions held) and maxWindows >= 1")
        }
        let count = min(maxWindows, starts.count)
        let chosen = (0..<count).map { starts[$0 * starts.count / count] }
        let batch = try LatentTrainingBatch(buffer: buffer, starts: chosen, stepCount: steps, historyLength: model.historyLength)
        let raw = model.rawObservationSize, history = model.historyLength
        func newest(_ frames: Matrix) -> Matrix {
            history == 1 ? frames : frames.columns((history - 1) * raw ..< history * raw)
        }
        var reconstruction = 0.0
        for frames in batch.frames {
            reconstruction += Self.meanSquaredError(try model.decode(latents: try model.encode(observations: frames)), newest(frames))
        }
        var generator = RandomGenerator(seed: 0)
        var latents = try model.encode(observations: batch.frames[0])
        var prediction: [Double] = []
        var rewardSquares = 0.0, rewardCount = 0
        for step in 0..<steps {
            let predicted = try model.predict(observations: latents, actions: batch.actions[step], generator: &generator)
            latents = predicted.nextObservations
            prediction.append(Self.meanSquaredError(try model.decode(latents: latents), newest(batch.frames[step + 1])))
            for (guess, actual) in zip(predicted.rewards ?? [], batch.rewards[step]) {
                rewardSquares += Double(guess - actual) * Double(guess - actual)
                rewardCount += 1
            }
        }
        self.reconstruction = reconstruction / Double(batch.frames.count)
        self.prediction = prediction
        rewardRootMeanSquare = rewardCount > 0 ? (rewardSquares / Double(rewardCount)).squareRoot() : .nan
        windowCount = count
    }

    /// The variance of every observation entry over the buffer's next observations, averaged
    /// over entries: the per-pixel error of always predicting the mean image.
    public static func pixelVariance(of buffer: ReplayBuffer) -> Double {
        guard buffer.count > 0 else { return 0 }
        let frames = buffer.all().nextObservations
        let means = frames.columnMeans()
        var sum = 0.0
        for row in 0..<frames.rows {
            for column in 0..<frames.columns {
                let difference = Double(frames[row, column] - means[column])
                sum += difference * difference
            }
        }
        return sum / Double(frames.count)
    }

    /// The mean over entries of `(a - b)^2`.
    static func meanSquaredError(_ a: Matrix, _ b: Matrix) -> Double {
        var sum = 0.0
        for (x, y) in zip(a.values, b.values) { sum += Double(x - y) * Double(x - y) }
        return sum / Double(max(1, a.count))
    }
}
