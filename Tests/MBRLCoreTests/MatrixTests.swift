import Foundation
import MBRLCore
import Testing

@Suite struct MatrixTests {
    static func random(rows: Int, columns: Int, seed: UInt64) -> Matrix {
        var generator = RandomGenerator(seed: seed)
        var matrix = Matrix(rows: rows, columns: columns)
        generator.fillUniform(&matrix, lower: -1, upper: 1)
        return matrix
    }

    /// `op(a) · op(b)` by the textbook triple loop, in `Double`.
    static func naiveProduct(_ a: Matrix, _ b: Matrix, transposeA: Bool = false, transposeB: Bool = false) -> [Double] {
        let m = transposeA ? a.columns : a.rows, k = transposeA ? a.rows : a.columns
        let n = transposeB ? b.rows : b.columns
        var result = [Double](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var total = 0.0
                for p in 0..<k {
                    let left = transposeA ? a[p, i] : a[i, p]
                    let right = transposeB ? b[j, p] : b[p, j]
                    total += Double(left) * Double(right)
                }
                result[i * n + j] = total
            }
        }
        return result
    }

    // MARK: Construction and access

    @Test func constructionAndShape() throws {
        let filled = Matrix(rows: 2, columns: 3, repeating: 1.5)
        #expect(filled.shape == (2, 3) && filled.count == 6 && filled.values == Array(repeating: 1.5, count: 6))
        let zeros = Matrix(rows: 0, columns: 4)
        #expect(zeros.count == 0 && zeros.columns == 4)
        let fromRows = Matrix(rowArrays: [[1, 2], [3, 4], [5, 6]])
        #expect(fromRows.rows == 3 && fromRows.columns == 2 && fromRows.values == [1, 2, 3, 4, 5, 6])
        #expect(Matrix(row: [7, 8, 9]).shape == (1, 3))
        #expect(Matrix.identity(3).values == [1, 0, 0, 0, 1, 0, 0, 0, 1])
        #expect(try Matrix.checked(rows: 2, columns: 2, values: [1, 2, 3, 4]) == Matrix(rowArrays: [[1, 2], [3, 4]]))
        #expect(throws: MBRLError.self) { try Matrix.checked(rows: 2, columns: 2, values: [1, 2, 3]) }
        #expect(throws: MBRLError.self) { try Matrix.checked(rows: -1, columns: 2, values: []) }
    }

    @Test func subscriptsAndRows() {
        var matrix = Matrix(rows: 2, columns: 3, values: [1, 2, 3, 4, 5, 6])
        #expect(matrix[0, 2] == 3 && matrix[1, 0] == 4)
        matrix[1, 2] = 7
        #expect(matrix.values == [1, 2, 3, 4, 5, 7])
        #expect(matrix.row(1) == [4, 5, 7])
        matrix.setRow(0, to: [9, 8, 7])
        #expect(matrix.rowArrays == [[9, 8, 7], [4, 5, 7]])
        var copy = matrix
        copy[0, 0] = 0
        #expect(matrix[0, 0] == 9)  // value semantics
    }

    @Test func gatherSliceAndReshape() {
        let matrix = Matrix(rowArrays: [[0, 1, 2], [10, 11, 12], [20, 21, 22], [30, 31, 32]])
        #expect(matrix.gatherRows([3, 0, 3]) == Matrix(rowArrays: [[30, 31, 32], [0, 1, 2], [30, 31, 32]]))
        #expect(matrix.gatherRows([]).shape == (0, 3))
        #expect(matrix.rows(1..<3) == Matrix(rowArrays: [[10, 11, 12], [20, 21, 22]]))
        #expect(matrix.columns(1..<3) == Matrix(rowArrays: [[1, 2], [11, 12], [21, 22], [31, 32]]))
        #expect(matrix.columns(2..<2).shape == (4, 0))
        let reshaped = matrix.reshaped(rows: 2, columns: 6)
        #expect(reshaped.row(1) == [20, 21, 22, 30, 31, 32])
    }

    @Test func transposeIsCorrectAcrossBlocks() {
        // 70 x 45 crosses the 32 x 32 blocking in both directions.
        let matrix = Self.random(rows: 70, columns: 45, seed: 1)
        let transposed = matrix.transposed
        #expect(transposed.shape == (45, 70))
        var mismatches = 0
        for row in 0..<70 {
            for column in 0..<45 where transposed[column, row] != matrix[row, column] { mismatches += 1 }
        }
        #expect(mismatches == 0)
        #expect(transposed.transposed == matrix)
        #expect(Matrix(row: [1, 2, 3]).transposed == Matrix(rowArrays: [[1], [2], [3]]))
        #expect(Matrix(rows: 0, columns: 3).transposed.shape == (3, 0))
    }

    @Test func concatenationAndAppending() {
        let left = Matrix(rowArrays: [[1, 2], [3, 4]])
        let right = Matrix(rowArrays: [[5], [6]])
        #expect(left.concatenatedColumns(right) == Matrix(rowArrays: [[1, 2, 5], [3, 4, 6]]))
        #expect(left.concatenatedRows(Matrix(row: [9, 9])) == Matrix(rowArrays: [[1, 2], [3, 4], [9, 9]]))
        #expect(Matrix(rows: 0, columns: 0).concatenatedRows(left) == left)
        #expect(left.concatenatedRows(Matrix(rows: 0, columns: 2)) == left)
        var growing = Matrix(rows: 0, columns: 0)
        growing.appendRow([1, 2, 3])
        growing.appendRow([4, 5, 6])
        #expect(growing == Matrix(rowArrays: [[1, 2, 3], [4, 5, 6]]))
    }

    // MARK: Arithmetic and reductions

    @Test func elementwiseArithmetic() {
        let a = Matrix(rowArrays: [[1, 2], [3, 4]])
        let b = Matrix(rowArrays: [[10, 20], [30, 40]])
        #expect((a + b).values == [11, 22, 33, 44])
        #expect((b - a).values == [9, 18, 27, 36])
        #expect((a * b).values == [10, 40, 90, 160])
        #expect((a * 2).values == [2, 4, 6, 8] && (0.5 * a).values == [0.5, 1, 1.5, 2])
        var c = a
        c += b
        #expect(c.values == [11, 22, 33, 44])
        c -= b
        #expect(c == a)
        c.add(b, scaledBy: -0.1)
        #expect(c.maxAbsoluteDifference(Matrix(rows: 2, columns: 2)) < 1e-6)
        c = a
        c.scale(by: 3)
        #expect(c.values == [3, 6, 9, 12])
        #expect(a.addingRow([100, 200]).values == [101, 202, 103, 204])
        c.fill(with: -1)
        #expect(c.values == [-1, -1, -1, -1])
        #expect(a.map { $0 * $0 }.values == [1, 4, 9, 16])
        #expect(a.zipMap(b) { max($0 * 10, $1 + 1) }.values == [11, 21, 31, 41])
    }

    @Test func reductions() {
        let a = Matrix(rowArrays: [[1, 2, 3], [4, 5, 6]])
        #expect(a.sum() == 21)
        #expect(a.columnSums() == [5, 7, 9])
        #expect(a.columnMeans() == [2.5, 3.5, 4.5])
        #expect(a.rowSums() == [6, 15])
        #expect(abs(a.norm() - Float(91.0.squareRoot())) < 1e-6)
        #expect(Matrix(rows: 0, columns: 2).columnMeans() == [0, 0])
        let b = Matrix(rowArrays: [[1, 2, 3], [4, 5, 8]])
        #expect(a.maxAbsoluteDifference(b) == 2)
    }

    @Test func maxAbsoluteDifferenceReportsNonFiniteValues() {
        // A NaN anywhere must not look like a match.
        let a = Matrix(rowArrays: [[1, 2], [3, 4]])
        var b = a
        b[1, 0] = .nan
        #expect(a.maxAbsoluteDifference(b).isNaN)
        #expect(!(a.maxAbsoluteDifference(b) < 1e-3))
        b[1, 0] = .infinity
        #expect(a.maxAbsoluteDifference(b) == .infinity)
        #expect(b.maxAbsoluteDifference(b).isNaN)  // inf - inf
    }

    @Test func nonFiniteDetection() {
        var a = Matrix(rows: 3, columns: 4)
        #expect(a.isFinite && a.firstNonFinite() == nil)
        a[2, 1] = -.infinity
        a[2, 3] = .nan
        let found = a.firstNonFinite()
        #expect(found?.row == 2 && found?.column == 1 && found?.value == -.infinity)
        #expect(!a.isFinite)
    }

    // MARK: Products

    @Test(arguments: [(1, 1, 1), (3, 7, 5), (17, 33, 9), (2, 64, 40)])
    func matmulMatchesTheNaiveLoop(sizes: (Int, Int, Int)) {
        let (m, k, n) = sizes
        let a = Self.random(rows: m, columns: k, seed: 2)
        let b = Self.random(rows: k, columns: n, seed: 3)
        let tolerance = 1e-5 * Double(k)
        let product = a.matmul(b)
        #expect(product.shape == (m, n))
        let expected = Self.naiveProduct(a, b)
        #expect(zip(product.values, expected).allSatisfy { abs(Double($0) - $1) <= tolerance })
        // The transposed forms, from stored transposes.
        let aStored = a.transposed, bStored = b.transposed
        for (transposeA, transposeB) in [(true, false), (false, true), (true, true)] {
            let left = transposeA ? aStored : a, right = transposeB ? bStored : b
            let result = left.matmul(right, transposeSelf: transposeA, transposeOther: transposeB)
            #expect(result.shape == (m, n))
            #expect(zip(result.values, expected).allSatisfy { abs(Double($0) - $1) <= tolerance },
                    "transposeA \(transposeA), transposeB \(transposeB)")
        }
    }

    @Test func matmulEdgeCases() {
        #expect(Matrix.identity(4).matmul(Self.random(rows: 4, columns: 3, seed: 4)) == Self.random(rows: 4, columns: 3, seed: 4))
        // An empty inner dimension gives zeros.
        let empty = Matrix(rows: 3, columns: 0).matmul(Matrix(rows: 0, columns: 2))
        #expect(empty == Matrix(rows: 3, columns: 2))
        let example = Matrix(rows: 2, columns: 3, values: [1, 2, 3, 4, 5, 6]).matmul(Matrix(rows: 3, columns: 1, values: [1, 0, -1]))
        #expect(example.values == [-2, -2])
    }

    // MARK: Codable

    @Test func codableRoundTripAndValidation() throws {
        let matrix = Self.random(rows: 3, columns: 4, seed: 5)
        let data = try JSONEncoder().encode(matrix)
        #expect(try JSONDecoder().decode(Matrix.self, from: data) == matrix)
        let inconsistent = Data(#"{"rows": 2, "columns": 2, "values": [1, 2, 3]}"#.utf8)
        #expect(throws: (any Error).self) { try JSONDecoder().decode(Matrix.self, from: inconsistent) }
        let negative = Data(#"{"rows": -1, "columns": 0, "values": []}"#.utf8)
        #expect(throws: (any Error).self) { try JSONDecoder().decode(Matrix.self, from: negative) }
    }
}
