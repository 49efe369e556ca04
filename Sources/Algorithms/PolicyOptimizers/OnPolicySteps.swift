import MBRLCore

/// The real steps an on-policy optimizer has collected since its last update, one row per step
/// in the order taken: observation, the policy's sample, reward, next observation and how the
/// step ended. Values and log-densities are not stored: the policy and value network do not
/// change between updates, so the optimizer computes them for the whole rollout in one batch.
///
/// An episode cut by the loop (`maxEpisodeSteps`) is neither terminated nor truncated by the
/// environment; `endEpisode()` marks its last step truncated, so it bootstraps from the value of
/// its next observation.
struct OnPolicySteps: Sendable, Equatable {
    let observationSize: Int
    let sampleSize: Int
    /// `[T * obs]`.
    private(set) var observations: [Float] = []
    /// `[T * sample]`.
    private(set) var samples: [Float] = []
    /// `[T]`.
    private(set) var rewards: [Float] = []
    /// `[T * obs]`.
    private(set) var nextObservations: [Float] = []
    /// `[T]`.
    private(set) var terminated: [Bool] = []
    /// `[T]`: the episode was cut after the step (a time limit or the loop's step limit).
    private(set) var truncated: [Bool] = []
    /// `[T]`.
    private(set) var episodeStarts: [Bool] = []
    /// Whether the next stored step starts an episode.
    private(set) var nextStepStartsEpisode = true

    init(observationSize: Int, sampleSize: Int) {
        self.observationSize = observationSize
        self.sampleSize = sampleSize
    }

    /// The number of steps stored.
    var count: Int { rewards.count }

    /// Stores one step.
    ///
    /// - Throws: `MBRLError.shapeMismatch` when a row has the wrong size.
    mutating func append(observation: [Float], sample: [Float], reward: Float, nextObservation: [Float],
                         terminated isTerminal: Bool, truncated isTruncated: Bool) throws {
        guard observation.count == observationSize, nextObservation.count == observationSize, sample.count == sampleSize else {
            throw MBRLError.shapeMismatch(
                "a step needs observations of \(observationSize) and a sample of \(sampleSize) entries, got \(observation.count), \(nextObservation.count) and \(sample.count)")
        }
        observations.append(contentsOf: observation)
        samples.append(contentsOf: sample)
        rewards.append(reward)
        nextObservations.append(contentsOf: nextObservation)
        terminated.append(isTerminal)
        truncated.append(isTruncated && !isTerminal)
        episodeStarts.append(nextStepStartsEpisode)
        nextStepStartsEpisode = isTerminal || isTruncated
    }

    /// Marks an episode boundary: the last stored step (when there is one) ends its episode.
    mutating func endEpisode() {
        if let last = rewards.indices.last, !terminated[last] { truncated[last] = true }
        nextStepStartsEpisode = true
    }

    /// Forgets the steps (after an update), keeping whether the next one starts an episode.
    mutating func removeAll() {
        let startsEpisode = nextStepStartsEpisode
        self = OnPolicySteps(observationSize: observationSize, sampleSize: sampleSize)
        nextStepStartsEpisode = startsEpisode
    }

    /// The stored steps as a `TrajectoryBuffer` with GAE advantages and returns.
    ///
    /// - Parameters:
    ///   - values: `[T]`, `V(observation)` per step.
    ///   - nextValues: `[T]`, `V(next observation)` per step (read after truncated steps and
    ///     after the last one).
    ///   - logDensities: `[T]`, the samples' log-densities under the acting policy.
    /// - Throws: `MBRLError.nonFinite` for NaN or Inf values, `.shapeMismatch` for wrong counts.
    func trajectories(values: [Float], nextValues: [Float], logDensities: [Float], discount: Float,
                      gaeLambda: Float) throws -> TrajectoryBuffer {
        guard values.count == count, nextValues.count == count, logDensities.count == count, count > 0 else {
            throw MBRLError.shapeMismatch(
                "\(count) steps need as many values, next values and log-densities, got \(values.count), \(nextValues.count) and \(logDensities.count)")
        }
        var buffer = TrajectoryBuffer(observationSize: observationSize, actionSize: sampleSize, environmentCount: 1)
        for row in 0..<count {
            try buffer.append(
                observations: Matrix(row: Array(observations[row * observationSize ..< (row + 1) * observationSize])),
                actions: Matrix(row: Array(samples[row * sampleSize ..< (row + 1) * sampleSize])),
                rewards: [rewards[row]], logProbabilities: [logDensities[row]], values: [values[row]],
                terminated: [terminated[row]], truncated: [truncated[row]], episodeStarts: [episodeStarts[row]],
                finalObservationValues: [nextValues[row]])
        }
        try buffer.computeReturnsAndAdvantages(lastValues: [nextValues[count - 1]], discount: discount, gaeLambda: gaeLambda)
        return buffer
    }

