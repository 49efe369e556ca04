import Foundation
import MBRLCore
import Testing

@Suite struct NormalizerTests {
    /// Data whose columns have very different offsets and scales: means 1000, 0, -5, 3e5 and
    /// standard deviations 0.01, 1, 100, 20.
    static func sampleData(rows: Int, seed: UInt64) -> Matrix {
        var generator = RandomGenerator(seed: seed)
        var data = Matrix(rows: rows, columns: 4)
        generator.fillNormal(&data, means: [1000, 0, -5, 3e5], standardDeviations: [0.01, 1, 100, 20])
        return data
    }

    /// Mean and unbiased standard deviation of each column in `Double` (two passes).
    static func reference(_ data: Matrix) -> (mean: [Double], standardDeviation: [Double]) {
        (0..<data.columns).map { column -> (Double, Double) in
            let values = (0..<data.rows).map { Double(data[$0, column]) }
            let mean = values.reduce(0, +) / Double(values.count)
            let squares = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
            return (mean, (squares / Double(values.count - 1)).squareRoot())
        }.reduce(into: ([Double](), [Double]())) { $0.0.append($1.0); $0.1.append($1.1) }
    }

    @Test func fitMatchesADoublePrecisionReference() throws {
        let data = Self.sampleData(rows: 5000, seed: 1)
        let normalizer = try Normalizer(fitting: data)
        let (referenceMean, referenceDeviation) = Self.reference(data)
        #expect(normalizer.sampleCount == 5000)
        for column in 0..<4 {
            #expect(abs(normalizer.preciseMean[column] - referenceMean[column]) <= 1e-12 * abs(referenceMean[column]) + 1e-12)
            #expect(abs(normalizer.variance[column].squareRoot() / referenceDeviation[column] - 1) < 1e-9)
            #expect(abs(normalizer.mean[column] - Float(referenceMean[column])) <= normalizer.mean[column].ulp)
            #expect(abs(normalizer.standardDeviation[column] - Float(referenceDeviation[column])) <= normalizer.standardDeviation[column].ulp)
        }
        // Normalised values against (x - mean) / std in Double. The Float result can differ by
        // the rounding of the mean (half an ulp of |mean|, divided by std) and a few ulps of z.
        let normalized = normalizer.normalize(data)
        for column in 0..<4 {
            let meanRounding = Double(Float(abs(referenceMean[column])).ulp) / referenceDeviation[column]
            for row in 0..<data.rows {
                let expected = (Double(data[row, column]) - referenceMean[column]) / referenceDeviation[column]
                let tolerance = meanRounding + 4e-7 * abs(expected) + 1e-7
                #expect(abs(Double(normalized[row, column]) - expected) <= tolerance)
            }
        }
        let normalizedMoments = Self.reference(normalized)
        for column in 0..<4 {
            // Up to the mean's rounding (0.003 for column 0: ulp(1000) / 2 / 0.01).
            let meanRounding = Double(Float(abs(referenceMean[column])).ulp) / referenceDeviation[column]
            #expect(abs(normalizedMoments.mean[column]) < meanRounding + 1e-4)
            #expect(abs(normalizedMoments.standardDeviation[column] - 1) < 1e-3)
        }
    }

    @Test func runningUpdatesEqualOneFit() throws {
        let data = Self.sampleData(rows: 1000, seed: 2)
        let full = try Normalizer(fitting: data)
        var running = Normalizer(featureCount: 4)
        var start = 0
        for size in [1, 7, 0, 100, 2, 390, 500] {
            try running.update(with: data.rows(start ..< start + size))
            start += size
        }
        #expect(start == 1000)
        #expect(running.sampleCount == full.sampleCount)
        for column in 0..<4 {
            #expect(abs(running.preciseMean[column] - full.preciseMean[column]) <= 1e-13 * abs(full.preciseMean[column]) + 1e-13)
            #expect(abs(running.variance[column] / full.variance[column] - 1) < 1e-10)
            #expect(abs(running.mean[column] - full.mean[column]) <= full.mean[column].ulp)
            #expect(abs(running.standardDeviation[column] - full.standardDeviation[column]) <= full.standardDeviation[column].ulp)
        }
        // Fit replaces, rather than merges.
        var refitted = running
        try refitted.fit(data.rows(0..<10))
        #expect(refitted.sampleCount == 10)
        #expect(refitted == (try Normalizer(fitting: data.rows(0..<10))))
    }

