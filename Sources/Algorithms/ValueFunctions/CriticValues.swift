import MBRLCore

/// The values of `K` action-value critics on a batch: `[K, B]` (critic `k`'s values are row
/// `k`), with the row-wise reductions over critics.
///
/// ```swift
/// let values = try critics(observations: observations, actions: actions)
/// values.perCritic                          // [K, B]
/// values.minimum                            // [B]: min_k Q_k(s_b, a_b)
/// ```
public struct CriticValues: Sendable, Equatable {
    /// `[K, B]`: `perCritic[k, b] = Q_k(s_b, a_b)`.
    public var perCritic: Matrix

    /// The values of `K` critics (rows) on `B` rows (columns).
    public init(perCritic: Matrix) {
        self.perCritic = perCritic
    }

    /// The number of critics `K`.
    public var criticCount: Int { perCritic.rows }
    /// The number of batch rows `B`.
    public var batchSize: Int { perCritic.columns }

    /// `[B]`: the smallest value over critics for each batch row.
    public var minimum: [Float] { reduced(.minimum) }

    /// `[B]`: the mean value over critics for each batch row.
    public var mean: [Float] { reduced(.mean) }

    /// `[B]`: the critics' values combined by `reduction` for each batch row.
    public func reduced(_ reduction: CriticReduction) -> [Float] {
        let count = criticCount, size = batchSize
        var result = [Float](repeating: 0, count: size)
        guard count > 0 else { return result }
        perCritic.withUnsafeBufferPointer { values in
            for row in 0..<size { result[row] = values[row] }
            for critic in 1..<count {
                let base = critic * size
                switch reduction {
                case .minimum: for row in 0..<size { result[row] = min(result[row], values[base + row]) }
                case .mean: for row in 0..<size { result[row] += values[base + row] }
                }
            }
        }
        if reduction == .mean {
            let scale = 1 / Float(count)
            for row in 0..<size { result[row] *= scale }
        }
        return result
    }
}
