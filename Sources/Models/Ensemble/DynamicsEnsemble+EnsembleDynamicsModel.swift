#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MBRLCore

extension DynamicsEnsemble: EnsembleDynamicsModel {
    /// The number of members predictions use: the elites.
    public var memberCount: Int { elites.count }

    /// Whether predictions include rewards (a learned reward head).
    public var predictsRewards: Bool { layout.hasReward }

    /// Whether predictions include terminations (a learned termination head).
    public var predictsTerminations: Bool { layout.hasTermination }

    /// The expectation over the elites for every row (mbrl-lib's `"expectation"` propagation):
    /// the mean of the members' means, and for a Gaussian model a sample with the mean of the
    /// members' variances. A termination is predicted when the mean logit is positive; its
    /// probability is the sigmoid of the mean logit.
    ///
    /// - Parameters:
    ///   - observations: `[B, obs]`.
    ///   - actions: `[B, act]`.
    ///   - generator: draws the Gaussian noise (unused by a deterministic model).
    /// - Throws: `MBRLError.shapeMismatch` when the inputs do not fit the model.
    public func predict(observations: Matrix, actions: Matrix, generator: inout RandomGenerator) throws -> ModelPrediction {
        try validateInputs(observations: observations, actions: actions)
        let rows = observations.rows
        let network = predictionNetwork
        let members = network.memberCount
        let output = try network(broadcasting: makeInputs(observations: observations, actions: actions))
        let transform = OutputTransform(model: self)
        let layout = self.layout
        let regression = layout.regressionSize, width = layout.outputSize, observationWidth = observationSize
        var noise = [Float](repeating: 0, count: layout.isGaussian ? rows * regression : 0)
        if layout.isGaussian { generator.fillStandardNormal(&noise) }
        var next = Matrix(rows: rows, columns: observationWidth)
        var rewards = [Float](repeating: 0, count: layout.hasReward ? rows : 0)
        var terminations = [Bool](repeating: false, count: layout.hasTermination ? rows : 0)
        var probabilities = [Float](repeating: 0, count: layout.hasTermination ? rows : 0)
        let memberScale = 1 / Float(members)
        output.withUnsafeBufferPointer { out in
            // The mean of the members' variances, [B, R].
            var variances = [Float](repeating: 0, count: layout.isGaussian ? rows * regression : 0)
            if layout.isGaussian {
                for member in 0..<members {
                    let logVariances = transform.logVariances(output: out, rows: rows) { member * rows + $0 }
                    for index in variances.indices { variances[index] += expf(logVariances[index]) }
                }
            }
            observations.withUnsafeBufferPointer { states in
                next.withUnsafeMutableBufferPointer { nextBuffer in
                    for row in 0..<rows {
                        for column in 0..<regression {
                            var mean: Float = 0
                            for member in 0..<members { mean += out[(member * rows + row) * width + column] }
                            var value = mean * memberScale
                            if layout.isGaussian {
                                value += (variances[row * regression + column] * memberScale).squareRoot() * noise[row * regression + column]
                            }
                            let target = transform.denormalized(value, column: column)
                            if column < observationWidth {
                                nextBuffer[row * observationWidth + column] =
                                    transform.deltaMask[column] * states[row * observationWidth + column] + target
                            } else {
                                rewards[row] = target
                            }
                        }
                        if layout.hasTermination {
                            var logit: Float = 0
                            for member in 0..<members { logit += out[(member * rows + row) * width + layout.terminationColumn] }
                            terminations[row] = logit > 0
                            probabilities[row] = Self.sigmoid(logit * memberScale)
                        }
                    }
                }
            }
        }
        return ModelPrediction(nextObservations: next,
                               rewards: layout.hasReward ? rewards : nil,
                               terminations: layout.hasTermination ? terminations : nil,
                               terminationProbabilities: layout.hasTermination ? probabilities : nil)
    }

    /// `1 / (1 + exp(-logit))`, without overflow for large negative logits.
    static func sigmoid(_ logit: Float) -> Float {
        logit >= 0 ? 1 / (1 + expf(-logit)) : expf(logit) / (1 + expf(logit))
    }

