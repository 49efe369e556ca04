import MBRLCore

/// The per-column constants that turn a network output row into a prediction: the target
/// normaliser's statistics, the log-variance bounds and the delta mask, copied once per call.
struct OutputTransform: Sendable {
    let layout: OutputLayout
    /// Target means and standard deviations, `[R]` (0 and 1 without output normalisation).
    let targetMean: [Float]
    let targetStandardDeviation: [Float]
    /// Soft log-variance bounds, `[R]` (empty for a deterministic model).
    let upperBound: [Float]
    let lowerBound: [Float]
    /// 1 where the observation is predicted as a change, `[obs]`.
    let deltaMask: [Float]

    init(model: DynamicsEnsemble) {
        layout = model.layout
        targetMean = model.outputNormalizer.mean
        targetStandardDeviation = model.outputNormalizer.standardDeviation
        upperBound = model.logVarianceBounds?.maxLogVariance.values ?? []
        lowerBound = model.logVarianceBounds?.minLogVariance.values ?? []
        deltaMask = model.deltaMask
    }

    /// The bounded log-variances of `rows` network output rows as `[rows, R]`: row `i` reads
    /// the raw head of output row `outputRow(i)` (of `layout.outputSize` columns). The two
    /// softplus passes run vectorised over each column.
    func logVariances(output: UnsafeBufferPointer<Float>, rows: Int, outputRow: (Int) -> Int) -> [Float] {
        let regression = layout.regressionSize, width = layout.outputSize, offset = layout.logVarianceOffset
        var result = [Float](repeating: 0, count: rows * regression)
        guard rows > 0 else { return result }
        var column = [Float](repeating: 0, count: rows)
        var sources = [Int](repeating: 0, count: rows)
        for row in 0..<rows { sources[row] = outputRow(row) * width + offset }
        column.withUnsafeMutableBufferPointer { values in
            let pointer = values.baseAddress!
            for index in 0..<regression {
                let upper = upperBound[index], lower = lowerBound[index]
                // lv = lower + softplus((upper - softplus(upper - raw)) - lower)
                for row in 0..<rows { pointer[row] = upper - output[sources[row] + index] }
                Activation.softplus.apply(to: pointer, count: rows)
                for row in 0..<rows { pointer[row] = upper - pointer[row] - lower }
                Activation.softplus.apply(to: pointer, count: rows)
                for row in 0..<rows { result[row * regression + index] = lower + pointer[row] }
            }
        }
        return result
    }

    /// A normalised regression value of column `column` in the target's units.
    @inline(__always)
    func denormalized(_ value: Float, column: Int) -> Float {
        value * targetStandardDeviation[column] + targetMean[column]
    }
}
