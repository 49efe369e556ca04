#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Distributions drawn from a `RandomGenerator`: bulk uniform and normal fills, the truncated
// normal, categorical draws, permutations and index resampling. Every function is a pure function
// of the generator's state, so the same seed gives the same values bit for bit.
//
// ```swift
// var generator = RandomGenerator(seed: 1)
// var noise = Matrix(rows: 350, columns: 30)
// generator.fillTruncatedNormal(&noise)                       // N(0, 1) cut at ±2 std
// let action = try generator.nextCategorical(logits: [0.1, 2.0, -1.0])
// let order = generator.permutation(count: 1000)              // for shuffled minibatches
// ```

// MARK: - Uniform

extension RandomGenerator {
    /// Fills `buffer` with independent uniform values in `[lower, upper)` (24 random bits each).
    ///
    /// When `lower == upper` every value is `lower`.
    /// - Precondition: `lower <= upper`, both finite.
    public mutating func fillUniform(_ buffer: UnsafeMutableBufferPointer<Float>, lower: Float = 0, upper: Float = 1) {
        precondition(lower.isFinite && upper.isFinite && lower <= upper,
                     "fillUniform needs finite bounds with lower <= upper, got [\(lower), \(upper))")
        let width = upper - lower
        // Rounding of `lower + width * u` can reach `upper`; the largest value below it is kept.
        let largest = upper > lower ? upper.nextDown : lower
        for index in buffer.indices {
            buffer[index] = min(lower + width * nextUniformFloat(), largest)
        }
    }

    /// Fills `values` with uniform values in `[lower, upper)`; see the buffer version.
    public mutating func fillUniform(_ values: inout [Float], lower: Float = 0, upper: Float = 1) {
        values.withUnsafeMutableBufferPointer { fillUniform($0, lower: lower, upper: upper) }
    }

    /// Fills every entry of `matrix` with uniform values in `[lower, upper)`.
    public mutating func fillUniform(_ matrix: inout Matrix, lower: Float = 0, upper: Float = 1) {
        matrix.withUnsafeMutableBufferPointer { fillUniform($0, lower: lower, upper: upper) }
    }
}

// MARK: - Normal

extension RandomGenerator {
    /// One standard normal value by the 256-layer ziggurat (exact; about one 64-bit draw per value).
    @inline(__always)
    mutating func nextZigguratNormal(edges: UnsafePointer<Double>, heights: UnsafePointer<Double>) -> Double {
        while true {
            let bits = next()
            // Bits 0-7 pick the layer, bit 8 the sign, bits 11-63 the position in the layer.
            let layer = Int(truncatingIfNeeded: bits & 0xFF)
            let negative = bits & 0x100 != 0
            let x = Double(bits >> 11) * 0x1p-53 * edges[layer]
            if x < edges[layer + 1] { return negative ? -x : x }
            if layer == 0 {
                // The tail beyond r (Marsaglia 1964): x = r + e1 / r, accepted when 2 e2 > (e1 / r)².
                let r = ZigguratTable.tailStart
                while true {
                    let excess = -log(1 - nextUniformDouble()) / r
                    let exponential = -log(1 - nextUniformDouble())
                    if exponential + exponential > excess * excess {
                        return negative ? -(r + excess) : r + excess
                    }
                }
            }
            // The wedge: accept the point when it lies under the density.
            let y = heights[layer] + nextUniformDouble() * (heights[layer + 1] - heights[layer])
            if y < exp(-0.5 * x * x) { return negative ? -x : x }
        }
    }

    /// One standard normal `Double` by the ziggurat method (used by the bulk fills and the
    /// truncated normal; `nextStandardNormalDouble()` stays Box-Muller).
    mutating func nextZigguratNormal() -> Double {
        ZigguratTable.edges.withUnsafeBufferPointer { edges in
            ZigguratTable.heights.withUnsafeBufferPointer { heights in
                nextZigguratNormal(edges: edges.baseAddress!, heights: heights.baseAddress!)
            }
        }
    }

