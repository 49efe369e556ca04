/// Training data drawn from two replay buffers in a given proportion: expert and learner data
/// for DAgger-style aggregation (Ross et al. 2011; the lectures' "DAgger for models"), where each
/// batch holds `round(batchSize * firstFraction)` rows of the first buffer and the rest of the
/// second.
///
/// While one buffer is empty every row comes from the other (DAgger's first iteration has only
/// expert data), so a batch is available as soon as either holds a transition.
///
/// ```swift
/// var data = try TwoSourceDataset(first: expertBuffer, second: ReplayBuffer(capacity: 100_000,
///                                 observationSize: 4, actionSize: 1), firstFraction: 0.5)
/// try data.second.append(observations: states, actions: labels, rewards: rewards,
///                        nextObservations: next, terminated: done)
/// let batch = try data.sample(batchSize: 128, generator: &generator)   // 64 expert + 64 learner rows
/// ```
public struct TwoSourceDataset: Sendable, Equatable {
    /// The first source (for example expert demonstrations).
    public var first: ReplayBuffer
    /// The second source (for example the learner's own, relabelled data).
    public var second: ReplayBuffer
    /// The fraction of each batch drawn from `first`, in `[0, 1]`.
    public let firstFraction: Float

    /// A dataset over two buffers of the same sizes.
    ///
    /// - Throws: `MBRLError.invalidArgument` when `firstFraction` is outside `[0, 1]`,
    ///   `MBRLError.shapeMismatch` when the buffers hold different sizes.
    public init(first: ReplayBuffer, second: ReplayBuffer, firstFraction: Float) throws {
        guard firstFraction >= 0 && firstFraction <= 1 else {
            throw MBRLError.invalidArgument("firstFraction must be in [0, 1], got \(firstFraction)")
        }
        guard first.observationSize == second.observationSize, first.actionSize == second.actionSize else {
            throw MBRLError.shapeMismatch(
                "the first buffer holds (\(first.observationSize) observation, \(first.actionSize) action) entries, the second (\(second.observationSize), \(second.actionSize)); they must match")
        }
        self.first = first
        self.second = second
        self.firstFraction = firstFraction
    }

    /// The number of transitions held by both buffers.
    public var count: Int { first.count + second.count }

    /// A batch of `batchSize` rows drawn uniformly with replacement: `round(batchSize *
    /// firstFraction)` from `first`, then the rest from `second` (all from one buffer while the
    /// other is empty).
    ///
    /// - Throws: `MBRLError.invalidArgument` when both buffers are empty or `batchSize` is negative.
    public func sample(batchSize: Int, generator: inout RandomGenerator) throws -> TransitionBatch {
        guard batchSize >= 0 else { throw MBRLError.invalidArgument("batchSize must be at least 0, got \(batchSize)") }
        guard !first.isEmpty || !second.isEmpty else {
            throw MBRLError.invalidArgument("both buffers of the dataset are empty; append transitions before sampling")
        }
        var firstRows = min(batchSize, max(0, Int((Float(batchSize) * firstFraction).rounded())))
        if first.isEmpty { firstRows = 0 } else if second.isEmpty { firstRows = batchSize }
        let fromFirst = first.batch((0..<firstRows).map { _ in generator.nextInt(below: first.count) })
        let fromSecond = second.batch((0..<(batchSize - firstRows)).map { _ in generator.nextInt(below: second.count) })
        return TransitionBatch(concatenating: fromFirst, fromSecond)
    }
}