    @Test func constantAndTinyFeaturesStayFinite() throws {
        // Column 0 constant, column 1 varies by 1e-7 (below the 1e-5 floor), column 2 normal.
        var data = Matrix(rows: 50, columns: 3)
        for row in 0..<50 {
            data[row, 0] = 5
            data[row, 1] = 1 + Float(row % 2) * 1e-7
            data[row, 2] = Float(row)
        }
        let normalizer = try Normalizer(fitting: data)
        #expect(normalizer.standardDeviation[0] == 1 && normalizer.standardDeviation[1] == 1)
        #expect(normalizer.standardDeviation[2] > 14 && normalizer.standardDeviation[2] < 15)
        let normalized = normalizer.normalize(data)
        #expect(normalized.isFinite)
        #expect((0..<50).allSatisfy { normalized[$0, 0] == 0 })
        #expect((0..<50).allSatisfy { abs(normalized[$0, 1]) < 1e-6 })
        #expect(normalizer.denormalize(normalized).maxAbsoluteDifference(data) < 1e-5)

        // One row: the unbiased variance is undefined, so std falls back to 1.
        let single = try Normalizer(fitting: Matrix(row: [3, -2]))
        #expect(single.standardDeviation == [1, 1] && single.mean == [3, -2])
        #expect(single.normalize([3, -1]) == [0, 1])

        // Before any data: the identity.
        let identity = Normalizer(featureCount: 2)
        #expect(identity.normalize([7, -3]) == [7, -3] && identity.denormalize([7, -3]) == [7, -3])
    }

    @Test func biasedVarianceOption() throws {
        let data = Matrix(rowArrays: [[1], [2], [3], [4]])
        let biased = try Normalizer(fitting: data, unbiased: false)
        let unbiased = try Normalizer(fitting: data)
        #expect(biased.variance == [1.25])
        #expect(abs(unbiased.variance[0] - 5.0 / 3) < 1e-15)
    }

    @Test func normalizeAndDenormalizeRoundTrip() throws {
        let data = Self.sampleData(rows: 300, seed: 3)
        let normalizer = try Normalizer(fitting: data)
        let back = normalizer.denormalize(normalizer.normalize(data))
        for row in 0..<data.rows {
            for column in 0..<4 {
                // A few ulps of the value's magnitude.
                #expect(abs(back[row, column] - data[row, column]) <= 4 * data[row, column].magnitude.ulp + 1e-6)
            }
        }
        var generator = RandomGenerator(seed: 4)
        var z = Matrix(rows: 100, columns: 4)
        generator.fillStandardNormal(&z)
        let zBack = normalizer.normalize(normalizer.denormalize(z))
        // Denormalising column 0 (mean 1000, std 0.01) quantises to ulp(1000) / 0.01 = 0.006 in z.
        #expect(zBack.columns(1..<4).maxAbsoluteDifference(z.columns(1..<4)) < 1e-3)
        #expect(zBack.columns(0..<1).maxAbsoluteDifference(z.columns(0..<1)) < 0.01)
    }

