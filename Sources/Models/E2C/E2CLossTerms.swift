import MBRLCore

/// The terms of an E2C model's loss for one batch, each a mean over rows of a per-row sum
/// (before its weight; see `E2CModelConfig`), and their weighted total.
public struct E2CLossTerms: Sendable, Codable, Equatable {
    /// `|dec(z_t) - x_t|^2`.
    public var reconstruction: Double = 0
    /// `|dec(A z_t + B u_t + o) - x_{t+1}|^2`.
    public var prediction: Double = 0
    /// `KL(q(z | x_t) || N(0, I))`.
    public var kullbackLeibler: Double = 0
    /// The consistency term `KL(N(A μ_t + B u_t + o, A Σ_t Aᵀ) || q(z | x_{t+1}))`.
    public var consistency: Double = 0
    /// `(r(z_t, u_t) - r_t)^2` on the standardised scale.
    public var reward: Double = 0
    /// The weighted sum that training minimises.
    public var total: Double = 0

    public init(reconstruction: Double = 0, prediction: Double = 0, kullbackLeibler: Double = 0, consistency: Double = 0,
                reward: Double = 0, total: Double = 0) {
        self.reconstruction = reconstruction
        self.prediction = prediction
        self.kullbackLeibler = kullbackLeibler
        self.consistency = consistency
        self.reward = reward
        self.total = total
    }

    /// Whether every term is finite.
    public var isFinite: Bool {
        [reconstruction, prediction, kullbackLeibler, consistency, reward, total].allSatisfy(\.isFinite)
    }

    /// The entrywise sum (for averaging over batches).
    static func + (lhs: E2CLossTerms, rhs: E2CLossTerms) -> E2CLossTerms {
        E2CLossTerms(reconstruction: lhs.reconstruction + rhs.reconstruction, prediction: lhs.prediction + rhs.prediction,
                     kullbackLeibler: lhs.kullbackLeibler + rhs.kullbackLeibler, consistency: lhs.consistency + rhs.consistency,
                     reward: lhs.reward + rhs.reward, total: lhs.total + rhs.total)
    }

    /// Every term divided by `count`.
    func averaged(over count: Int) -> E2CLossTerms {
        let scale = 1 / Double(max(count, 1))
        return E2CLossTerms(reconstruction: reconstruction * scale, prediction: prediction * scale,
                            kullbackLeibler: kullbackLeibler * scale, consistency: consistency * scale,
                            reward: reward * scale, total: total * scale)
    }
}
