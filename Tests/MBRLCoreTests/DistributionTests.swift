import Foundation
import MBRLCore
import Testing

/// Pearson's statistic `Σ (observed - expected)² / expected`.
func chiSquare(observed: [Int], expected: [Double]) -> Double {
    zip(observed, expected).reduce(0) { total, pair in
        let difference = Double(pair.0) - pair.1
        return total + difference * difference / pair.1
    }
}

/// Mean and (population) variance in `Double`.
func moments<S: Sequence>(_ values: S) -> (mean: Double, variance: Double) where S.Element == Float {
    var count = 0.0, sum = 0.0, squares = 0.0
    for value in values {
        count += 1
        sum += Double(value)
        squares += Double(value) * Double(value)
    }
    let mean = sum / count
    return (mean, squares / count - mean * mean)
}

/// The standard normal CDF.
func normalCDF(_ x: Double) -> Double { 0.5 * erfc(-x / 2.0.squareRoot()) }

/// The standard normal density.
func normalDensity(_ x: Double) -> Double { x.isInfinite ? 0 : exp(-0.5 * x * x) / (2 * Double.pi).squareRoot() }

/// Mean and variance of the standard normal truncated to `[a, b]`.
func truncatedNormalMoments(_ a: Double, _ b: Double) -> (mean: Double, variance: Double) {
    // The mass, from whichever side keeps precision in a tail.
    let mass = a >= 0
        ? 0.5 * (erfc(a / 2.0.squareRoot()) - erfc(b / 2.0.squareRoot()))
        : (b <= 0 ? 0.5 * (erfc(-b / 2.0.squareRoot()) - erfc(-a / 2.0.squareRoot())) : normalCDF(b) - normalCDF(a))
    let densityA = normalDensity(a), densityB = normalDensity(b)
    let mean = (densityA - densityB) / mass
    let weightedA = a.isInfinite ? 0 : a * densityA
    let weightedB = b.isInfinite ? 0 : b * densityB
    return (mean, 1 + (weightedA - weightedB) / mass - mean * mean)
}

@Suite struct DistributionTests {
    // MARK: Uniform

    @Test func uniformFillRespectsBoundsAndMoments() {
        var generator = RandomGenerator(seed: 1)
        var values = [Float](repeating: 0, count: 100_000)
        generator.fillUniform(&values, lower: -3, upper: 5)
        #expect(values.allSatisfy { $0 >= -3 && $0 < 5 })
        let (mean, variance) = moments(values)
        #expect(abs(mean - 1) < 0.04)            // standard error 0.007
        #expect(abs(variance - 64.0 / 12) < 0.1) // standard error 0.017
        var bins = [Int](repeating: 0, count: 16)
        for value in values { bins[min(Int((value + 3) / 8 * 16), 15)] += 1 }
        // 15 degrees of freedom: 37.7 is the 0.001 critical value.
        #expect(chiSquare(observed: bins, expected: Array(repeating: 100_000 / 16, count: 16)) < 37.7)
    }

    @Test func uniformFillWithEqualBoundsAndTinyRanges() {
        var generator = RandomGenerator(seed: 2)
        var values = [Float](repeating: 9, count: 100)
        generator.fillUniform(&values, lower: 0.5, upper: 0.5)
        #expect(values.allSatisfy { $0 == 0.5 })
        // A range of one ulp: every value must be the lower bound, never the upper one.
        let lower: Float = 1
        generator.fillUniform(&values, lower: lower, upper: lower.nextUp)
        #expect(values.allSatisfy { $0 == lower })
    }

    // MARK: Normal

    @Test func standardNormalFillMatchesTheNormalDistribution() {
        var generator = RandomGenerator(seed: 3)
        let count = 200_000
        var values = [Float](repeating: 0, count: count)
        generator.fillStandardNormal(&values)
        let (mean, variance) = moments(values)
        #expect(abs(mean) < 0.01)           // standard error 0.0022
        #expect(abs(variance - 1) < 0.015)  // standard error 0.0032
        let fourth = values.reduce(0.0) { $0 + pow(Double($1), 4) } / Double(count)
        #expect(abs(fourth - 3) < 0.1)      // standard error 0.022
        // The tail beyond the ziggurat's base layer (r = 3.654) must be there, with the right mass.
        let beyond = values.filter { abs($0) > 3.7 }.count
        let expectedBeyond = Double(count) * 2 * (1 - normalCDF(3.7))  // about 43
        #expect(abs(Double(beyond) - expectedBeyond) < 25)
        // 24 bins of equal normal probability over the whole line.
        let binCount = 24
        let edges = (1..<binCount).map { index -> Double in
            // Invert the CDF by bisection.
            var low = -10.0, high = 10.0
            for _ in 0..<80 {
                let middle = (low + high) / 2
                if normalCDF(middle) < Double(index) / Double(binCount) { low = middle } else { high = middle }
            }
            return low
        }
        var bins = [Int](repeating: 0, count: binCount)
        for value in values {
            bins[edges.firstIndex { Double(value) < $0 } ?? binCount - 1] += 1
        }
        // 23 degrees of freedom: 49.7 is the 0.001 critical value.
        let statistic = chiSquare(observed: bins, expected: Array(repeating: Double(count) / Double(binCount), count: binCount))
        #expect(statistic < 49.7)
    }

