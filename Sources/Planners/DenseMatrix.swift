import MBRLCore

/// A small dense row-major matrix of `Double` for iLQR's per-step algebra (sizes of a few to a
/// few dozen): products, transposes, Cholesky factorisation and solves, symmetric eigenvalue
/// clipping. `Matrix` (`Float`, batched) carries data between components; this type only works
/// inside the planners and guided policy search, where double precision keeps the Riccati recursion stable.
public struct DenseMatrix: Equatable, Sendable, Codable {
    public var rows: Int
    public var columns: Int
    public var values: [Double]

    public init(rows: Int, columns: Int, repeating value: Double = 0) {
        self.rows = rows
        self.columns = columns
        values = Array(repeating: value, count: rows * columns)
    }

    public init(_ matrix: Matrix) {
        rows = matrix.rows
        columns = matrix.columns
        values = matrix.values.map(Double.init)
    }

    public static func identity(_ size: Int) -> DenseMatrix {
        var result = DenseMatrix(rows: size, columns: size)
        for index in 0..<size { result[index, index] = 1 }
        return result
    }

    public subscript(row: Int, column: Int) -> Double {
        get { values[row * columns + column] }
        set { values[row * columns + column] = newValue }
    }

    public var transposed: DenseMatrix {
        var result = DenseMatrix(rows: columns, columns: rows)
        for row in 0..<rows { for column in 0..<columns { result[column, row] = self[row, column] } }
        return result
    }

    public var matrix: Matrix { Matrix(rows: rows, columns: columns, values: values.map(Float.init)) }

    public static func * (left: DenseMatrix, right: DenseMatrix) -> DenseMatrix {
        precondition(left.columns == right.rows, "DenseMatrix product of \(left.rows)x\(left.columns) and \(right.rows)x\(right.columns)")
        var result = DenseMatrix(rows: left.rows, columns: right.columns)
        for row in 0..<left.rows {
            for inner in 0..<left.columns {
                let factor = left[row, inner]
                if factor == 0 { continue }
                for column in 0..<right.columns { result.values[row * right.columns + column] += factor * right[inner, column] }
            }
        }
        return result
    }

    public static func * (left: DenseMatrix, vector: [Double]) -> [Double] {
        precondition(left.columns == vector.count, "DenseMatrix of \(left.columns) columns times a vector of \(vector.count)")
        return (0..<left.rows).map { row in
            var total = 0.0
            for column in 0..<left.columns { total += left[row, column] * vector[column] }
            return total
        }
    }

    public static func + (left: DenseMatrix, right: DenseMatrix) -> DenseMatrix {
        precondition(left.rows == right.rows && left.columns == right.columns, "DenseMatrix sum of different shapes")
        return DenseMatrix(rows: left.rows, columns: left.columns, values: zip(left.values, right.values).map(+))
    }

    public static func - (left: DenseMatrix, right: DenseMatrix) -> DenseMatrix {
        precondition(left.rows == right.rows && left.columns == right.columns, "DenseMatrix difference of different shapes")
        return DenseMatrix(rows: left.rows, columns: left.columns, values: zip(left.values, right.values).map(-))
    }

    public static prefix func - (matrix: DenseMatrix) -> DenseMatrix {
        DenseMatrix(rows: matrix.rows, columns: matrix.columns, values: matrix.values.map { -$0 })
    }

    public init(rows: Int, columns: Int, values: [Double]) {
        precondition(values.count == rows * columns, "DenseMatrix of \(rows)x\(columns) needs \(rows * columns) values")
        self.rows = rows
        self.columns = columns
        self.values = values
    }

    /// `(self + selfᵀ) / 2`.
    public var symmetrized: DenseMatrix {
        var result = self
        for row in 0..<rows {
            for column in 0..<row {
                let mean = (self[row, column] + self[column, row]) / 2
                result[row, column] = mean
                result[column, row] = mean
            }
        }
        return result
    }

    /// The submatrix of `rowIndices` x `columnIndices`.
    public func selecting(rows rowIndices: [Int], columns columnIndices: [Int]) -> DenseMatrix {
        var result = DenseMatrix(rows: rowIndices.count, columns: columnIndices.count)
        for (targetRow, row) in rowIndices.enumerated() {
            for (targetColumn, column) in columnIndices.enumerated() { result[targetRow, targetColumn] = self[row, column] }
        }
        return result
    }