    /// Fills `buffer` with independent standard normal values.
    ///
    /// Uses the exact 256-layer ziggurat method (Marsaglia and Tsang 2000), which needs about one
    /// 64-bit draw per value, so it is several times faster than Box-Muller. The values differ
    /// from repeated `nextStandardNormalFloat()` calls (which use Box-Muller) but are just as
    /// reproducible.
    public mutating func fillStandardNormal(_ buffer: UnsafeMutableBufferPointer<Float>) {
        ZigguratTable.edges.withUnsafeBufferPointer { edges in
            ZigguratTable.heights.withUnsafeBufferPointer { heights in
                let edges = edges.baseAddress!, heights = heights.baseAddress!
                for index in buffer.indices {
                    buffer[index] = Float(nextZigguratNormal(edges: edges, heights: heights))
                }
            }
        }
    }

    /// Fills `values` with standard normal values; see the buffer version.
    public mutating func fillStandardNormal(_ values: inout [Float]) {
        values.withUnsafeMutableBufferPointer { fillStandardNormal($0) }
    }

    /// Fills every entry of `matrix` with standard normal values.
    public mutating func fillStandardNormal(_ matrix: inout Matrix) {
        matrix.withUnsafeMutableBufferPointer { fillStandardNormal($0) }
    }

    /// Fills `buffer` with independent `N(mean, standardDeviation²)` values.
    /// - Precondition: `standardDeviation >= 0`.
    public mutating func fillNormal(_ buffer: UnsafeMutableBufferPointer<Float>, mean: Float, standardDeviation: Float) {
        precondition(standardDeviation >= 0, "fillNormal needs a non-negative standard deviation, got \(standardDeviation)")
        fillStandardNormal(buffer)
        for index in buffer.indices { buffer[index] = mean + standardDeviation * buffer[index] }
    }

    /// Fills `values` with `N(mean, standardDeviation²)` values.
    public mutating func fillNormal(_ values: inout [Float], mean: Float, standardDeviation: Float) {
        values.withUnsafeMutableBufferPointer { fillNormal($0, mean: mean, standardDeviation: standardDeviation) }
    }

    /// Fills every entry of `matrix` with `N(mean, standardDeviation²)` values.
    public mutating func fillNormal(_ matrix: inout Matrix, mean: Float, standardDeviation: Float) {
        matrix.withUnsafeMutableBufferPointer { fillNormal($0, mean: mean, standardDeviation: standardDeviation) }
    }

    /// Fills `buffer`, seen as rows of `means.count` entries, with entry `j` of every row drawn
    /// from `N(means[j], standardDeviations[j]²)`: a population `[N, D]` around one mean `[D]`.
    /// - Precondition: `means` and `standardDeviations` have the same non-zero length, which
    ///   divides `buffer.count`.
    public mutating func fillNormal(_ buffer: UnsafeMutableBufferPointer<Float>, means: [Float], standardDeviations: [Float]) {
        let width = means.count
        precondition(width > 0 && standardDeviations.count == width && buffer.count % width == 0,
                     "fillNormal: \(means.count) means and \(standardDeviations.count) standard deviations for \(buffer.count) values")
        fillStandardNormal(buffer)
        for index in buffer.indices {
            let column = index % width
            buffer[index] = means[column] + standardDeviations[column] * buffer[index]
        }
    }

    /// Fills `matrix` (`[N, D]`) with row `i`, column `j` drawn from `N(means[j], standardDeviations[j]²)`.
    public mutating func fillNormal(_ matrix: inout Matrix, means: [Float], standardDeviations: [Float]) {
        precondition(means.count == matrix.columns, "fillNormal: \(means.count) means for \(matrix.columns) columns")
        matrix.withUnsafeMutableBufferPointer { fillNormal($0, means: means, standardDeviations: standardDeviations) }
    }
}

// MARK: - Truncated normal