    @Test func standardNormalFillHasTheRightShapeInTheOuterLayers() {
        // The ziggurat's outer layers are wide (the density halves across the last one before
        // the tail), so an error in the wedge or tail tests shows up beyond 2 std first.
        var generator = RandomGenerator(seed: 30)
        var values = [Float](repeating: 0, count: 2_000_000)
        generator.fillStandardNormal(&values)
        let twoSidedTail = { (x: Double) in erfc(x / 2.0.squareRoot()) }  // P(|Z| > x)
        let outer = values.filter { abs($0) > 2 }.map { Double(abs($0)) }
        let outerMass = twoSidedTail(2)
        #expect(abs(Double(outer.count) - outerMass * 2e6) < 5 * (outerMass * 2e6).squareRoot())
        // 16 bins of equal probability given |Z| > 2.
        let binCount = 16
        let edges = (1..<binCount).map { index -> Double in
            let target = outerMass * (1 - Double(index) / Double(binCount))
            var low = 2.0, high = 10.0
            for _ in 0..<80 {
                let middle = (low + high) / 2
                if twoSidedTail(middle) > target { low = middle } else { high = middle }
            }
            return low
        }
        var bins = [Int](repeating: 0, count: binCount)
        for value in outer { bins[edges.firstIndex { value < $0 } ?? binCount - 1] += 1 }
        let expected = Array(repeating: Double(outer.count) / Double(binCount), count: binCount)
        // 15 degrees of freedom: 37.7 is the 0.001 critical value.
        #expect(chiSquare(observed: bins, expected: expected) < 37.7)
    }

    @Test func normalFillsScaleAndShift() {
        var generator = RandomGenerator(seed: 4)
        var values = [Float](repeating: 0, count: 50_000)
        generator.fillNormal(&values, mean: 3, standardDeviation: 0.5)
        let (mean, variance) = moments(values)
        #expect(abs(mean - 3) < 0.01)
        #expect(abs(variance - 0.25) < 0.01)

        var population = Matrix(rows: 20_000, columns: 3)
        generator.fillNormal(&population, means: [-1, 0, 10], standardDeviations: [1, 0, 2])
        let columns = (0..<3).map { column in moments((0..<population.rows).map { population[$0, column] }) }
        #expect(abs(columns[0].mean + 1) < 0.03 && abs(columns[0].variance - 1) < 0.05)
        #expect(columns[1].mean == 0 && columns[1].variance == 0)
        #expect(abs(columns[2].mean - 10) < 0.06 && abs(columns[2].variance - 4) < 0.2)
    }

    @Test func fillsAreDeterministic() {
        func draw(seed: UInt64) -> [Float] {
            var generator = RandomGenerator(seed: seed)
            var values = [Float](repeating: 0, count: 1000)
            var result: [Float] = []
            generator.fillStandardNormal(&values); result += values
            generator.fillUniform(&values, lower: -1, upper: 1); result += values
            generator.fillTruncatedNormal(&values); result += values
            result.append(generator.nextTruncatedNormal(mean: 0, standardDeviation: 1, lower: 6, upper: .infinity))
            return result
        }
        let first = draw(seed: 99), second = draw(seed: 99), other = draw(seed: 100)
        #expect(first.map(\.bitPattern) == second.map(\.bitPattern))
        #expect(first != other)
    }

    // MARK: Truncated normal