    /// The lower-triangular Cholesky factor `L` with `L Lᵀ = self`, or nil when `self` is not
    /// (numerically) positive definite.
    public func cholesky() -> DenseMatrix? {
        precondition(rows == columns, "Cholesky needs a square matrix")
        var factor = DenseMatrix(rows: rows, columns: rows)
        for row in 0..<rows {
            for column in 0...row {
                var total = self[row, column]
                for inner in 0..<column { total -= factor[row, inner] * factor[column, inner] }
                if row == column {
                    guard total > 0, total.isFinite else { return nil }
                    factor[row, row] = total.squareRoot()
                } else {
                    factor[row, column] = total / factor[column, column]
                }
            }
        }
        return factor
    }

    /// Solves `L Lᵀ x = b` for every column of `b`, with `self` the Cholesky factor `L`.
    public func choleskySolve(_ right: DenseMatrix) -> DenseMatrix {
        var result = right
        for column in 0..<right.columns {
            // Forward: L y = b.
            for row in 0..<rows {
                var total = result[row, column]
                for inner in 0..<row { total -= self[row, inner] * result[inner, column] }
                result[row, column] = total / self[row, row]
            }
            // Backward: Lᵀ x = y.
            for row in stride(from: rows - 1, through: 0, by: -1) {
                var total = result[row, column]
                for inner in (row + 1)..<rows { total -= self[inner, row] * result[inner, column] }
                result[row, column] = total / self[row, row]
            }
        }
        return result
    }

    /// Solves `L Lᵀ x = b` for one vector.
    public func choleskySolve(_ vector: [Double]) -> [Double] {
        choleskySolve(DenseMatrix(rows: vector.count, columns: 1, values: vector)).values
    }

    /// The symmetric matrix with every eigenvalue above `ceiling` replaced by `ceiling`
    /// (eigenvalues by cyclic Jacobi rotations): the nearest matrix whose eigenvalues are at
    /// most `ceiling`, used to keep a reward Hessian negative semidefinite.
    public func clippingEigenvalues(above ceiling: Double) -> DenseMatrix {
        precondition(rows == columns, "eigenvalue clipping needs a square matrix")
        let size = rows
        var a = symmetrized
        var vectors = DenseMatrix.identity(size)
        for _ in 0..<100 {
            var offDiagonal = 0.0
            for row in 0..<size { for column in 0..<size where row != column { offDiagonal += a[row, column] * a[row, column] } }
            if offDiagonal < 1e-22 * max(1, a.values.reduce(0) { $0 + $1 * $1 }) { break }
            for p in 0..<size {
                for q in (p + 1)..<size where a[p, q] != 0 {
                    let theta = (a[q, q] - a[p, p]) / (2 * a[p, q])
                    let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot(), s = t * c
                    for k in 0..<size {
                        let akp = a[k, p], akq = a[k, q]
                        a[k, p] = c * akp - s * akq
                        a[k, q] = s * akp + c * akq
                    }
                    for k in 0..<size {
                        let apk = a[p, k], aqk = a[q, k]
                        a[p, k] = c * apk - s * aqk
                        a[q, k] = s * apk + c * aqk
                    }
                    for k in 0..<size {
                        let vkp = vectors[k, p], vkq = vectors[k, q]
                        vectors[k, p] = c * vkp - s * vkq
                        vectors[k, q] = s * vkp + c * vkq
                    }
                }
            }
        }
        var result = DenseMatrix(rows: size, columns: size)
        for index in 0..<size {
            let eigenvalue = min(a[index, index], ceiling)
            for row in 0..<size {
                for column in 0..<size { result[row, column] += eigenvalue * vectors[row, index] * vectors[column, index] }
            }
        }
        return result
    }
}

/// The dot product of two vectors.
public func dot(_ left: [Double], _ right: [Double]) -> Double {
    zip(left, right).reduce(0) { $0 + $1.0 * $1.1 }
}
