import MBRLCore

/// A termination rule of the "healthy" kind Gymnasium's MuJoCo locomotion tasks use: the episode
/// ends when an entry of the next observation leaves its range, or (optionally) when any entry
/// is not finite. `GymnasiumTerminationFunctions` holds the rules of the tasks mbrl-lib covers.
///
/// ```swift
/// // Hopper-v5: height obs[0] in (0.7, inf), angle obs[1] in (-0.2, 0.2), obs[1...] in (-100, 100).
/// let hopper = HealthyRangeTerminationFunction(bounds: [
///     .init(entries: 0...0, lower: 0.7, upper: .infinity),
///     .init(entries: 1...1, lower: -0.2, upper: 0.2),
///     .init(entries: 1..., lower: -100, upper: 100),
/// ])
/// ```
public struct HealthyRangeTerminationFunction: TerminationFunction, Equatable {
    /// A range the entries `entries` of the next observation must stay in.
    public struct Bound: Sendable, Equatable {
        /// The first observation entry the bound applies to.
        public var firstEntry: Int
        /// The last entry (inclusive), or nil for every entry from `firstEntry` on.
        public var lastEntry: Int?
        /// The lower end.
        public var lower: Float
        /// The upper end.
        public var upper: Float
        /// Whether the ends themselves are healthy (`[lower, upper]`) or not (`(lower, upper)`).
        public var inclusive: Bool

        /// Entries `entries` must stay within `lower...upper` (`inclusive`) or strictly between.
        public init(entries: ClosedRange<Int>, lower: Float, upper: Float, inclusive: Bool = false) {
            firstEntry = entries.lowerBound
            lastEntry = entries.upperBound
            self.lower = lower
            self.upper = upper
            self.inclusive = inclusive
        }

        /// Entries from `entries.lowerBound` to the last must stay within the range.
        public init(entries: PartialRangeFrom<Int>, lower: Float, upper: Float, inclusive: Bool = false) {
            firstEntry = entries.lowerBound
            lastEntry = nil
            self.lower = lower
            self.upper = upper
            self.inclusive = inclusive
        }

        func contains(_ value: Float) -> Bool {
            inclusive ? (value >= lower && value <= upper) : (value > lower && value < upper)
        }
    }

    /// The ranges; a row terminates when any is left.
    public var bounds: [Bound]
    /// Whether a next observation holding NaN or Inf terminates.
    public var terminatesWhenNotFinite: Bool

    /// A rule with the given ranges.
    public init(bounds: [Bound], terminatesWhenNotFinite: Bool = true) {
        self.bounds = bounds
        self.terminatesWhenNotFinite = terminatesWhenNotFinite
    }

    /// `[B, obs]`, `[B, act]`, `[B, obs] -> [B]`; entries beyond the observation are ignored.
    public func terminations(observations: Matrix, actions: Matrix, nextObservations: Matrix) -> [Bool] {
        let columns = nextObservations.columns
        return (0..<nextObservations.rows).map { row in
            let values = nextObservations.row(row)
            if terminatesWhenNotFinite && !values.allSatisfy(\.isFinite) { return true }
            for bound in bounds {
                let last = min(bound.lastEntry ?? (columns - 1), columns - 1)
                guard bound.firstEntry <= last else { continue }
                for entry in bound.firstEntry...last where !bound.contains(values[entry]) { return true }
            }
            return false
        }
    }
}
