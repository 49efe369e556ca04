/// Per-feature standardisation `z = (x - mean) / std`, with statistics fitted on data.
///
/// Dynamics models train on normalised inputs (and often targets); the normaliser keeps the
/// per-feature mean and standard deviation of everything it has seen. Statistics are accumulated
/// in `Double`: `fit(_:)` uses two passes over the data, `update(with:)` merges a batch's
/// two-pass statistics into the running ones by the pairwise formula of Chan, Golub and LeVeque
/// ("Algorithms for computing the sample variance", 1983), so fitting in batches gives the same
/// statistics as one fit over all the data, up to rounding.
///
/// Like mbrl-lib's `Normalizer` (`mbrl/util/math.py`), the standard deviation is the unbiased
/// one (Bessel's correction, as `torch.std`) and a feature whose standard deviation is below
/// `minimumStandardDeviation` (mbrl-lib: 1e-5 for float32) gets a standard deviation of exactly
/// 1, so constant features are only centred, never divided by zero or blown up by noise. Before
/// any data the normaliser is the identity (mean 0, std 1).
///
/// ```swift
/// var normalizer = Normalizer(featureCount: 4)
/// try normalizer.fit(inputs)                       // [N, 4]
/// let z = normalizer.normalize(batch)              // [B, 4]
/// let x = normalizer.denormalize(z)                // back to data units
/// try normalizer.update(with: newRows)             // running statistics
/// let inputGradient = normalizer.backpropagateNormalize(gradientWithRespectToZ)
/// ```
public struct Normalizer: Sendable, Equatable {
    /// The number of features (columns) normalised.
    public let featureCount: Int
    /// Standard deviations below this are replaced by 1 (mbrl-lib's rule for float32 data).
    public let minimumStandardDeviation: Float
    /// Whether the variance divides by `n - 1` (true, as `torch.std`) or by `n`.
    public let unbiased: Bool
    /// The number of rows the statistics summarise.
    public private(set) var sampleCount: Int

    /// The running mean, `[featureCount]`, in `Double`.
    private var runningMean: [Double]
    /// The running sum of squared deviations from the mean, `[featureCount]`, in `Double`.
    private var sumOfSquaredDeviations: [Double]

    /// The mean used to normalise, `[featureCount]`.
    public private(set) var mean: [Float]
    /// The standard deviation used to normalise, `[featureCount]`: the data's, or 1 where that
    /// is below `minimumStandardDeviation`.
    public private(set) var standardDeviation: [Float]
    /// `1 / standardDeviation`, `[featureCount]`: also the factor by which a gradient with respect
    /// to the normalised values scales into a gradient with respect to the data (`dz/dx`).
    public private(set) var inverseStandardDeviation: [Float]

    /// An identity normaliser (mean 0, std 1) for `featureCount` features.
    /// - Parameters:
    ///   - minimumStandardDeviation: standard deviations below this become 1 (default 1e-5).
    ///   - unbiased: divide the variance by `n - 1` (default, as mbrl-lib) rather than `n`.
    public init(featureCount: Int, minimumStandardDeviation: Float = 1e-5, unbiased: Bool = true) {
        precondition(featureCount >= 0, "A normalizer needs a non-negative feature count, got \(featureCount)")
        precondition(minimumStandardDeviation >= 0 && minimumStandardDeviation.isFinite,
                     "minimumStandardDeviation must be finite and non-negative, got \(minimumStandardDeviation)")
        self.featureCount = featureCount
        self.minimumStandardDeviation = minimumStandardDeviation
        self.unbiased = unbiased
        sampleCount = 0
        runningMean = Array(repeating: 0, count: featureCount)
        sumOfSquaredDeviations = Array(repeating: 0, count: featureCount)
        mean = Array(repeating: 0, count: featureCount)
        standardDeviation = Array(repeating: 1, count: featureCount)
        inverseStandardDeviation = Array(repeating: 1, count: featureCount)
    }

    /// A normaliser fitted on `data` (`[N, featureCount]`).
    public init(fitting data: Matrix, minimumStandardDeviation: Float = 1e-5, unbiased: Bool = true) throws {
        self.init(featureCount: data.columns, minimumStandardDeviation: minimumStandardDeviation, unbiased: unbiased)
        try fit(data)
    }

    /// The variance of each feature as fitted, in `Double` (0 before two rows, or one row when
    /// `unbiased`), before the minimum-standard-deviation rule.
    public var variance: [Double] {
        let divisor = unbiased ? sampleCount - 1 : sampleCount
        guard divisor > 0 else { return Array(repeating: 0, count: featureCount) }
        return sumOfSquaredDeviations.map { $0 / Double(divisor) }
    }

    /// The mean of each feature as fitted, in `Double`.
    public var preciseMean: [Double] { runningMean }

    // MARK: - Fitting

    /// Forgets all statistics (back to the identity).
    public mutating func reset() {
        self = Normalizer(featureCount: featureCount, minimumStandardDeviation: minimumStandardDeviation, unbiased: unbiased)
    }

