import MBRLCore

extension LatentModel: LatentDynamicsModel, EnsembleDynamicsModel {
    /// The latent size: the model predicts latent states.
    public var observationSize: Int { config.latentSize }
    /// The number of entries of an action row (1, the index, for discrete actions).
    public var actionSize: Int { discreteActionCount == nil ? actionCenter.count : 1 }
    /// Always true: the reward head predicts `r(s, a)`.
    public var predictsRewards: Bool { true }
    /// The number of latent dynamics members.
    public var memberCount: Int { dynamics.count }

    /// The encoder's output for raw observations: the latent state `[B, latent]` (the mean for
    /// a stochastic encoder).
    ///
    /// - Parameter observations: `[B, historyLength * raw]` histories (oldest first), or
    ///   `[B, raw]` single observations, seen as histories of one repeated observation (as at
    ///   the start of an episode).
    /// - Throws: `MBRLError.shapeMismatch` for rows of another width.
    public func encode(observations: Matrix) throws -> Matrix {
        var histories = observations
        if historyLength > 1 && observations.columns == rawObservationSize {
            histories = observations
            for _ in 1..<historyLength { histories = LatentMath.joinColumns(histories, observations) }
        }
        guard histories.columns == encoderInputSize else {
            throw MBRLError.shapeMismatch(
                "the latent model encodes observations of \(rawObservationSize) entries\(historyLength > 1 ? " or histories of \(historyLength) of them (\(encoderInputSize))" : ""), got rows of \(observations.columns)")
        }
        let output = try encoder(histories)
        return config.stochasticEncoder ? LatentMath.splitColumns(output, at: latentSize).left : output
    }

    /// The decoder's mean observation `[B, raw]` for latent states `[B, latent]`.
    ///
    /// - Throws: `MBRLError.shapeMismatch` when the rows do not have `latentSize` entries.
    public func decode(latents: Matrix) throws -> Matrix {
        guard latents.columns == latentSize else {
            throw MBRLError.shapeMismatch("the latent model decodes latents of \(latentSize) entries, got rows of \(latents.columns)")
        }
        return try decoder(latents)
    }

    /// One latent step for every row: the next latent state (the mean over members; each
    /// Gaussian member samples with `generator`) and the predicted reward `r(s, a, s')` (or
    /// `r(s, a)`).
    ///
    /// - Parameters:
    ///   - observations: latent states `[B, latent]`.
    ///   - actions: actions `[B, act]` in the environment's units.
    public func predict(observations: Matrix, actions: Matrix, generator: inout RandomGenerator) throws -> ModelPrediction {
        try validateInputs(observations: observations, actions: actions)
        let input = LatentMath.joinColumns(observations, scaledActions(actions))
        var next = Matrix(rows: observations.rows, columns: latentSize)
        for member in dynamics.indices {
            next.add(try memberStep(member, input: input, latents: observations, generator: &generator))
        }
        if dynamics.count > 1 { next.scale(by: 1 / Float(dynamics.count)) }
        return ModelPrediction(nextObservations: next, rewards: try rewards(input: input, next: next))
    }

    /// One latent step with member `members[row]` for each row (trajectory sampling).
    ///
    /// - Throws: `MBRLError.invalidArgument` for a member index outside `0..<memberCount`.
    public func predict(observations: Matrix, actions: Matrix, members: [Int], generator: inout RandomGenerator) throws -> ModelPrediction {
        try validateInputs(observations: observations, actions: actions)
        guard members.count == observations.rows else {
            throw MBRLError.shapeMismatch("\(members.count) member indices for \(observations.rows) rows")
        }
        if let bad = members.first(where: { $0 < 0 || $0 >= dynamics.count }) {
            throw MBRLError.invalidArgument("member \(bad) is not in 0..<\(dynamics.count)")
        }
        let input = LatentMath.joinColumns(observations, scaledActions(actions))
        if dynamics.count == 1 {
            let next = try memberStep(0, input: input, latents: observations, generator: &generator)
            return ModelPrediction(nextObservations: next, rewards: try rewards(input: input, next: next))
        }
        var next = Matrix(rows: observations.rows, columns: latentSize)
        for member in dynamics.indices {
            let rows = members.indices.filter { members[$0] == member }
            guard !rows.isEmpty else { continue }
            let memberNext = try memberStep(member, input: input.gatherRows(rows), latents: observations.gatherRows(rows),
                                            generator: &generator)
            for (position, row) in rows.enumerated() { next.setRow(row, to: memberNext.row(position)) }
        }
        return ModelPrediction(nextObservations: next, rewards: try rewards(input: input, next: next))
    }

    // MARK: - Pieces

    /// Member `member`'s next latent states for `input = [latents, scaled actions]`.
    func memberStep(_ member: Int, input: Matrix, latents: Matrix, generator: inout RandomGenerator) throws -> Matrix {
        let output = try dynamics[member](input)
        guard hasGaussianDynamics else { return latents + output }
        let (change, rawLogVariance) = LatentMath.splitColumns(output, at: latentSize)
        var noise = Matrix(rows: latents.rows, columns: latentSize)
        generator.fillStandardNormal(&noise)
        var next = latents + change
        next.withUnsafeMutableBufferPointer { buffer in
            for index in 0..<buffer.count {
                let logVariance = boundedLogVariance(rawLogVariance.values[index]).value
                buffer[index] += LatentMath.exp(0.5 * logVariance) * noise.values[index]
            }
        }
        return next
    }

    /// The reward head's predictions in the environment's units, `[B]`, for
    /// `input = [latents, scaled actions]` and the next latents.
    func rewards(input: Matrix, next: Matrix) throws -> [Float] {
        let headInput = config.rewardUsesNextLatent ? LatentMath.joinColumns(input, next) : input
        return try rewardHead(headInput).values.map { $0 * rewardStandardDeviation + rewardMean }
    }
}
