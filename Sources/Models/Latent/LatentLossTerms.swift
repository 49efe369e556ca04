import MBRLCore

/// The terms of a latent model's loss for one batch, each a mean over rows of a per-row sum
/// (before its weight; see `LatentModelConfig`), and their weighted total.
public struct LatentLossTerms: Sendable, Codable, Equatable {
    /// `|dec(z_t) - o_t|^2` over every encoded frame.
    public var reconstruction: Double = 0
    /// `|dec(s_t) - o_t|^2` over the open-loop predictions `t = 1...k` (mean over members).
    public var prediction: Double = 0
    /// `|s_t - enc(o_t)|^2` (or the Gaussian negative log-likelihood without its constant).
    public var latent: Double = 0
    /// `(r(s_t, a_t) - r_t)^2` on the standardised scale.
    public var reward: Double = 0
    /// `KL(q(z | o) || N(0, I))` (zero for a deterministic encoder).
    public var kullbackLeibler: Double = 0
    /// The weighted sum that training minimises.
    public var total: Double = 0

    public init(reconstruction: Double = 0, prediction: Double = 0, latent: Double = 0, reward: Double = 0,
                kullbackLeibler: Double = 0, total: Double = 0) {
        self.reconstruction = reconstruction
        self.prediction = prediction
        self.latent = latent
        self.reward = reward
        self.kullbackLeibler = kullbackLeibler
        self.total = total
    }

    /// Whether every term is finite.
    public var isFinite: Bool {
        [reconstruction, prediction, latent, reward, kullbackLeibler, total].allSatisfy(\.isFinite)
    }

    /// The entrywise sum (for averaging over batches).
    static func + (lhs: LatentLossTerms, rhs: LatentLossTerms) -> LatentLossTerms {
        LatentLossTerms(reconstruction: lhs.reconstruction + rhs.reconstruction, prediction: lhs.prediction + rhs.prediction,
                        latent: lhs.latent + rhs.latent, reward: lhs.reward + rhs.reward,
                        kullbackLeibler: lhs.kullbackLeibler + rhs.kullbackLeibler, total: lhs.total + rhs.total)
    }

    /// Every term divided by `count`.
    func averaged(over count: Int) -> LatentLossTerms {
        let scale = 1 / Double(max(count, 1))
        return LatentLossTerms(reconstruction: reconstruction * scale, prediction: prediction * scale, latent: latent * scale,
                               reward: reward * scale, kullbackLeibler: kullbackLeibler * scale, total: total * scale)
    }
}