extension RandomGenerator {
    /// A standard normal value conditioned on `[lower, upper]`, exact for any bounds including
    /// far tails and infinite bounds.
    ///
    /// The proposal is chosen as in Robert, "Simulation of truncated normal variables",
    /// Statistics and Computing 5, 1995: plain normal rejection when the interval holds 0 and is
    /// wide, uniform rejection when it is narrow, and rejection from a shifted exponential with
    /// the optimal rate `(a + sqrt(a² + 4)) / 2` in a tail. Every branch is exact; the choice
    /// only affects speed (each accepts at least about 30% of proposals).
    /// - Precondition: `lower <= upper`, neither NaN.
    public mutating func nextTruncatedStandardNormal(lower: Double, upper: Double) -> Double {
        precondition(!lower.isNaN && !upper.isNaN && lower <= upper,
                     "a truncated normal needs lower <= upper, got [\(lower), \(upper)]")
        if lower == upper { return lower }
        if lower >= 0 { return positiveTruncatedStandardNormal(lower: lower, upper: upper) }
        if upper <= 0 { return -positiveTruncatedStandardNormal(lower: -upper, upper: -lower) }
        // The interval holds 0.
        if upper - lower >= (2 * Double.pi).squareRoot() {
            while true {
                let z = nextZigguratNormal()
                if z >= lower && z <= upper { return z }
            }
        }
        while true {
            let z = lower + (upper - lower) * nextUniformDouble()
            if nextUniformDouble() <= exp(-0.5 * z * z) { return z }
        }
    }

    /// The standard normal conditioned on `[lower, upper]` with `0 <= lower < upper`.
    private mutating func positiveTruncatedStandardNormal(lower a: Double, upper b: Double) -> Double {
        let root = (a * a + 4).squareRoot()
        // Robert (1995), Proposition 2.3: the exponential proposal beats the uniform one when
        // b - a exceeds 2 / (a + root) * exp((a² - a root) / 4 + 1/2); a² - a root is written
        // as -4a / (a + root) so that it stays accurate for large a.
        let threshold = 2 / (a + root) * exp(-a / (a + root) + 0.5)
        if b - a > threshold {
            let rate = (a + root) / 2
            while true {
                let z = a - log(1 - nextUniformDouble()) / rate
                if z > b { continue }
                let offset = z - rate
                if nextUniformDouble() <= exp(-0.5 * offset * offset) { return z }
            }
        }
        while true {
            let z = a + (b - a) * nextUniformDouble()
            // exp((a² - z²) / 2), with the difference of squares factored for accuracy.
            if nextUniformDouble() <= exp(-0.5 * (z - a) * (z + a)) { return z }
        }
    }

    /// A value from `N(mean, standardDeviation²)` conditioned on `[lower, upper]`.
    ///
    /// Exact for any bounds, including ones far in a tail (see
    /// `nextTruncatedStandardNormal(lower:upper:)`); computed in `Double` and clamped to the
    /// bounds after rounding to `Float`. A zero standard deviation gives `mean` clamped to the bounds.
    ///
    /// ```swift
    /// let x = generator.nextTruncatedNormal(mean: 0, standardDeviation: 1, lower: 5, upper: .infinity)
    /// ```
    /// - Precondition: `lower <= upper`, `standardDeviation >= 0` and finite, `mean` finite.
    public mutating func nextTruncatedNormal(mean: Float, standardDeviation: Float, lower: Float, upper: Float) -> Float {
        precondition(mean.isFinite && standardDeviation.isFinite && standardDeviation >= 0,
                     "a truncated normal needs a finite mean and a finite non-negative standard deviation, got \(mean), \(standardDeviation)")
        precondition(!lower.isNaN && !upper.isNaN && lower <= upper,
                     "a truncated normal needs lower <= upper, got [\(lower), \(upper)]")
        if standardDeviation == 0 { return min(max(mean, lower), upper) }
        let center = Double(mean), scale = Double(standardDeviation)
        let z = nextTruncatedStandardNormal(lower: (Double(lower) - center) / scale,
                                            upper: (Double(upper) - center) / scale)
        return min(max(Float(center + scale * z), lower), upper)
    }

    /// Fills `buffer` with independent values from `N(mean, standardDeviation²)` conditioned on
    /// `[lower, upper]`; see `nextTruncatedNormal(mean:standardDeviation:lower:upper:)`.
    public mutating func fillTruncatedNormal(_ buffer: UnsafeMutableBufferPointer<Float>, mean: Float, standardDeviation: Float,
                                             lower: Float, upper: Float) {
        for index in buffer.indices {
            buffer[index] = nextTruncatedNormal(mean: mean, standardDeviation: standardDeviation, lower: lower, upper: upper)
        }
    }

