/// A model that plans in a learned latent space: an encoder `g(o) -> s` maps observations (for
/// example images) to compact states, the dynamics predict latent states (so `observationSize`
/// is the latent size), and a decoder maps latents back to observations.
///
/// ```swift
/// let latents = try model.encode(observations: images)      // [B, latent]
/// let step = try model.predict(observations: latents, actions: actions, generator: &generator)
/// let reconstructed = try model.decode(latents: step.nextObservations)   // [B, pixels]
/// ```
public protocol LatentDynamicsModel: DynamicsModel {
    /// The number of entries of a raw observation (for example `32 * 32` pixels).
    var rawObservationSize: Int { get }

    /// Encodes raw observations `[B, raw]` to latent states `[B, latent]` (the mean for a
    /// stochastic encoder).
    func encode(observations: Matrix) throws -> Matrix

    /// Decodes latent states `[B, latent]` to raw observations `[B, raw]` (the mean).
    func decode(latents: Matrix) throws -> Matrix

    /// Whether `decode` works: false for models trained without reconstruction (a contrastive
    /// forward model), whose `decode` throws. Default true.
    var hasDecoder: Bool { get }
}

extension LatentDynamicsModel {
    public var hasDecoder: Bool { true }
}
