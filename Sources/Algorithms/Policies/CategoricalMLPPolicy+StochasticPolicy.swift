#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MBRLCore

extension CategoricalMLPPolicy: StochasticPolicy {
    /// The logits of every row.
    public typealias Distribution = CategoricalDistribution

    /// `Discrete(actionCount)`.
    public var actionSpace: Space { .discrete(Discrete(count: actionCount)) }
    /// One entry: the index.
    public var actionSize: Int { 1 }
    /// One entry: the index (samples are the actions).
    public var sampleSize: Int { 1 }

    /// The logits `[B, n]` for observations `[B, obs]`.
    public func distribution(for observations: Matrix) throws -> CategoricalDistribution {
        try PolicySupport.checkObservations(observations, size: observationSize, policy: "CategoricalMLPPolicy")
        return CategoricalDistribution(logits: try network(observations))
    }

    /// One index per row drawn from the softmax (one uniform draw per row, inverse CDF), with
    /// its log-probability; `actions` and `samples` are the same `[B, 1]` index rows.
    public func sample(for observations: Matrix, generator: inout RandomGenerator) throws -> PolicySample {
        let head = try head(for: observations)
        var actions = Matrix(rows: observations.rows, columns: 1)
        var logProbabilities = [Float](repeating: 0, count: observations.rows)
        for row in 0..<observations.rows {
            let uniform = generator.nextUniformFloat()
            var cumulative: Float = 0, chosen = actionCount - 1
            for column in 0..<actionCount {
                cumulative += head.probabilities[row, column]
                if uniform < cumulative { chosen = column; break }
            }
            actions[row, 0] = Float(chosen)
            logProbabilities[row] = head.logProbabilities[row, chosen]
        }
        return PolicySample(actions: actions, samples: actions, logDensities: logProbabilities)
    }

    /// `log p(index)` per row for index rows `[B, 1]`; the gradient with respect to the logits
    /// is `w (onehot(index) - p)`.
    ///
    /// - Throws: `MBRLError.invalidArgument` when a row does not hold an index in `0..<n`.
    public func logDensitiesWithPullback(of samples: Matrix, for observations: Matrix) throws
        -> (values: [Float], pullback: PerRowPullback) {
        let head = try head(for: observations)
        guard samples.rows == observations.rows else {
            throw MBRLError.shapeMismatch("\(samples.rows) action rows for \(observations.rows) observation rows")
        }
        let chosen = try indices(of: samples)
        let values = chosen.enumerated().map { head.logProbabilities[$0.offset, $0.element] }
        let policy = self
        return (values, { weights in
            try PolicySupport.checkWeights(weights, rows: chosen.count)
            var gradient = head.probabilities
            for row in 0..<chosen.count {
                for column in 0..<policy.actionCount { gradient[row, column] *= -weights[row] }
                gradient[row, chosen[row]] += weights[row]
            }
            return try policy.pullback(tape: head.tape, logitGradient: gradient)
        })
    }

    /// The analytic entropy `-sum_k p_k log p_k` per row (`generator` is not used); the
    /// gradient with respect to the logits is `-w p_k (log p_k + H)`.
    public func entropiesWithPullback(for observations: Matrix, generator: inout RandomGenerator) throws
        -> (values: [Float], pullback: PerRowPullback) {
        let head = try head(for: observations)
        let entropies = (head.probabilities * head.logProbabilities).rowSums().map { -$0 }
        let policy = self
        return (entropies, { weights in
            try PolicySupport.checkWeights(weights, rows: entropies.count)
            var gradient = head.probabilities
            for row in 0..<entropies.count {
                for column in 0..<policy.actionCount {
                    gradient[row, column] *= -weights[row] * (head.logProbabilities[row, column] + entropies[row])
                }
            }
            return try policy.pullback(tape: head.tape, logitGradient: gradient)
        })
    }

    /// The analytic `KL(old || self) = sum_k p_old,k (log p_old,k - log p_k)` per row, `old`
    /// held fixed; the gradient with respect to this policy's logits is `w (p - p_old)`.
    public func klDivergencesWithPullback(from old: CategoricalDistribution, for observations: Matrix) throws
        -> (values: [Float], pullback: PerRowPullback) {
        let head = try head(for: observations)
        try PolicySupport.checkShape(old.logits, rows: observations.rows, columns: actionCount, role: "the old logits")
        let oldLog = Self.logSoftmax(old.logits)
        let oldProbabilities = oldLog.map { expf($0) }
        let values = (oldProbabilities * (oldLog - head.logProbabilities)).rowSums()
        let policy = self
        return (values, { weights in
            try PolicySupport.checkWeights(weights, rows: values.count)
            var gradient = head.probabilities - oldProbabilities
            for row in 0..<values.count {
                for column in 0..<policy.actionCount { gradient[row, column] *= weights[row] }
            }
            return try policy.pullback(tape: head.tape, logitGradient: gradient)
        })
    }
}