    /// Fills `buffer` with `N(mean, standardDeviation²)` values cut at
    /// `mean ± truncation * standardDeviation` (by default ±2 standard deviations).
    ///
    /// This is the distribution of mbrl-lib's `truncated_normal_` (`mbrl/util/math.py`), which
    /// draws normal values and redraws every value outside `mean ± 2 std` until none is left. Its
    /// CEM optimiser draws a standard population this way and maps it to
    /// `mu + sqrt(v) * z` with `v = min(var, ((mu - lower) / 2)², ((upper - mu) / 2)²)`, so every
    /// candidate lies inside the action bounds. The values here come from the same distribution
    /// (normal rejection, accepting about 95% of draws for the default ±2), not the same stream.
    /// - Precondition: `truncation > 0`, `standardDeviation >= 0`.
    public mutating func fillTruncatedNormal(_ buffer: UnsafeMutableBufferPointer<Float>, mean: Float = 0,
                                             standardDeviation: Float = 1, truncation: Float = 2) {
        fillTruncatedNormal(buffer, means: [mean], standardDeviations: [standardDeviation], truncation: truncation)
    }

    /// Fills `buffer`, seen as rows of `means.count` entries, with entry `j` of every row drawn
    /// from `N(means[j], standardDeviations[j]²)` cut at `means[j] ± truncation * standardDeviations[j]`:
    /// a CEM population `[N, H * A]` around a mean sequence `[H * A]`.
    public mutating func fillTruncatedNormal(_ buffer: UnsafeMutableBufferPointer<Float>, means: [Float],
                                             standardDeviations: [Float], truncation: Float = 2) {
        let width = means.count
        precondition(width > 0 && standardDeviations.count == width && buffer.count % width == 0,
                     "fillTruncatedNormal: \(means.count) means and \(standardDeviations.count) standard deviations for \(buffer.count) values")
        precondition(truncation > 0, "fillTruncatedNormal needs a positive truncation, got \(truncation)")
        precondition(standardDeviations.allSatisfy { $0 >= 0 && $0.isFinite },
                     "fillTruncatedNormal needs finite non-negative standard deviations")
        let bound = Double(truncation)
        if bound < 1.5 {
            // Normal rejection would accept too few draws; use the general exact sampler.
            for index in buffer.indices {
                let column = index % width
                let z = Float(nextTruncatedStandardNormal(lower: -bound, upper: bound))
                buffer[index] = means[column] + standardDeviations[column] * min(max(z, -truncation), truncation)
            }
            return
        }
        ZigguratTable.edges.withUnsafeBufferPointer { edges in
            ZigguratTable.heights.withUnsafeBufferPointer { heights in
                let edges = edges.baseAddress!, heights = heights.baseAddress!
                for index in buffer.indices {
                    var z = nextZigguratNormal(edges: edges, heights: heights)
                    while abs(z) > bound { z = nextZigguratNormal(edges: edges, heights: heights) }
                    let column = index % width
                    // Clamping after rounding keeps the value inside the bounds; it moves nothing
                    // but rounding error.
                    let value = Float(z)
                    buffer[index] = means[column] + standardDeviations[column] * min(max(value, -truncation), truncation)
                }
            }
        }
    }

    /// Fills `values` with `N(mean, standardDeviation²)` values cut at `mean ± truncation * standardDeviation`.
    public mutating func fillTruncatedNormal(_ values: inout [Float], mean: Float = 0, standardDeviation: Float = 1,
                                             truncation: Float = 2) {
        values.withUnsafeMutableBufferPointer {
            fillTruncatedNormal($0, mean: mean, standardDeviation: standardDeviation, truncation: truncation)
        }
    }

    /// Fills every entry of `matrix` with `N(mean, standardDeviation²)` values cut at
    /// `mean ± truncation * standardDeviation`.
    public mutating func fillTruncatedNormal(_ matrix: inout Matrix, mean: Float = 0, standardDeviation: Float = 1,
                                             truncation: Float = 2) {
        matrix.withUnsafeMutableBufferPointer {
            fillTruncatedNormal($0, mean: mean, standardDeviation: standardDeviation, truncation: truncation)
        }
    }

