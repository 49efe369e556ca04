import MBRLCore

extension DynamicsEnsemble: MemberDifferentiableDynamicsModel {
    /// Row `r` predicted by elite `members[r]` (its mean: no Gaussian sample), the reward when the
    /// model has a reward head, and the joint pullback to the inputs.
    ///
    /// Rows are gathered by member into one padded `[E, B_max, in]` batch as in
    /// `predict(observations:actions:members:generator:)`; the pullback runs the networks'
    /// backward pass once, input gradients only.
    ///
    /// - Throws: `MBRLError.shapeMismatch` when the inputs or `members` do not fit,
    ///   `MBRLError.invalidArgument` for a member index out of `0..<memberCount`; the pullback
    ///   throws `shapeMismatch` for upstream gradients of the wrong shape.
    public func predictWithPullback(observations: Matrix, actions: Matrix, members: [Int]) throws
        -> (nextObservations: Matrix, rewards: [Float]?,
            pullback: @Sendable (_ nextObservationGradient: Matrix, _ rewardGradient: [Float]?) throws -> InputGradients) {
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
        let perMember = max(counts.max() ?? 0, 1)
        var placement = [Int](repeating: 0, count: rows)
        var filled = [Int](repeating: 0, count: eliteCount)
        for row in 0..<rows {
            placement[row] = members[row] * perMember + filled[members[row]]
            filled[members[row]] += 1
        }
        let paddedRows = eliteCount * perMember
        var input = Matrix(rows: paddedRows, columns: inputSize)
        input.withUnsafeMutableBufferPointer { buffer in
            placement.withUnsafeBufferPointer { placementBuffer in
                fillInputs(observations: observations, actions: actions, destination: buffer.baseAddress!,
                           destinationRows: paddedRows, placement: placementBuffer.baseAddress)
            }
        }
        let network = predictionNetwork
        let (output, tape) = try network.forward(input)   // [E * B_max, out]
        let transform = OutputTransform(model: self)
        let observationWidth = observationSize, width = layout.outputSize
        let hasReward = layout.hasReward, rewardColumn = layout.rewardColumn
        var next = Matrix(rows: rows, columns: observationWidth)
        var rewards = [Float](repeating: 0, count: hasReward ? rows : 0)
        for row in 0..<rows {
            let base = placement[row]
            for column in 0..<observationWidth {
                next[row, column] = transform.deltaMask[column] * observations[row, column]
                    + transform.denormalized(output[base, column], column: column)
            }
            if hasReward { rewards[row] = transform.denormalized(output[base, rewardColumn], column: rewardColumn) }
        }
        let inputScale = config.normalizeInputs ? inputNormalizer.inverseStandardDeviation
            : [Float](repeating: 1, count: inputSize)
        let actionSpace = self.actionSpace
        let rowPlacement = placement
        let pullback: @Sendable (Matrix, [Float]?) throws -> InputGradients = { upstream, rewardUpstream in
            guard upstream.rows == rows, upstream.columns == observationWidth else {
                throw MBRLError.shapeMismatch("the gradient of the next observations must be \(rows) x \(observationWidth), got \(upstream.rows) x \(upstream.columns)")
            }
            if let rewardUpstream {
                guard hasReward else {
                    throw MBRLError.incompatible("a reward gradient was given but the model has no reward head")
                }
                guard rewardUpstream.count == rows else {
                    throw MBRLError.shapeMismatch("the gradient of the rewards must have \(rows) entries, got \(rewardUpstream.count)")
                }
            }
            var outputGradient = Matrix(rows: paddedRows, columns: width)
            for row in 0..<rows {
                let target = rowPlacement[row]
                for column in 0..<observationWidth {
                    outputGradient[target, column] = upstream[row, column] * transform.targetStandardDeviation[column]
                }
                if let rewardUpstream {
                    outputGradient[target, rewardColumn] = rewardUpstream[row] * transform.targetStandardDeviation[rewardColumn]
                }
            }
            let inputGradient = try network.backward(outputGradient, tape: tape, needsInputGradient: true,
                                                     needsParameterGradients: false).inputGradient
                ?? Matrix(rows: paddedRows, columns: observationWidth + actionSpace.encodedSize)
            return Self.inputGradients(inputGradient, rows: rows, sourceRow: { rowPlacement[$0] }, upstream: upstream,
                                       inputScale: inputScale, deltaMask: transform.deltaMask, actionSpace: actionSpace)
        }
        return (next, hasReward ? rewards : nil, pullback)
    }
}
