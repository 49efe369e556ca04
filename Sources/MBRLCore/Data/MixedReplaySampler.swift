/// Draws training batches that mix real and model-generated transitions in a fixed ratio
/// (MBPO's `real_ratio`, Janner et al. 2019: SAC's batches hold `round(batchSize * realRatio)`
/// real rows and the rest imagined rows).
///
/// ```swift
/// let sampler = try MixedReplaySampler(realRatio: 0.05)
/// let batch = try sampler.sample(real: environmentBuffer, model: modelBuffer,
///                                batchSize: 256, generator: &generator)   // 13 real rows, then 243 model rows
/// ```
public struct MixedReplaySampler: Sendable, Equatable {
    /// The fraction of each batch drawn from the real buffer, in `[0, 1]`.
    public let realRatio: Float

    /// A sampler drawing `realRatio` of each batch from the real buffer.
    ///
    /// - Throws: `MBRLError.invalidArgument` when `realRatio` is outside `[0, 1]`.
    public init(realRatio: Float) throws {
        guard realRatio >= 0 && realRatio <= 1 else {
            throw MBRLError.invalidArgument("realRatio must be in [0, 1], got \(realRatio)")
        }
        self.realRatio = realRatio
    }

    /// How many rows of a batch of `batchSize` come from the real buffer: `batchSize * realRatio`
    /// rounded to the nearest integer.
    public func realCount(batchSize: Int) -> Int {
        min(batchSize, max(0, Int((Float(batchSize) * realRatio).rounded())))
    }

    /// A batch of `batchSize` rows: `realCount(batchSize:)` drawn uniformly with replacement from
    /// `real`, followed by the rest drawn from `model`.
    ///
    /// - Throws: `MBRLError.invalidArgument` when a buffer that must supply rows is empty or
    ///   `batchSize` is negative; `MBRLError.shapeMismatch` when the buffers' sizes differ.
    public func sample(real: ReplayBuffer, model: ReplayBuffer, batchSize: Int,
                       generator: inout RandomGenerator) throws -> TransitionBatch {
        guard batchSize >= 0 else { throw MBRLError.invalidArgument("batchSize must be at least 0, got \(batchSize)") }
        guard real.observationSize == model.observationSize, real.actionSize == model.actionSize else {
            throw MBRLError.shapeMismatch(
                "the real buffer holds (\(real.observationSize) observation, \(real.actionSize) action) entries, the model buffer (\(model.observationSize), \(model.actionSize)); they must match")
        }
        let realRows = realCount(batchSize: batchSize)
        let modelRows = batchSize - realRows
        if realRows > 0 && real.isEmpty {
            throw MBRLError.invalidArgument("the real buffer is empty but \(realRows) of \(batchSize) rows must come from it")
        }
        if modelRows > 0 && model.isEmpty {
            throw MBRLError.invalidArgument(
                "the model buffer is empty but \(modelRows) of \(batchSize) rows must come from it; fill it with model rollouts first or use realRatio 1")
        }
        let first = real.batch((0..<realRows).map { _ in generator.nextInt(below: real.count) })
        let second = model.batch((0..<modelRows).map { _ in generator.nextInt(below: model.count) })
        return TransitionBatch(concatenating: first, second)
    }
}