    /// Fills `matrix` (`[N, D]`) with column `j` drawn from `N(means[j], standardDeviations[j]²)`
    /// cut at `means[j] ± truncation * standardDeviations[j]`.
    public mutating func fillTruncatedNormal(_ matrix: inout Matrix, means: [Float], standardDeviations: [Float],
                                             truncation: Float = 2) {
        precondition(means.count == matrix.columns, "fillTruncatedNormal: \(means.count) means for \(matrix.columns) columns")
        matrix.withUnsafeMutableBufferPointer {
            fillTruncatedNormal($0, means: means, standardDeviations: standardDeviations, truncation: truncation)
        }
    }
}

// MARK: - Categorical

extension RandomGenerator {
    /// An index drawn with probability proportional to `probabilities[index]`.
    ///
    /// The weights need not sum to one (they are normalised); zero weights are never drawn.
    /// Throws `invalidArgument` when the list is empty, a weight is negative or not finite, or
    /// all weights are zero. Uses one uniform draw and a linear scan; for many draws from one
    /// distribution build an `AliasTable`.
    public mutating func nextCategorical(probabilities: [Float]) throws -> Int {
        try probabilities.withUnsafeBufferPointer { try nextCategorical(probabilities: $0) }
    }

    /// An index drawn with probability proportional to `probabilities[index]`; see the array version.
    public mutating func nextCategorical(probabilities: UnsafeBufferPointer<Float>) throws -> Int {
        guard !probabilities.isEmpty else {
            throw MBRLError.invalidArgument("a categorical distribution needs at least one probability")
        }
        var total = 0.0
        for (index, weight) in probabilities.enumerated() {
            guard weight.isFinite && weight >= 0 else {
                throw MBRLError.invalidArgument("categorical probability \(index) is \(weight); probabilities must be finite and non-negative")
            }
            total += Double(weight)
        }
        guard total > 0 else {
            throw MBRLError.invalidArgument("categorical probabilities are all zero")
        }
        let target = nextUniformDouble() * total
        var cumulative = 0.0
        var lastPositive = 0
        for (index, weight) in probabilities.enumerated() where weight > 0 {
            cumulative += Double(weight)
            if target < cumulative { return index }
            lastPositive = index
        }
        return lastPositive  // only reached through rounding in the running sum
    }

    /// An index drawn from `softmax(logits)`, computed stably (the largest logit is subtracted
    /// before exponentiating, in `Double`).
    ///
    /// `-infinity` logits have probability zero (action masking). Throws `invalidArgument` when
    /// the list is empty, a logit is NaN or `+infinity`, or every logit is `-infinity`.
    public mutating func nextCategorical(logits: [Float]) throws -> Int {
        try logits.withUnsafeBufferPointer { try nextCategorical(logits: $0) }
    }

    /// An index drawn from `softmax(logits)`; see the array version.
    public mutating func nextCategorical(logits: UnsafeBufferPointer<Float>) throws -> Int {
        guard !logits.isEmpty else {
            throw MBRLError.invalidArgument("a categorical distribution needs at least one logit")
        }
        var largest = -Double.infinity
        for (index, logit) in logits.enumerated() {
            guard !logit.isNaN && logit != .infinity else {
                throw MBRLError.invalidArgument("logit \(index) is \(logit); logits must be finite or -infinity")
            }
            largest = max(largest, Double(logit))
        }
        guard largest > -.infinity else {
            throw MBRLError.invalidArgument("every logit is -infinity: no action has positive probability")
        }
        var total = 0.0
        for logit in logits { total += exp(Double(logit) - largest) }
        let target = nextUniformDouble() * total
        var cumulative = 0.0
        var lastPositive = 0
        for (index, logit) in logits.enumerated() where logit > -.infinity {
            cumulative += exp(Double(logit) - largest)
            if target < cumulative { return index }
            lastPositive = index
        }
        return lastPositive
    }