    @Test(arguments: [
        (-2.0, 2.0), (-0.1, 0.1), (0.5, 0.6), (1.0, 1.01), (-1.0, Double.infinity), (0.0, Double.infinity),
        (5.0, 6.0), (8.0, Double.infinity), (20.0, 20.5), (-Double.infinity, -3.0), (-7.0, -6.5), (-0.3, 4.0),
    ])
    func truncatedStandardNormalMatchesItsMoments(bounds: (Double, Double)) {
        let (lower, upper) = bounds
        var generator = RandomGenerator(seed: 5)
        let count = 20_000
        var sum = 0.0, squares = 0.0
        var inside = true
        for _ in 0..<count {
            let z = generator.nextTruncatedStandardNormal(lower: lower, upper: upper)
            inside = inside && z >= lower && z <= upper
            sum += z
            squares += z * z
        }
        #expect(inside)
        let expected = truncatedNormalMoments(lower, upper)
        let mean = sum / Double(count)
        let variance = squares / Double(count) - mean * mean
        let standardError = (expected.variance / Double(count)).squareRoot()
        #expect(abs(mean - expected.mean) < 5 * standardError, "mean \(mean), expected \(expected.mean)")
        #expect(abs(variance - expected.variance) < 0.05 * expected.variance, "variance \(variance), expected \(expected.variance)")
    }

    @Test func truncatedNormalTailHasTheRightShape() {
        // On [5, 6] the density falls by exp(-(x² - 25)/2): P(X < 5.2) = (Φ(5.2) - Φ(5)) / (Φ(6) - Φ(5)).
        var generator = RandomGenerator(seed: 6)
        let count = 20_000
        var below = 0
        for _ in 0..<count where generator.nextTruncatedNormal(mean: 1, standardDeviation: 2, lower: 11, upper: 13) < 11.4 {
            below += 1
        }
        let tail = { (x: Double) in 0.5 * erfc(x / 2.0.squareRoot()) }
        let expected = (tail(5) - tail(5.2)) / (tail(5) - tail(6))  // about 0.66
        #expect(abs(Double(below) / Double(count) - expected) < 0.02)
    }

    @Test func truncatedNormalEdgeCases() {
        var generator = RandomGenerator(seed: 7)
        #expect(generator.nextTruncatedNormal(mean: 3, standardDeviation: 0, lower: -1, upper: 1) == 1)
        #expect(generator.nextTruncatedNormal(mean: 0, standardDeviation: 1, lower: 2, upper: 2) == 2)
        // Far away from the mean, in Float: every value inside the bounds.
        for _ in 0..<1000 {
            let value = generator.nextTruncatedNormal(mean: 0, standardDeviation: 0.001, lower: 1, upper: 1.000001)
            #expect(value >= 1 && value <= 1.000001)
        }
        var values = [Float](repeating: 0, count: 1000)
        values.withUnsafeMutableBufferPointer {
            generator.fillTruncatedNormal($0, mean: 0, standardDeviation: 1, lower: -50, upper: -40)
        }
        #expect(values.allSatisfy { $0 >= -50 && $0 <= -40 })
        #expect(abs(moments(values).mean + 40.025) < 0.01)  // mean of the tail ≈ -(40 + 1/40)
    }

    @Test func twoSigmaTruncationMatchesMbrlLibSemantics() {
        // mbrl-lib's truncated_normal_: N(mean, std²) with values outside mean ± 2 std redrawn.
        var generator = RandomGenerator(seed: 8)
        var values = [Float](repeating: 0, count: 100_000)
        generator.fillTruncatedNormal(&values, mean: 1, standardDeviation: 3)
        #expect(values.allSatisfy { $0 >= -5 && $0 <= 7 })
        let (mean, variance) = moments(values)
        let expected = truncatedNormalMoments(-2, 2)  // variance 0.774
        #expect(abs(mean - 1) < 0.03)
        #expect(abs(variance / 9 - expected.variance) < 0.01)
        // Redrawing (not clamping): nothing piles up at the bounds.
        #expect(values.filter { abs($0 - 1) > 5.99 }.count < 50)

        var narrow = [Float](repeating: 0, count: 50_000)
        generator.fillTruncatedNormal(&narrow, truncation: 0.5)
        #expect(narrow.allSatisfy { abs($0) <= 0.5 })
        #expect(abs(moments(narrow).variance - truncatedNormalMoments(-0.5, 0.5).variance) < 0.002)

        var population = Matrix(rows: 10_000, columns: 2)
        generator.fillTruncatedNormal(&population, means: [0, 5], standardDeviations: [1, 0.1])
        for row in 0..<population.rows {
            #expect(abs(population[row, 0]) <= 2 && abs(population[row, 1] - 5) <= 0.2 + 1e-6)
        }
    }

    // MARK: Categorical

