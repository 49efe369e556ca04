/// The iteration (training episode) whose evaluation episodes had the best mean return: DAgger's
/// "report the best of the iteration policies" (Ross & Bagnell 2012 return the best model of
/// the iterations by evaluation, since later models need not be better). Ties go to the earlier
/// iteration.
///
/// ```swift
/// if let best = BestIteration.select(from: recorder.records) {
///     print("iteration \(best.episode): mean evaluation return \(best.meanReturn), success \(best.successRate)")
/// }
/// ```
public struct BestIteration: Sendable, Codable, Equatable {
    /// The training episode the evaluation followed.
    public var episode: Int
    /// The mean return of its evaluation episodes.
    public var meanReturn: Double
    /// The share of its evaluation episodes that ended in a terminal state (the goal reached, on
    /// the point-mass tasks; the `terminated` metric).
    public var successRate: Double
    /// Environment steps (exploration and training) done when it was evaluated.
    public var totalSteps: Int

    public init(episode: Int, meanReturn: Double, successRate: Double, totalSteps: Int) {
        self.episode = episode
        self.meanReturn = meanReturn
        self.successRate = successRate
        self.totalSteps = totalSteps
    }

    /// Every evaluated iteration of `records`, in order: the evaluation records grouped by the
    /// training episode they follow.
    public static func evaluations(in records: [EpisodeRecord]) -> [BestIteration] {
        var order: [Int] = []
        var groups: [Int: [EpisodeRecord]] = [:]
        for record in records where record.phase == "evaluation" {
            if groups[record.episode] == nil { order.append(record.episode) }
            groups[record.episode, default: []].append(record)
        }
        return order.compactMap { episode in
            guard let group = groups[episode], !group.isEmpty else { return nil }
            let count = Double(group.count)
            return BestIteration(episode: episode, meanReturn: group.map(\.episodeReturn).reduce(0, +) / count,
                                 successRate: group.map { $0.metrics["terminated"] ?? 0 }.reduce(0, +) / count,
                                 totalSteps: group.map(\.totalSteps).max() ?? 0)
        }
    }

    /// The evaluated iteration with the highest mean return (the earliest among equals), or nil
    /// when nothing was evaluated.
    public static func select(from records: [EpisodeRecord]) -> BestIteration? {
        var best: BestIteration?
        for candidate in evaluations(in: records) where best.map({ candidate.meanReturn > $0.meanReturn }) ?? true {
            best = candidate
        }
        return best
    }
}