    /// Replaces the statistics with those of `data` (`[N, featureCount]`).
    ///
    /// Throws `shapeMismatch` when `data` has the wrong number of columns and `nonFinite` (naming
    /// the row and column) when it holds NaN or infinity; the statistics are then unchanged.
    public mutating func fit(_ data: Matrix) throws {
        var fresh = Normalizer(featureCount: featureCount, minimumStandardDeviation: minimumStandardDeviation, unbiased: unbiased)
        try fresh.update(with: data)
        self = fresh
    }

    /// Merges the rows of `batch` (`[B, featureCount]`) into the statistics.
    ///
    /// Throws like `fit(_:)`, leaving the statistics unchanged. An empty batch changes nothing.
    public mutating func update(with batch: Matrix) throws {
        guard batch.columns == featureCount else {
            throw MBRLError.shapeMismatch("the normalizer has \(featureCount) features, the data has \(batch.columns) columns")
        }
        if let (row, column, value) = batch.firstNonFinite() {
            throw MBRLError.nonFinite("normalizer data row \(row), column \(column) is \(value); the statistics were not updated")
        }
        let batchCount = batch.rows
        guard batchCount > 0 else { return }
        // The batch's own statistics, by two passes in Double.
        var batchMean = [Double](repeating: 0, count: featureCount)
        var batchSquares = [Double](repeating: 0, count: featureCount)
        batch.withUnsafeBufferPointer { values in
            for row in 0..<batchCount {
                let offset = row * featureCount
                for column in 0..<featureCount { batchMean[column] += Double(values[offset + column]) }
            }
            for column in 0..<featureCount { batchMean[column] /= Double(batchCount) }
            for row in 0..<batchCount {
                let offset = row * featureCount
                for column in 0..<featureCount {
                    let deviation = Double(values[offset + column]) - batchMean[column]
                    batchSquares[column] += deviation * deviation
                }
            }
        }
        if sampleCount == 0 {
            runningMean = batchMean
            sumOfSquaredDeviations = batchSquares
            sampleCount = batchCount
            refreshDerivedStatistics()
            return
        }
        // Chan, Golub and LeVeque's pairwise merge.
        let previousCount = Double(sampleCount)
        let total = previousCount + Double(batchCount)
        for column in 0..<featureCount {
            let delta = batchMean[column] - runningMean[column]
            runningMean[column] += delta * Double(batchCount) / total
            sumOfSquaredDeviations[column] += batchSquares[column] + delta * delta * previousCount * Double(batchCount) / total
        }
        sampleCount += batchCount
        refreshDerivedStatistics()
    }

    /// Recomputes the `Float` mean and standard deviations from the running statistics.
    private mutating func refreshDerivedStatistics() {
        let variances = variance
        for column in 0..<featureCount {
            mean[column] = Float(runningMean[column])
            let deviation = Float(variances[column].squareRoot())
            let used: Float = deviation >= minimumStandardDeviation && deviation.isFinite ? deviation : 1
            standardDeviation[column] = used
            inverseStandardDeviation[column] = 1 / used
        }
    }

    // MARK: - Normalising

    /// `(data - mean) / std` for every row of `data` (`[B, featureCount]` -> `[B, featureCount]`).
    ///
    /// Computed as `(x - mean) * (1 / std)` in `Float`.
    /// - Precondition: `data.columns == featureCount`.
    public func normalize(_ data: Matrix) -> Matrix {
        var result = data
        normalizeInPlace(&result)
        return result
    }

    /// `data * std + mean` for every row (`[B, featureCount]` -> `[B, featureCount]`).
    /// - Precondition: `data.columns == featureCount`.
    public func denormalize(_ data: Matrix) -> Matrix {
        var result = data
        denormalizeInPlace(&result)
        return result
    }

    /// Normalises one row of `featureCount` values.
    public func normalize(_ row: [Float]) -> [Float] {
        precondition(row.count == featureCount, "The normalizer has \(featureCount) features, the row has \(row.count)")
        return (0..<featureCount).map { (row[$0] - mean[$0]) * inverseStandardDeviation[$0] }
    }

    /// Denormalises one row of `featureCount` values.
    public func denormalize(_ row: [Float]) -> [Float] {
        precondition(row.count == featureCount, "The normalizer has \(featureCount) features, the row has \(row.count)")
        return (0..<featureCount).map { row[$0] * standardDeviation[$0] + mean[$0] }
    }