    /// Predicts every row with one elite: row `r` with elite `members[r]` (an index into
    /// `elites`), sampling from its Gaussian with `generator` for a Gaussian model.
    ///
    /// The rows are gathered by member into one padded `[E, B_max, in]` batch, run through the
    /// elites in one batched call and scattered back, so the cost is one ensemble forward pass
    /// whatever the routing (the PETS trajectory-sampling hot path).
    ///
    /// - Parameters:
    ///   - observations: `[B, obs]`.
    ///   - actions: `[B, act]`.
    ///   - members: `[B]` indices in `0..<memberCount`.
    ///   - generator: draws the Gaussian noise (unused by a deterministic model).
    /// - Throws: `MBRLError.shapeMismatch` when the inputs or `members` do not fit,
    ///   `MBRLError.invalidArgument` for a member index out of range.
    public func predict(observations: Matrix, actions: Matrix, members: [Int], generator: inout RandomGenerator) throws -> ModelPrediction {
        try validateInputs(observations: observations, actions: actions)
        let rows = observations.rows
        guard members.count == rows else {
            throw MBRLError.shapeMismatch("\(members.count) member indices for \(rows) rows; give one per row")
        }
        let eliteCount = elites.count
        var counts = [Int](repeating: 0, count: eliteCount)
        for member in members {
            guard member >= 0 && member < eliteCount else {
                throw MBRLError.invalidArgument("member index \(member) is out of range; the model predicts with \(eliteCount) elite members (0..<\(eliteCount))")
            }
            counts[member] += 1
        }
        let layout = self.layout
        guard rows > 0 else {
            return ModelPrediction(nextObservations: Matrix(rows: 0, columns: observationSize),
                                   rewards: layout.hasReward ? [] : nil, terminations: layout.hasTermination ? [] : nil,
                                   terminationProbabilities: layout.hasTermination ? [] : nil)
        }
        let perMember = counts.max() ?? 0
        var placement = [Int](repeating: 0, count: rows)
        var filled = [Int](repeating: 0, count: eliteCount)
        for row in 0..<rows {
            let member = members[row]
            placement[row] = member * perMember + filled[member]
            filled[member] += 1
        }
        let paddedRows = eliteCount * perMember
        var input = Matrix(rows: paddedRows, columns: inputSize)
        input.withUnsafeMutableBufferPointer { buffer in
            placement.withUnsafeBufferPointer { placementBuffer in
                fillInputs(observations: observations, actions: actions, destination: buffer.baseAddress!,
                           destinationRows: paddedRows, placement: placementBuffer.baseAddress!)
            }
        }
        let output = try predictionNetwork(input)   // [E * B_max, out]
        let transform = OutputTransform(model: self)
        let regression = layout.regressionSize, width = layout.outputSize, observationWidth = observationSize
        var noise = [Float](repeating: 0, count: layout.isGaussian ? rows * regression : 0)
        if layout.isGaussian { generator.fillStandardNormal(&noise) }
        var next = Matrix(rows: rows, columns: observationWidth)
        var rewards = [Float](repeating: 0, count: layout.hasReward ? rows : 0)
        var terminations = [Bool](repeating: false, count: layout.hasTermination ? rows : 0)
        var probabilities = [Float](repeating: 0, count: layout.hasTermination ? rows : 0)
        output.withUnsafeBufferPointer { out in
            let logVariances = layout.isGaussian ? transform.logVariances(output: out, rows: rows) { placement[$0] } : []
            observations.withUnsafeBufferPointer { states in
                next.withUnsafeMutableBufferPointer { nextBuffer in
                    for row in 0..<rows {
                        let base = placement[row] * width
                        for column in 0..<regression {
                            var value = out[base + column]
                            if layout.isGaussian {
                                value += expf(0.5 * logVariances[row * regression + column]) * noise[row * regression + column]
                            }
                            let target = transform.denormalized(value, column: column)
                            if column < observationWidth {
                                nextBuffer[row * observationWidth + column] =
                                    transform.deltaMask[column] * states[row * observationWidth + column] + target
                            } else {
                                rewards[row] = target
                            }
                        }
                        if layout.hasTermination {
                            let logit = out[base + layout.terminationColumn]
                            terminations[row] = logit > 0
                            probabilities[row] = Self.sigmoid(logit)
                        }
                    }
                }
            }
        }
        return ModelPrediction(nextObservations: next,
                               rewards: layout.hasReward ? rewards : nil,
                               terminations: layout.hasTermination ? terminations : nil,
                               terminationProbabilities: layout.hasTermination ? probabilities : nil)
    }
}
