/// The InfoNCE loss of a batch and how often the positive ranks first, averaged over rows.
///
/// ```swift
/// let terms = try model.lossTerms(observations: o, actions: a, nextObservations: next)
/// print(terms.loss, terms.rankingAccuracy)         // chance accuracy is 1 / B
/// ```
public struct ContrastiveLossTerms: Sendable, Equatable, Codable {
    /// `(1 / B) sum_i [log sum_j h(ẑ_i, z'_j) - log h(ẑ_i, z'_i)]`.
    public var loss: Double
    /// The fraction of rows whose prediction `ẑ_i` is most similar to its own next encoding
    /// `z'_i` among the batch's `B` next encodings.
    public var rankingAccuracy: Double

    public init(loss: Double = 0, rankingAccuracy: Double = 0) {
        self.loss = loss
        self.rankingAccuracy = rankingAccuracy
    }
}
