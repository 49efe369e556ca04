import MBRLCore

extension E2CModel: LocallyLinearLatentModel {
    /// The latent size: the model predicts latent states.
    public var observationSize: Int { config.latentSize }
    /// The number of entries of an action row.
    public var actionSize: Int { actionCenter.count }
    /// Always true: the reward head predicts `r(z, u)`.
    public var predictsRewards: Bool { true }

    /// The encoder's mean `μ(x)` `[B, n]` for raw observations.
    ///
    /// - Parameter observations: `[B, historyLength * raw]` histories (oldest first), or
    ///   `[B, raw]` single observations, seen as histories of one repeated observation (as at
    ///   the start of an episode).
    /// - Throws: `MBRLError.shapeMismatch` for rows of another width, naming a stack that is
    ///   shorter than the model's history.
    public func encode(observations: Matrix) throws -> Matrix {
        var histories = observations
        if historyLength > 1 && observations.columns == rawObservationSize {
            for _ in 1..<historyLength { histories = LatentMath.joinColumns(histories, observations) }
        }
        guard histories.columns == encoderInputSize else {
            if historyLength > 1 && observations.columns % rawObservationSize == 0 && observations.columns < encoderInputSize {
                throw MBRLError.shapeMismatch(
                    "the E2C model's encoder sees the last \(historyLength) observations, but was given a stack of \(observations.columns / rawObservationSize); pass \(historyLength) observations of \(rawObservationSize) entries (oldest first) or a single one")
            }
            throw MBRLError.shapeMismatch(
                "the E2C model encodes observations of \(rawObservationSize) entries\(historyLength > 1 ? " or histories of \(historyLength) of them (\(encoderInputSize))" : ""), got rows of \(observations.columns)")
        }
        return LatentMath.splitColumns(try encoder(histories), at: latentSize).left
    }

    /// The decoder's mean observation `[B, raw]` for latents `[B, n]`.
    public func decode(latents: Matrix) throws -> Matrix {
        guard latents.columns == latentSize else {
            throw MBRLError.shapeMismatch("the E2C model decodes latents of \(latentSize) entries, got rows of \(latents.columns)")
        }
        return try decoder(latents)
    }

    /// One latent step for every row: `A(z) z + B(z) u + o(z)` (the transition's mean; the
    /// model is deterministic here, `generator` is not used) and the reward head's `r(z, u)`.
    public func predict(observations: Matrix, actions: Matrix, generator: inout RandomGenerator) throws -> ModelPrediction {
        try validateInputs(observations: observations, actions: actions)
        let scaled = scaledActions(actions)
        let next = applyTransition(try transition(observations), latents: observations, scaledActions: scaled)
        let rewards = try rewardHead(LatentMath.joinColumns(observations, scaled)).values.map { $0 * rewardStandardDeviation + rewardMean }
        return ModelPrediction(nextObservations: next, rewards: rewards)
    }

    /// `A(z) z + B(z) u + o(z)` and, per row, `A(z) = I + v rᵀ` and `B(z)` (divided by the action
    /// scale, so it acts on actions in the environment's units).
    public func locallyLinearStep(latents: Matrix, actions: Matrix) throws -> LocallyLinearStep {
        try validateInputs(observations: latents, actions: actions)
        let output = try transition(latents)
        let next = applyTransition(output, latents: latents, scaledActions: scaledActions(actions))
        let n = latentSize, m = actionSize, width = output.columns, layout = transitionLayout
        var stateMatrices: [Matrix] = [], actionMatrices: [Matrix] = []
        stateMatrices.reserveCapacity(latents.rows)
        actionMatrices.reserveCapacity(latents.rows)
        for row in 0..<latents.rows {
            let base = row * width
            var a = Matrix(rows: n, columns: n), b = Matrix(rows: n, columns: m)
            a.withUnsafeMutableBufferPointer { buffer in
                for i in 0..<n {
                    for j in 0..<n { buffer[i * n + j] = (i == j ? 1 : 0) + output.values[base + layout.v + i] * output.values[base + layout.r + j] }
                }
            }
            b.withUnsafeMutableBufferPointer { buffer in
                for i in 0..<n {
                    for j in 0..<m { buffer[i * m + j] = output.values[base + layout.b + i * m + j] / actionHalfWidth[j] }
                }
            }
            stateMatrices.append(a)
            actionMatrices.append(b)
        }
        return LocallyLinearStep(nextLatents: next, stateMatrices: stateMatrices, actionMatrices: actionMatrices)
    }

    /// `r(z, u)` in the environment's units and its gradients with respect to `z` and `u`
    /// (one batched backward pass of the reward head).
    public func rewardWithGradients(latents: Matrix, actions: Matrix) throws -> (rewards: [Float], latentGradients: Matrix, actionGradients: Matrix) {
        try validateInputs(observations: latents, actions: actions)
        let (output, tape) = try rewardHead.forward(LatentMath.joinColumns(latents, scaledActions(actions)))
        let seed = Matrix(rows: latents.rows, columns: 1, repeating: rewardStandardDeviation)
        let (_, input) = try rewardHead.backward(seed, tape: tape, needsInputGradient: true, needsParameterGradients: false)
        guard let input else { throw MBRLError.invalidArgument("the reward head gave no input gradient") }
        var (latentGradients, actionGradients) = LatentMath.splitColumns(input, at: latentSize)
        let m = actionSize
        actionGradients.withUnsafeMutableBufferPointer { buffer in
            for index in 0..<buffer.count { buffer[index] /= actionHalfWidth[index % m] }
        }
        return (output.values.map { $0 * rewardStandardDeviation + rewardMean }, latentGradients, actionGradients)
    }
}