    @Test func pointerVariantsRespectTheRowStride() throws {
        let observations = Matrix(rowArrays: [[1, 10], [3, 30], [5, 50]])
        let normalizer = try Normalizer(fitting: observations)
        // [obs, act] rows: only the first two columns are normalised.
        var inputs = Matrix(rowArrays: [[1, 10, 7], [3, 30, 8], [5, 50, 9]])
        inputs.withUnsafeMutableBufferPointer { buffer in
            normalizer.normalizeInPlace(buffer.baseAddress!, rows: 3, rowStride: 3)
        }
        #expect(inputs.columns(2..<3).values == [7, 8, 9])
        #expect(inputs.columns(0..<2) == normalizer.normalize(observations))
        #expect(inputs.columns(0..<2).values == [-1, -1, 0, 0, 1, 1])
        inputs.withUnsafeMutableBufferPointer { buffer in
            normalizer.denormalizeInPlace(buffer.baseAddress!, rows: 3, rowStride: 3)
        }
        #expect(inputs == Matrix(rowArrays: [[1, 10, 7], [3, 30, 8], [5, 50, 9]]))
        var inPlace = observations
        normalizer.normalizeInPlace(&inPlace)
        #expect(inPlace == normalizer.normalize(observations))
        normalizer.denormalizeInPlace(&inPlace)
        #expect(inPlace == observations)
    }

    @Test func gradientsMatchFiniteDifferences() throws {
        let data = Self.sampleData(rows: 200, seed: 5).columns(1..<3)  // scales 1 and 100
        let normalizer = try Normalizer(fitting: data)
        let weights = Matrix(rowArrays: [[0.5, -2]])
        // L(x) = Σ w ⊙ normalize(x): dL/dx = w / std.
        let gradient = normalizer.backpropagateNormalize(weights)
        let point = Matrix(row: [0.3, 40])
        let step: Float = 1e-2
        for column in 0..<2 {
            var up = point, down = point
            up[0, column] += step * normalizer.standardDeviation[column]
            down[0, column] -= step * normalizer.standardDeviation[column]
            let lossUp = (weights * normalizer.normalize(up)).sum()
            let lossDown = (weights * normalizer.normalize(down)).sum()
            let numeric = (lossUp - lossDown) / Double(2 * step * normalizer.standardDeviation[column])
            #expect(abs(numeric - Double(gradient[0, column])) < 1e-3 * abs(Double(gradient[0, column])) + 1e-6)
        }
        // Through denormalize, the gradient scales by std; the two are inverse.
        let round = normalizer.backpropagateNormalize(normalizer.backpropagateDenormalize(weights))
        #expect(round.maxAbsoluteDifference(weights) < 1e-6)
        #expect(zip(normalizer.inverseStandardDeviation, normalizer.standardDeviation).allSatisfy { abs($0 * $1 - 1) < 1e-6 })
    }

    @Test func invalidDataIsRejectedWithoutChangingTheStatistics() throws {
        var normalizer = try Normalizer(fitting: Matrix(rowArrays: [[1, 2], [3, 4]]))
        let before = normalizer
        #expect(throws: MBRLError.self) { try normalizer.update(with: Matrix(rowArrays: [[1, 2, 3]])) }
        do {
            try normalizer.update(with: Matrix(rowArrays: [[1, 2], [3, .nan]]))
            Issue.record("NaN data was accepted")
        } catch let error as MBRLError {
            #expect(error.description.contains("row 1, column 1"))
        }
        #expect(throws: MBRLError.self) { try normalizer.fit(Matrix(rowArrays: [[.infinity, 0]])) }
        #expect(normalizer == before)
    }

    @Test func codableRoundTripKeepsRunningStatistics() throws {
        let data = Self.sampleData(rows: 400, seed: 6)
        var normalizer = try Normalizer(fitting: data.rows(0..<200))
        let encoded = try JSONEncoder().encode(normalizer)
        var restored = try JSONDecoder().decode(Normalizer.self, from: encoded)
        #expect(restored == normalizer)
        try normalizer.update(with: data.rows(200..<400))
        try restored.update(with: data.rows(200..<400))
        #expect(restored == normalizer)

        let broken = String(decoding: encoded, as: UTF8.self).replacingOccurrences(of: "\"featureCount\":4", with: "\"featureCount\":5")
        #expect(broken != String(decoding: encoded, as: UTF8.self))
        #expect(throws: MBRLError.self) { try JSONDecoder().decode(Normalizer.self, from: Data(broken.utf8)) }
    }
}
