import MBRLCore

extension ContrastiveForwardModel: LatentDynamicsModel {
    /// The latent size: the model predicts latent states.
    public var observationSize: Int { config.latentSize }
    /// The number of entries of an action row.
    public var actionSize: Int { actionCenter.count }
    /// False: the model has no reward head (it plans toward a goal image).
    public var predictsRewards: Bool { false }
    /// False: the model has no decoder.
    public var hasDecoder: Bool { false }

    /// The encodings `[B, latent]` of observation rows `[B, raw]` (the newest
    /// `historyLength` frames of each; the goal image is not read).
    ///
    /// - Throws: `MBRLError.shapeMismatch` for rows of another width.
    public func encode(observations: Matrix) throws -> Matrix {
        try encoder(try encoderInput(observations))
    }

    /// Always throws: a contrastive model has no decoder.
    ///
    /// - Throws: `MBRLError.incompatible` saying so.
    public func decode(latents: Matrix) throws -> Matrix {
        throw MBRLError.incompatible(
            "the contrastive model has no decoder (it is trained without reconstruction); use a \"latent\" model where images must be decoded")
    }

    /// One latent step for every row, `z' = z + f(z, a)`; no rewards.
    ///
    /// - Parameters:
    ///   - observations: latent states `[B, latent]`.
    ///   - actions: actions `[B, act]` in the environment's units.
    public func predict(observations: Matrix, actions: Matrix, generator: inout RandomGenerator) throws -> ModelPrediction {
        try validateInputs(observations: observations, actions: actions)
        let change = try forward(observations.concatenatedColumns(scaledActions(actions)))
        return ModelPrediction(nextObservations: observations + change)
    }
}
