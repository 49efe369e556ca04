extension TwoSourceDataset {
    /// A training set drawn from both sources for one model fit, and how many rows came from each.
    public struct TrainingSet: Sendable {
        /// The rows, first-source rows first, in a buffer of exactly their number.
        public var buffer: ReplayBuffer
        /// Rows drawn from `first`.
        public var firstRows: Int
        /// Rows drawn from `second`.
        public var secondRows: Int
    }

    /// A training set of `size` rows (default: both buffers' transitions together) for a model
    /// fit: `round(size * firstFraction)` rows from `first` and the rest from `second`, or all
    /// from one buffer while the other is empty (DAgger's first fit has only expert data). Within
    /// a source, rows are drawn without replacement (a shuffled pass over the buffer) and only
    /// repeat once every row has been used, so a source smaller than its share is repeated
    /// evenly; each row is one transition, and episode boundaries are not kept.
    ///
    /// ```swift
    /// let data = try TwoSourceDataset(first: expertBuffer, second: learnerBuffer, firstFraction: 0.5)
    /// let set = try data.trainingSet(generator: &generator)   // half expert, half learner rows
    /// try model.train(on: set.buffer, generator: &generator)
    /// ```
    ///
    /// - Throws: `MBRLError.invalidArgument` when both buffers are empty or `size` is below 1.
    public func trainingSet(size: Int? = nil, generator: inout RandomGenerator) throws -> TrainingSet {
        guard !first.isEmpty || !second.isEmpty else {
            throw MBRLError.invalidArgument("both sources of the training set are empty; collect data first")
        }
        let size = size ?? count
        guard size >= 1 else { throw MBRLError.invalidArgument("a training set needs at least 1 row, got \(size)") }
        var firstRows = min(size, max(0, Int((Float(size) * firstFraction).rounded())))
        if first.isEmpty { firstRows = 0 } else if second.isEmpty { firstRows = size }
        let secondRows = size - firstRows
        var buffer = ReplayBuffer(capacity: size, observationSize: first.observationSize, actionSize: first.actionSize)
        if firstRows > 0 { try buffer.append(first.batch(Self.passes(over: first.count, rows: firstRows, generator: &generator))) }
        if secondRows > 0 { try buffer.append(second.batch(Self.passes(over: second.count, rows: secondRows, generator: &generator))) }
        return TrainingSet(buffer: buffer, firstRows: firstRows, secondRows: secondRows)
    }

    /// `rows` indices below `count`: shuffled passes over `0..<count`, the last one cut short.
    static func passes(over count: Int, rows: Int, generator: inout RandomGenerator) -> [Int] {
        var indices: [Int] = []
        indices.reserveCapacity(rows)
        while indices.count < rows {
            var pass = Array(0..<count)
            generator.shuffle(&pass)
            indices.append(contentsOf: pass.prefix(rows - indices.count))
        }
        return indices
    }
}
