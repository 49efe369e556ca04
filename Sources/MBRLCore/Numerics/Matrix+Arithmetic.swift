#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - Elementwise arithmetic

extension Matrix {
    /// Applies `transform` to every entry.
    public func map(_ transform: (Float) -> Float) -> Matrix {
        Matrix(rows: rows, columns: columns, values: values.map(transform))
    }

    /// Combines two matrices of the same shape entry by entry.
    public func zipMap(_ other: Matrix, _ combine: (Float, Float) -> Float) -> Matrix {
        precondition(rows == other.rows && columns == other.columns,
                     "Shapes \(rows) x \(columns) and \(other.rows) x \(other.columns) differ")
        var result = self
        result.withUnsafeMutableBufferPointer { destination in
            other.withUnsafeBufferPointer { source in
                for index in 0..<destination.count { destination[index] = combine(destination[index], source[index]) }
            }
        }
        return result
    }

    public static func + (lhs: Matrix, rhs: Matrix) -> Matrix { lhs.zipMap(rhs, +) }
    public static func - (lhs: Matrix, rhs: Matrix) -> Matrix { lhs.zipMap(rhs, -) }
    /// The entrywise (Hadamard) product.
    public static func * (lhs: Matrix, rhs: Matrix) -> Matrix { lhs.zipMap(rhs, *) }
    public static func * (lhs: Matrix, rhs: Float) -> Matrix { lhs.map { $0 * rhs } }
    public static func * (lhs: Float, rhs: Matrix) -> Matrix { rhs.map { $0 * lhs } }
    public static func += (lhs: inout Matrix, rhs: Matrix) { lhs.add(rhs) }
    public static func -= (lhs: inout Matrix, rhs: Matrix) { lhs.add(rhs, scaledBy: -1) }

    /// `self += scale * other`, in place.
    public mutating func add(_ other: Matrix, scaledBy scale: Float = 1) {
        precondition(rows == other.rows && columns == other.columns,
                     "Shapes \(rows) x \(columns) and \(other.rows) x \(other.columns) differ")
        withUnsafeMutableBufferPointer { destination in
            other.withUnsafeBufferPointer { source in
                for index in 0..<destination.count { destination[index] += scale * source[index] }
            }
        }
    }

    /// Multiplies every entry by `scale`, in place.
    public mutating func scale(by scale: Float) {
        withUnsafeMutableBufferPointer { buffer in
            for index in 0..<buffer.count { buffer[index] *= scale }
        }
    }

    /// Adds `row` (of `columns` entries) to every row.
    public func addingRow(_ row: [Float]) -> Matrix {
        precondition(row.count == columns, "Row of \(row.count) entries for a matrix of \(columns) columns")
        var result = self
        result.withUnsafeMutableBufferPointer { buffer in
            for rowIndex in 0..<rows {
                for column in 0..<columns { buffer[rowIndex * columns + column] += row[column] }
            }
        }
        return result
    }

    /// Sets every entry to `value`.
    public mutating func fill(with value: Float) {
        withUnsafeMutableBufferPointer { buffer in
            for index in 0..<buffer.count { buffer[index] = value }
        }
    }
}

// MARK: - Reductions

extension Matrix {
    /// The sum of all entries (in `Double`).
    public func sum() -> Double {
        var total = 0.0
        for value in values { total += Double(value) }
        return total
    }

    /// The sum of each column, `[columns]`.
    public func columnSums() -> [Float] {
        var sums = [Double](repeating: 0, count: columns)
        for row in 0..<rows {
            for column in 0..<columns { sums[column] += Double(values[row * columns + column]) }
        }
        return sums.map { Float($0) }
    }

    /// The mean of each column, `[columns]`.
    public func columnMeans() -> [Float] {
        guard rows > 0 else { return Array(repeating: 0, count: columns) }
        return columnSums().map { $0 / Float(rows) }
    }

    /// The sum of each row, `[rows]`.
    public func rowSums() -> [Float] {
        (0..<rows).map { row in
            var total: Float = 0
            for column in 0..<columns { total += values[row * columns + column] }
            return total
        }
    }

    /// The Frobenius norm.
    public func norm() -> Float {
        var total = 0.0
        for value in values { total += Double(value) * Double(value) }
        return Float(total.squareRoot())
    }

    /// The largest absolute difference to `other` (same shape); NaN when any difference is NaN
    /// (a NaN entry, or infinities of the same sign), so a comparison with a tolerance fails.
    public func maxAbsoluteDifference(_ other: Matrix) -> Float {
        precondition(rows == other.rows && columns == other.columns, "Shapes differ")
        var largest: Float = 0
        for index in 0..<values.count {
            let difference = abs(values[index] - other.values[index])
            if difference.isNaN { return .nan }
            largest = max(largest, difference)
        }
        return largest
    }
}

// MARK: - Products

extension Matrix {
    /// `self · other`: `[m, k] · [k, n] -> [m, n]`, through the tiled GEMM on all cores.
    public func matmul(_ other: Matrix) -> Matrix {
        matmul(other, transposeSelf: false, transposeOther: false)
    }

    /// `op(self) · op(other)` where `op` transposes when asked.
    public func matmul(_ other: Matrix, transposeSelf: Bool, transposeOther: Bool) -> Matrix {
        let m = transposeSelf ? columns : rows
        let k = transposeSelf ? rows : columns
        let otherK = transposeOther ? other.columns : other.rows
        let n = transposeOther ? other.rows : other.columns
        precondition(k == otherK, "Cannot multiply \(m) x \(k) by \(otherK) x \(n)")
        var result = Matrix(rows: m, columns: n)
        guard m > 0 && n > 0 && k > 0 else { return result }
        result.withUnsafeMutableBufferPointer { c in
            withUnsafeBufferPointer { a in
                other.withUnsafeBufferPointer { b in
                    GEMM.multiply(
                        m: m, n: n, k: k,
                        a: a.baseAddress!, lda: columns, transposeA: transposeSelf,
                        b: b.baseAddress!, ldb: other.columns, transposeB: transposeOther,
                        c: c.baseAddress!, ldc: n)
                }
            }
        }
        return result
    }
}