    @Test func categoricalFromProbabilitiesAndLogitsAgree() throws {
        let probabilities: [Float] = [0.1, 0.2, 0, 0.3, 0.4]
        let logits: [Float] = [log(1), log(2), -.infinity, log(3), log(4)]
        var generator = RandomGenerator(seed: 9)
        let count = 100_000
        var fromProbabilities = [Int](repeating: 0, count: 5), fromLogits = [Int](repeating: 0, count: 5)
        for _ in 0..<count {
            fromProbabilities[try generator.nextCategorical(probabilities: probabilities)] += 1
            fromLogits[try generator.nextCategorical(logits: logits)] += 1
        }
        #expect(fromProbabilities[2] == 0 && fromLogits[2] == 0)
        let expected = [0.1, 0.2, 0.3, 0.4].map { $0 * Double(count) }
        let observedProbabilities = [0, 1, 3, 4].map { fromProbabilities[$0] }
        let observedLogits = [0, 1, 3, 4].map { fromLogits[$0] }
        // 3 degrees of freedom: 16.3 is the 0.001 critical value.
        #expect(chiSquare(observed: observedProbabilities, expected: expected) < 16.3)
        #expect(chiSquare(observed: observedLogits, expected: expected) < 16.3)
        // Unnormalised weights give the same distribution.
        var ones = 0
        for _ in 0..<10_000 where try generator.nextCategorical(probabilities: [3, 1]) == 1 { ones += 1 }
        #expect(abs(ones - 2500) < 200)
    }

    @Test func categoricalLogitsAreNumericallySafe() throws {
        var generator = RandomGenerator(seed: 10)
        var ones = 0
        for _ in 0..<20_000 where try generator.nextCategorical(logits: [1000, 1001]) == 1 { ones += 1 }
        let expected = 1 / (1 + exp(-1.0))  // 0.731
        #expect(abs(Double(ones) / 20_000 - expected) < 0.015)
        #expect(try generator.nextCategorical(logits: [-1e30, 0, -1e30]) == 1)
        let rows = Matrix(rowArrays: [[0, -.infinity], [-.infinity, 0], [-.infinity, 5]])
        #expect(try generator.nextCategorical(logitRows: rows) == [0, 1, 1])
    }

    @Test func categoricalRejectsInvalidInput() {
        var generator = RandomGenerator(seed: 11)
        #expect(throws: MBRLError.self) { try generator.nextCategorical(probabilities: []) }
        #expect(throws: MBRLError.self) { try generator.nextCategorical(probabilities: [0.5, -0.1]) }
        #expect(throws: MBRLError.self) { try generator.nextCategorical(probabilities: [0, 0]) }
        #expect(throws: MBRLError.self) { try generator.nextCategorical(probabilities: [.nan, 1]) }
        #expect(throws: MBRLError.self) { try generator.nextCategorical(logits: [.nan, 1]) }
        #expect(throws: MBRLError.self) { try generator.nextCategorical(logits: [.infinity, 1]) }
        #expect(throws: MBRLError.self) { try generator.nextCategorical(logits: [-.infinity, -.infinity]) }
        #expect(throws: MBRLError.self) { try generator.nextCategorical(logitRows: Matrix(rowArrays: [[0, 1], [.nan, 1]])) }
    }

    @Test func aliasTableMatchesItsWeights() throws {
        let table = try AliasTable(weights: [5, 0, 1, 3, 1] as [Float])
        #expect(table.count == 5)
        #expect(abs(table.probabilities.reduce(0, +) - 1) < 1e-12)
        #expect(table.probabilities[0] == 0.5)
        var generator = RandomGenerator(seed: 12)
        let count = 100_000
        var counts = [Int](repeating: 0, count: 5)
        for index in table.sample(count: count, using: &generator) { counts[index] += 1 }
        #expect(counts[1] == 0)
        let observed = [0, 2, 3, 4].map { counts[$0] }
        let expected = [0.5, 0.1, 0.3, 0.1].map { $0 * Double(count) }
        #expect(chiSquare(observed: observed, expected: expected) < 16.3)

        let single = try AliasTable(weights: [2.0] as [Double])
        #expect(single.sample(count: 10, using: &generator) == Array(repeating: 0, count: 10))
        #expect(throws: MBRLError.self) { try AliasTable(weights: [] as [Float]) }
        #expect(throws: MBRLError.self) { try AliasTable(weights: [1, -1] as [Float]) }
        #expect(throws: MBRLError.self) { try AliasTable(weights: [0, 0] as [Float]) }
    }

