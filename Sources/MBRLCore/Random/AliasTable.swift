/// A sampler for many draws from one fixed categorical distribution in constant time per draw
/// (Walker's alias method, built by Vose's stable algorithm: M. D. Vose, "A linear algorithm for
/// generating random numbers with a given distribution", IEEE TSE 17(9), 1991).
///
/// Building takes `O(K)` for `K` categories; each draw then costs one integer and one uniform
/// draw, whatever `K` is. Use it for prioritised or weighted index sampling; for a single draw,
/// `RandomGenerator.nextCategorical(probabilities:)` is cheaper.
///
/// ```swift
/// let table = try AliasTable(weights: [0.5, 0.25, 0.25])
/// var generator = RandomGenerator(seed: 3)
/// let index = table.sample(using: &generator)         // 0 half the time
/// let indices = table.sample(count: 1024, using: &generator)
/// ```
public struct AliasTable: Sendable, Equatable {
    /// The probability of each category (the weights normalised to sum to one).
    public let probabilities: [Double]
    /// For column `i`: the chance of keeping `i` rather than taking `aliases[i]`.
    private let keepProbabilities: [Double]
    private let aliases: [Int]

    /// A table for the distribution proportional to `weights`.
    ///
    /// Throws `invalidArgument` when `weights` is empty, holds a negative or non-finite value,
    /// or sums to zero.
    public init(weights: [Float]) throws {
        try self.init(weights: weights.map(Double.init))
    }

    /// A table for the distribution proportional to `weights`; see the `Float` version.
    public init(weights: [Double]) throws {
        guard !weights.isEmpty else {
            throw MBRLError.invalidArgument("an alias table needs at least one weight")
        }
        var total = 0.0
        for (index, weight) in weights.enumerated() {
            guard weight.isFinite && weight >= 0 else {
                throw MBRLError.invalidArgument("alias table weight \(index) is \(weight); weights must be finite and non-negative")
            }
            total += weight
        }
        guard total > 0, total.isFinite else {
            throw MBRLError.invalidArgument("alias table weights sum to \(total); they need a positive finite sum")
        }
        let count = weights.count
        probabilities = weights.map { $0 / total }
        var scaled = probabilities.map { $0 * Double(count) }
        var keep = [Double](repeating: 1, count: count)
        var aliases = Array(0..<count)
        var small: [Int] = [], large: [Int] = []
        for index in 0..<count {
            if scaled[index] < 1 { small.append(index) } else { large.append(index) }
        }
        while let lower = small.popLast(), let upper = large.last {
            keep[lower] = scaled[lower]
            aliases[lower] = upper
            scaled[upper] = (scaled[upper] + scaled[lower]) - 1
            if scaled[upper] < 1 {
                large.removeLast()
                small.append(upper)
            }
        }
        // Whatever is left in either list has (up to rounding) exactly one column's worth.
        for index in small + large { keep[index] = 1; aliases[index] = index }
        keepProbabilities = keep
        self.aliases = aliases
    }

    /// The number of categories.
    public var count: Int { probabilities.count }

    /// One index, drawn with probability `probabilities[index]`.
    @inline(__always)
    public func sample(using generator: inout RandomGenerator) -> Int {
        let column = generator.nextInt(below: aliases.count)
        return generator.nextUniformDouble() < keepProbabilities[column] ? column : aliases[column]
    }

    /// `count` independent indices.
    public func sample(count: Int, using generator: inout RandomGenerator) -> [Int] {
        precondition(count >= 0, "AliasTable.sample(count:) needs a non-negative count, got \(count)")
        return (0..<count).map { _ in sample(using: &generator) }
    }
}