    /// One index per row of `logits` (`[B, K]` -> `[B]`), each drawn from the row's softmax.
    public mutating func nextCategorical(logitRows logits: Matrix) throws -> [Int] {
        var result = [Int](repeating: 0, count: logits.rows)
        try logits.withUnsafeBufferPointer { buffer in
            for row in 0..<logits.rows {
                let rowBuffer = UnsafeBufferPointer(rebasing: buffer[row * logits.columns ..< (row + 1) * logits.columns])
                do {
                    result[row] = try nextCategorical(logits: rowBuffer)
                } catch let MBRLError.invalidArgument(message) {
                    throw MBRLError.invalidArgument("row \(row): \(message)")
                }
            }
        }
        return result
    }
}

// MARK: - Permutations and resampling

extension RandomGenerator {
    /// Shuffles `collection` in place by Fisher-Yates (uniform over all orders).
    ///
    /// Unlike the standard library's `shuffle(using:)`, whose algorithm may change between Swift
    /// versions, the order here is fixed by the generator's stream.
    public mutating func shuffle<C: MutableCollection & RandomAccessCollection>(_ collection: inout C) {
        let count = collection.count
        guard count > 1 else { return }
        for last in stride(from: count - 1, to: 0, by: -1) {
            let other = nextInt(below: last + 1)
            if other != last {
                collection.swapAt(collection.index(collection.startIndex, offsetBy: last),
                                  collection.index(collection.startIndex, offsetBy: other))
            }
        }
    }

    /// A uniformly random order of `0..<count` (Fisher-Yates), for shuffled minibatches.
    public mutating func permutation(count: Int) -> [Int] {
        precondition(count >= 0, "permutation(count:) needs a non-negative count, got \(count)")
        var order = Array(0..<count)
        shuffle(&order)
        return order
    }

    /// `count` indices drawn uniformly with replacement from `0..<count`: a bootstrap resample of
    /// a data set of `count` rows (as each member of a bootstrap ensemble trains on).
    public mutating func bootstrapIndices(count: Int) -> [Int] {
        bootstrapIndices(count: count, populationSize: count)
    }

    /// `count` indices drawn uniformly with replacement from `0..<populationSize`.
    /// - Precondition: `count >= 0`, and `populationSize > 0` when `count > 0`.
    public mutating func bootstrapIndices(count: Int, populationSize: Int) -> [Int] {
        precondition(count >= 0, "bootstrapIndices needs a non-negative count, got \(count)")
        guard count > 0 else { return [] }
        precondition(populationSize > 0, "bootstrapIndices cannot draw from an empty population")
        return (0..<count).map { _ in nextInt(below: populationSize) }
    }

    /// `count` distinct indices from `0..<populationSize`, in random order (every ordered
    /// selection equally likely).
    ///
    /// A partial Fisher-Yates shuffle; when `count` is small against the population it keeps only
    /// the swapped positions in a dictionary, so it needs `O(count)` memory. Both forms give the
    /// same indices for the same generator state. Throws `invalidArgument` when
    /// `count > populationSize` or either is negative.
    public mutating func sampleWithoutReplacement(from populationSize: Int, count: Int) throws -> [Int] {
        guard populationSize >= 0, count >= 0, count <= populationSize else {
            throw MBRLError.invalidArgument(
                "cannot draw \(count) distinct indices from a population of \(populationSize)")
        }
        if count * 4 >= populationSize {
            var pool = Array(0..<populationSize)
            for position in 0..<count {
                pool.swapAt(position, position + nextInt(below: populationSize - position))
            }
            return Array(pool[0..<count])
        }
        var moved: [Int: Int] = [:]
        var result: [Int] = []
        result.reserveCapacity(count)
        for position in 0..<count {
            let other = position + nextInt(below: populationSize - position)
            let valueAtOther = moved[other] ?? other
            let valueAtPosition = moved[position] ?? position
            moved[other] = valueAtPosition
            result.append(valueAtOther)
        }
        return result
    }

    /// `count` distinct elements of `collection` in random order; see
    /// `sampleWithoutReplacement(from:count:)`.
    public mutating func sampleWithoutReplacement<C: RandomAccessCollection>(_ collection: C, count: Int) throws -> [C.Element] {
        try sampleWithoutReplacement(from: collection.count, count: count).map {
            collection[collection.index(collection.startIndex, offsetBy: $0)]
        }
    }
}