    /// All stored steps as one batch for an on-policy update: the values (`values(observations)`,
    /// also of the next observations), the samples' log-densities
    /// (`logDensities(samples, observations)`) and GAE(`discount`, `gaeLambda`) advantages and
    /// returns. When a value or log-density is not finite the advantages and returns are NaN, which
    /// the learners refuse and count instead of stepping.
    func batch(discount: Float, gaeLambda: Float, values: (Matrix) throws -> [Float],
               logDensities: (Matrix, Matrix) throws -> [Float]) throws -> TrajectoryBatch {
        let observationRows = Matrix(rows: count, columns: observationSize, values: observations)
        let nextObservationRows = Matrix(rows: count, columns: observationSize, values: nextObservations)
        let sampleRows = Matrix(rows: count, columns: sampleSize, values: samples)
        let stepValues = try values(observationRows)
        let nextValues = try values(nextObservationRows)
        let densities = try logDensities(sampleRows, observationRows)
        do {
            return try trajectories(values: stepValues, nextValues: nextValues, logDensities: densities,
                                    discount: discount, gaeLambda: gaeLambda).batch(Array(0..<count))
        } catch MBRLError.nonFinite {
            let unknown = [Float](repeating: .nan, count: count)
            return TrajectoryBatch(observations: observationRows, actions: sampleRows, logProbabilities: densities,
                                   values: stepValues, advantages: unknown, returns: unknown)
        }
    }
}

extension OnPolicySteps: Checkpointable {
    func write(to writer: inout CheckpointWriter, prefix: String) throws {
        writer.add(name: "\(prefix).observations", values: observations, shape: [count, observationSize])
        writer.add(name: "\(prefix).samples", values: samples, shape: [count, sampleSize])
        writer.add(name: "\(prefix).rewards", values: rewards)
        writer.add(name: "\(prefix).nextObservations", values: nextObservations, shape: [count, observationSize])
        writer.add(name: "\(prefix).terminated", booleans: terminated)
        writer.add(name: "\(prefix).truncated", booleans: truncated)
        writer.add(name: "\(prefix).episodeStarts", booleans: episodeStarts)
        writer.add(name: "\(prefix).nextStepStartsEpisode", booleans: [nextStepStartsEpisode])
    }

    mutating func read(from checkpoint: Checkpoint, prefix: String) throws {
        let steps = try checkpoint.floats(named: "\(prefix).rewards").count
        var restored = OnPolicySteps(observationSize: observationSize, sampleSize: sampleSize)
        restored.observations = try checkpoint.floats(named: "\(prefix).observations", shape: [steps, observationSize])
        restored.samples = try checkpoint.floats(named: "\(prefix).samples", shape: [steps, sampleSize])
        restored.rewards = try checkpoint.floats(named: "\(prefix).rewards", shape: [steps])
        restored.nextObservations = try checkpoint.floats(named: "\(prefix).nextObservations", shape: [steps, observationSize])
        restored.terminated = try checkpoint.booleans(named: "\(prefix).terminated", shape: [steps])
        restored.truncated = try checkpoint.booleans(named: "\(prefix).truncated", shape: [steps])
        restored.episodeStarts = try checkpoint.booleans(named: "\(prefix).episodeStarts", shape: [steps])
        restored.nextStepStartsEpisode = try checkpoint.booleans(named: "\(prefix).nextStepStartsEpisode", shape: [1])[0]
        self = restored
    }
}