    /// Normalises `data` (`[B, featureCount]`) in place.
    public func normalizeInPlace(_ data: inout Matrix) {
        precondition(data.columns == featureCount, "The normalizer has \(featureCount) features, the data has \(data.columns) columns")
        let rows = data.rows
        data.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            normalizeInPlace(base, rows: rows, rowStride: featureCount)
        }
    }

    /// Denormalises `data` (`[B, featureCount]`) in place.
    public func denormalizeInPlace(_ data: inout Matrix) {
        precondition(data.columns == featureCount, "The normalizer has \(featureCount) features, the data has \(data.columns) columns")
        let rows = data.rows
        data.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            denormalizeInPlace(base, rows: rows, rowStride: featureCount)
        }
    }

    /// Normalises, in place, `rows` rows of `featureCount` values starting at `values`, the rows
    /// `rowStride` floats apart: for example the observation columns of a `[B, obs + act]`
    /// model input (`values` at the first column, `rowStride = obs + act`).
    /// - Precondition: `rowStride >= featureCount`.
    public func normalizeInPlace(_ values: UnsafeMutablePointer<Float>, rows: Int, rowStride: Int) {
        precondition(rowStride >= featureCount, "A row stride of \(rowStride) is shorter than \(featureCount) features")
        mean.withUnsafeBufferPointer { mean in
            inverseStandardDeviation.withUnsafeBufferPointer { scale in
                for row in 0..<rows {
                    let rowValues = values + row * rowStride
                    for column in 0..<featureCount {
                        rowValues[column] = (rowValues[column] - mean[column]) * scale[column]
                    }
                }
            }
        }
    }

    /// Denormalises, in place, `rows` rows of `featureCount` values `rowStride` floats apart.
    /// - Precondition: `rowStride >= featureCount`.
    public func denormalizeInPlace(_ values: UnsafeMutablePointer<Float>, rows: Int, rowStride: Int) {
        precondition(rowStride >= featureCount, "A row stride of \(rowStride) is shorter than \(featureCount) features")
        mean.withUnsafeBufferPointer { mean in
            standardDeviation.withUnsafeBufferPointer { scale in
                for row in 0..<rows {
                    let rowValues = values + row * rowStride
                    for column in 0..<featureCount {
                        rowValues[column] = rowValues[column] * scale[column] + mean[column]
                    }
                }
            }
        }
    }

    // MARK: - Gradients

    /// The gradient with respect to the data from the gradient with respect to the normalised
    /// values: `dL/dx = dL/dz / std` (`[B, featureCount]`).
    public func backpropagateNormalize(_ outputGradient: Matrix) -> Matrix {
        scaledColumns(outputGradient, by: inverseStandardDeviation)
    }

    /// The gradient with respect to normalised values from the gradient with respect to the
    /// denormalised ones: `dL/dz = dL/dx * std` (`[B, featureCount]`).
    public func backpropagateDenormalize(_ outputGradient: Matrix) -> Matrix {
        scaledColumns(outputGradient, by: standardDeviation)
    }

    private func scaledColumns(_ matrix: Matrix, by factors: [Float]) -> Matrix {
        precondition(matrix.columns == featureCount, "The normalizer has \(featureCount) features, the gradient has \(matrix.columns) columns")
        var result = matrix
        let rows = matrix.rows, columns = featureCount
        result.withUnsafeMutableBufferPointer { buffer in
            for row in 0..<rows {
                for column in 0..<columns { buffer[row * columns + column] *= factors[column] }
            }
        }
        return result
    }
}

// MARK: - Codable

extension Normalizer: Codable {
    private enum CodingKeys: String, CodingKey {
        case featureCount, minimumStandardDeviation, unbiased, sampleCount, mean, sumOfSquaredDeviations
    }

    /// Restores a normaliser; throws `fileFormat` when the stored statistics are inconsistent.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let featureCount = try container.decode(Int.self, forKey: .featureCount)
        let minimum = try container.decode(Float.self, forKey: .minimumStandardDeviation)
        let unbiased = try container.decode(Bool.self, forKey: .unbiased)
        let sampleCount = try container.decode(Int.self, forKey: .sampleCount)
        let mean = try container.decode([Double].self, forKey: .mean)
        let squares = try container.decode([Double].self, forKey: .sumOfSquaredDeviations)
        guard featureCount >= 0, sampleCount >= 0, minimum >= 0, minimum.isFinite,
              mean.count == featureCount, squares.count == featureCount,
              mean.allSatisfy(\.isFinite), squares.allSatisfy({ $0.isFinite && $0 >= 0 })
        else {
            throw MBRLError.fileFormat(
                "stored normalizer statistics are inconsistent: \(featureCount) features, \(sampleCount) samples, "
                    + "\(mean.count) means, \(squares.count) sums of squares, minimum std \(minimum)")
        }
        self.init(featureCount: featureCount, minimumStandardDeviation: minimum, unbiased: unbiased)
        self.sampleCount = sampleCount
        runningMean = mean
        sumOfSquaredDeviations = squares
        refreshDerivedStatistics()
    }

    /// Encodes the statistics (or storage) exactly, so decoding restores an equal value.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(featureCount, forKey: .featureCount)
        try container.encode(minimumStandardDeviation, forKey: .minimumStandardDeviation)
        try container.encode(unbiased, forKey: .unbiased)
        try container.encode(sampleCount, forKey: .sampleCount)
        try container.encode(runningMean, forKey: .mean)
        try container.encode(sumOfSquaredDeviations, forKey: .sumOfSquaredDeviations)
    }
}
