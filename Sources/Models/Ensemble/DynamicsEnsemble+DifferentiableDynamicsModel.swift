import MBRLCore

extension DynamicsEnsemble: DifferentiableDynamicsModel {
    /// The mean next observation over the elites, `[B, obs]`, and its pullback.
    ///
    /// The pullback maps `dL/d s'` (`[B, obs]`) to `dL/d s` and `dL/d a` through the output
    /// denormalisation, the members' mean, the networks, the input normalisation and the delta
    /// (`s' = s + f(s, a)` in the delta dimensions). A discrete action has no gradient (zeros).
    /// It runs the networks' backward pass without weight gradients (input only).
    ///
    /// - Throws: `MBRLError.shapeMismatch` when the inputs do not fit the model; the pullback
    ///   throws it when the upstream gradient is not `[B, obs]`.
    public func predictWithPullback(observations: Matrix, actions: Matrix) throws
        -> (nextObservations: Matrix, pullback: @Sendable (Matrix) throws -> InputGradients) {
        let (next, _, pullback) = try meanPredictionWithPullback(observations: observations, actions: actions,
                                                                 includesReward: false)
        return (next, { upstream in try pullback(upstream, nil) })
    }
}

extension DynamicsEnsemble: RewardDifferentiableDynamicsModel {
    /// The mean next observation `[B, obs]` and mean predicted reward `[B]` over the elites, and
    /// their joint pullback `(dL/d s' [B, obs], dL/d r [B]) -> (dL/d s, dL/d a)`.
    ///
    /// - Throws: `MBRLError.incompatible` when the model has no reward head (set
    ///   `learnedReward` in its config), `MBRLError.shapeMismatch` when the inputs do not fit;
    ///   the pullback throws `shapeMismatch` for upstream gradients of the wrong shape.
    public func predictWithRewardPullback(observations: Matrix, actions: Matrix) throws
        -> (nextObservations: Matrix, rewards: [Float],
            pullback: @Sendable (_ nextObservationGradient: Matrix, _ rewardGradient: [Float]) throws -> InputGradients) {
        guard layout.hasReward else {
            throw MBRLError.incompatible(
                "reward gradients need a learned reward head; this model was built without one (set learnedReward in its config)")
        }
        let (next, rewards, pullback) = try meanPredictionWithPullback(observations: observations, actions: actions,
                                                                       includesReward: true)
        return (next, rewards, { nextGradient, rewardGradient in try pullback(nextGradient, rewardGradient) })
    }

    /// The shared forward pass of both pullbacks: the mean over the elites of the next
    /// observation and (when `includesReward`) the reward, and a pullback taking `dL/d s'` and
    /// optionally `dL/d r`.
    func meanPredictionWithPullback(observations: Matrix, actions: Matrix, includesReward: Bool) throws
        -> (nextObservations: Matrix, rewards: [Float],
            pullback: @Sendable (Matrix, [Float]?) throws -> InputGradients) {
        try validateInputs(observations: observations, actions: actions)
        let rows = observations.rows
        let network = predictionNetwork
        let members = network.memberCount
        let (output, tape) = try network.forward(broadcasting: makeInputs(observations: observations, actions: actions))
        let transform = OutputTransform(model: self)
        let observationWidth = observationSize
        let memberScale = 1 / Float(members)
        let outputSize = layout.outputSize
        let rewardColumn = layout.rewardColumn
        var next = Matrix(rows: rows, columns: observationWidth)
        var rewards = [Float](repeating: 0, count: includesReward ? rows : 0)
        output.withUnsafeBufferPointer { out in
            observations.withUnsafeBufferPointer { states in
                next.withUnsafeMutableBufferPointer { nextBuffer in
                    for row in 0..<rows {
                        for column in 0..<observationWidth {
                            var total: Float = 0
                            for member in 0..<members { total += out[(member * rows + row) * outputSize + column] }
                            nextBuffer[row * observationWidth + column] =
                                transform.deltaMask[column] * states[row * observationWidth + column]
                                + transform.denormalized(total * memberScale, column: column)
                        }
                        if includesReward {
                            var total: Float = 0
                            for member in 0..<members { total += out[(member * rows + row) * outputSize + rewardColumn] }
                            rewards[row] = transform.denormalized(total * memberScale, column: rewardColumn)
                        }
                    }
                }
            }
        }
        let inputScale = config.normalizeInputs ? inputNormalizer.inverseStandardDeviation
            : [Float](repeating: 1, count: inputSize)
        let actionSpace = self.actionSpace
        let pullback: @Sendable (Matrix, [Float]?) throws -> InputGradients = { upstream, rewardUpstream in
            guard upstream.rows == rows, upstream.columns == observationWidth else {
                throw MBRLError.shapeMismatch("the gradient of the next observations must be \(rows) x \(observationWidth), got \(upstream.rows) x \(upstream.columns)")
            }
            if let rewardUpstream, rewardUpstream.count != rows {
                throw MBRLError.shapeMismatch("the gradient of the rewards must have \(rows) entries, got \(rewardUpstream.count)")
            }
            // d mean_e / d output: the member mean and the target scale, observation (and reward) columns only.
            var outputGradient = Matrix(rows: members * rows, columns: outputSize)
            outputGradient.withUnsafeMutableBufferPointer { gradient in
                upstream.withUnsafeBufferPointer { up in
                    for member in 0..<members {
                        for row in 0..<rows {
                            let target = (member * rows + row) * outputSize
                            for column in 0..<observationWidth {
                                gradient[target + column] =
                                    up[row * observationWidth + column] * transform.targetStandardDeviation[column] * memberScale
                            }
                            if let rewardUpstream {
                                gradient[target + rewardColumn] =
                                    rewardUpstream[row] * transform.targetStandardDeviation[rewardColumn] * memberScale
                            }
                        }
                    }
                }
            }
            let inputGradient = try network.backward(outputGradient, tape: tape, needsInputGradient: true,
                                                     needsParameterGradients: false).inputGradient
                ?? Matrix(rows: rows, columns: observationWidth + actionSpace.encodedSize)
            return Self.inputGradients(inputGradient, rows: rows, sourceRow: { $0 }, upstream: upstream,
                                       inputScale: inputScale, deltaMask: transform.deltaMask, actionSpace: actionSpace)
        }
        return (next, rewards, pullback)
    }

    /// `dL/d s` and `dL/d a` from the network's input gradient: row `r` reads input-gradient row
    /// `sourceRow(r)`, undoes the input normalisation and adds the delta path `mask * dL/d s'`.
    static func inputGradients(_ inputGradient: Matrix, rows: Int, sourceRow: (Int) -> Int, upstream: Matrix,
                               inputScale: [Float], deltaMask: [Float], actionSpace: Space) -> InputGradients {
        let observationWidth = upstream.columns
        var observationGradient = Matrix(rows: rows, columns: observationWidth)
        var actionGradient = Matrix(rows: rows, columns: actionSpace.flatSize)
        for row in 0..<rows {
            let source = sourceRow(row)
            for column in 0..<observationWidth {
                observationGradient[row, column] = inputGradient[source, column] * inputScale[column]
                    + deltaMask[column] * upstream[row, column]
            }
            if case .box = actionSpace {
                for column in 0..<actionSpace.flatSize {
                    let inputColumn = observationWidth + column
                    actionGradient[row, column] = inputGradient[source, inputColumn] * inputScale[inputColumn]
                }
            }
        }
        return InputGradients(observations: observationGradient, actions: actionGradient)
    }
}