    @Test func aliasTableHandlesManySkewedWeights() throws {
        // 1000 categories, weights spanning six orders of magnitude.
        let weights = (0..<1000).map { Double($0 % 7 == 0 ? 1e-3 : Double($0 % 13) + 1e3) }
        let table = try AliasTable(weights: weights)
        var generator = RandomGenerator(seed: 13)
        var counts = [Int](repeating: 0, count: 1000)
        let count = 400_000
        for _ in 0..<count { counts[table.sample(using: &generator)] += 1 }
        // Grouped by weight class to keep expected counts large.
        var observed = [Int](repeating: 0, count: 14), expected = [Double](repeating: 0, count: 14)
        for index in 0..<1000 {
            let group = index % 7 == 0 ? 13 : index % 13
            observed[group] += counts[index]
            expected[group] += table.probabilities[index] * Double(count)
        }
        // The rare group expects about 0.06 draws; test the other 13 groups (12 degrees of freedom: 32.9).
        #expect(chiSquare(observed: Array(observed[0..<13]), expected: Array(expected[0..<13])) < 32.9)
        #expect(observed[13] < 5)
    }

    // MARK: Permutations and resampling

    @Test func permutationsAreUniform() {
        var generator = RandomGenerator(seed: 14)
        var counts: [[Int]: Int] = [:]
        let draws = 48_000
        for _ in 0..<draws { counts[generator.permutation(count: 4), default: 0] += 1 }
        #expect(counts.count == 24)
        #expect(counts.keys.allSatisfy { $0.sorted() == [0, 1, 2, 3] })
        // 23 degrees of freedom: 49.7 is the 0.001 critical value.
        #expect(chiSquare(observed: Array(counts.values), expected: Array(repeating: 2000, count: 24)) < 49.7)
        let long = generator.permutation(count: 10_000)
        #expect(long.sorted() == Array(0..<10_000))
        #expect(generator.permutation(count: 0).isEmpty)
        var words = ["a", "b", "c", "d", "e"]
        var again = words
        var first = RandomGenerator(seed: 1), second = RandomGenerator(seed: 1)
        first.shuffle(&words)
        second.shuffle(&again)
        #expect(words == again && words.sorted() == ["a", "b", "c", "d", "e"])
    }

    @Test func bootstrapIndicesDrawWithReplacement() {
        var generator = RandomGenerator(seed: 15)
        let indices = generator.bootstrapIndices(count: 10_000)
        #expect(indices.count == 10_000 && indices.allSatisfy { (0..<10_000).contains($0) })
        // A bootstrap resample holds about 1 - 1/e of the distinct rows.
        let distinctFraction = Double(Set(indices).count) / 10_000
        #expect(abs(distinctFraction - (1 - exp(-1.0))) < 0.01)
        let fromSmall = generator.bootstrapIndices(count: 5000, populationSize: 3)
        #expect(Set(fromSmall) == [0, 1, 2])
        #expect(generator.bootstrapIndices(count: 0, populationSize: 0).isEmpty)
    }

    @Test(arguments: [(100, 5), (100, 50), (10, 10)])
    func samplingWithoutReplacementIsUniform(population: Int, count: Int) throws {
        var generator = RandomGenerator(seed: 16)
        var inclusions = [Int](repeating: 0, count: population)
        var firstPositions = [Int](repeating: 0, count: population)
        let trials = 20_000
        for _ in 0..<trials {
            let sample = try generator.sampleWithoutReplacement(from: population, count: count)
            #expect(sample.count == count && Set(sample).count == count)
            for index in sample { inclusions[index] += 1 }
            firstPositions[sample[0]] += 1
        }
        let expectedInclusions = Array(repeating: Double(trials * count) / Double(population), count: population)
        let expectedFirst = Array(repeating: Double(trials) / Double(population), count: population)
        if count < population {
            // 99 degrees of freedom: 148.2 is the 0.001 critical value; 9: 27.9.
            let critical = population == 100 ? 148.2 : 27.9
            #expect(chiSquare(observed: inclusions, expected: expectedInclusions) < critical)
        } else {
            #expect(inclusions.allSatisfy { $0 == trials })
        }
        let critical = population == 100 ? 148.2 : 27.9
        #expect(chiSquare(observed: firstPositions, expected: expectedFirst) < critical)
    }

    @Test func samplingWithoutReplacementFromHugePopulationsAndErrors() throws {
        var generator = RandomGenerator(seed: 17)
        let sample = try generator.sampleWithoutReplacement(from: 1_000_000_000, count: 1000)
        #expect(Set(sample).count == 1000 && sample.allSatisfy { $0 >= 0 && $0 < 1_000_000_000 })
        #expect(try generator.sampleWithoutReplacement(["x", "y", "z"], count: 3).sorted() == ["x", "y", "z"])
        #expect(try generator.sampleWithoutReplacement(from: 0, count: 0).isEmpty)
        #expect(throws: MBRLError.self) { try generator.sampleWithoutReplacement(from: 3, count: 4) }
        #expect(throws: MBRLError.self) { try generator.sampleWithoutReplacement(from: 3, count: -1) }
    }
}
