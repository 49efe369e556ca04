#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MBRLCore

/// The logits `[B, n]` of a batch of categorical distributions: the `Distribution` of
/// `CategoricalMLPPolicy`.
public struct CategoricalDistribution: Sendable, Equatable {
    /// `[B, n]`.
    public var logits: Matrix
    /// `softmax(logits)` per row, `[B, n]`.
    public var probabilities: Matrix { CategoricalMLPPolicy.logSoftmax(logits).map { expf($0) } }

    /// A batch of categorical distributions with the given logits `[B, n]`.
    public init(logits: Matrix) { self.logits = logits }
}
