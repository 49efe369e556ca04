/// A dense row-major matrix of `Float` with value semantics (copy on write).
///
/// Batches travel through the framework as matrices of rows: `[B, observationSize]` for a batch
/// of observations, `[E * B, n]` for an ensemble's `[E, B, n]` (member `e` owns rows
/// `e * B ..< (e + 1) * B`).
///
/// ```swift
/// var inputs = Matrix(rows: 2, columns: 3, values: [1, 2, 3, 4, 5, 6])
/// inputs[1, 2] = 7
/// let weights = Matrix(rows: 3, columns: 1, values: [1, 0, -1])
/// let outputs = inputs.matmul(weights)        // [2, 1]: [-2, -3]
/// let columnMeans = inputs.columnMeans()     // [2.5, 3.5, 5]
/// ```
public struct Matrix: Sendable, Equatable, Codable, CustomStringConvertible {
    /// The number of rows.
    public private(set) var rows: Int
    /// The number of columns.
    public private(set) var columns: Int
    /// The entries, row after row (`rows * columns` of them).
    public private(set) var values: [Float]

    /// A matrix filled with `value`.
    public init(rows: Int, columns: Int, repeating value: Float = 0) {
        precondition(rows >= 0 && columns >= 0, "Matrix dimensions must be non-negative")
        self.rows = rows
        self.columns = columns
        self.values = Array(repeating: value, count: rows * columns)
    }

    /// A matrix holding `values` row after row; `values.count` must be `rows * columns`.
    public init(rows: Int, columns: Int, values: [Float]) {
        precondition(rows >= 0 && columns >= 0, "Matrix dimensions must be non-negative")
        precondition(values.count == rows * columns,
                     "Matrix of \(rows) x \(columns) needs \(rows * columns) values, got \(values.count)")
        self.rows = rows
        self.columns = columns
        self.values = values
    }

    /// A matrix holding `values` row after row, or a `shapeMismatch` error naming the sizes.
    public static func checked(rows: Int, columns: Int, values: [Float]) throws -> Matrix {
        guard rows >= 0, columns >= 0, values.count == rows * columns else {
            throw MBRLError.shapeMismatch("a \(rows) x \(columns) matrix needs \(rows * columns) values, got \(values.count)")
        }
        return Matrix(rows: rows, columns: columns, values: values)
    }

    private enum CodingKeys: String, CodingKey { case rows, columns, values }

    /// Decodes a matrix, checking that the dimensions are non-negative and the values fill them.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let rows = try container.decode(Int.self, forKey: .rows)
        let columns = try container.decode(Int.self, forKey: .columns)
        let values = try container.decode([Float].self, forKey: .values)
        let (expected, overflow) = rows.multipliedReportingOverflow(by: columns)
        guard rows >= 0, columns >= 0, !overflow, values.count == expected else {
            throw DecodingError.dataCorruptedError(
                forKey: .values, in: container,
                debugDescription: "a \(rows) x \(columns) matrix needs \(rows) * \(columns) values, got \(values.count)")
        }
        self.init(rows: rows, columns: columns, values: values)
    }

    /// A matrix whose rows are `rowArrays`; every row must have the same length.
    public init(rowArrays: [[Float]]) {
        let columns = rowArrays.first?.count ?? 0
        precondition(rowArrays.allSatisfy { $0.count == columns }, "All rows must have the same length")
        self.init(rows: rowArrays.count, columns: columns, values: rowArrays.flatMap { $0 })
    }

    /// A `1 x n` matrix.
    public init(row: [Float]) {
        self.init(rows: 1, columns: row.count, values: row)
    }

    /// The `n x n` identity.
    public static func identity(_ size: Int) -> Matrix {
        var result = Matrix(rows: size, columns: size)
        for index in 0..<size { result[index, index] = 1 }
        return result
    }

    /// `(rows, columns)`.
    public var shape: (rows: Int, columns: Int) { (rows, columns) }

    /// The number of entries.
    public var count: Int { values.count }

    /// The entry at `row`, `column`.

    public subscript(row: Int, column: Int) -> Float {
        get { values[row * columns + column] }
        set { values[row * columns + column] = newValue }
    }

    /// A copy of row `index`.
    public func row(_ index: Int) -> [Float] {
        Array(values[index * columns ..< (index + 1) * columns])
    }

    /// Replaces row `index` with `newRow` (which must have `columns` entries).
    public mutating func setRow(_ index: Int, to newRow: [Float]) {
        precondition(newRow.count == columns, "Row of \(newRow.count) entries for a matrix of \(columns) columns")
        values.replaceSubrange(index * columns ..< (index + 1) * columns, with: newRow)
    }

    /// Each row as an array.
    public var rowArrays: [[Float]] { (0..<rows).map(row) }

    /// The rows at `indices` (repeats allowed), in that order.
    public func gatherRows(_ indices: [Int]) -> Matrix {
        var result = Matrix(rows: indices.count, columns: columns)
        result.values.withUnsafeMutableBufferPointer { destination in
            values.withUnsafeBufferPointer { source in
                for (target, index) in indices.enumerated() {
                    let from = source.baseAddress! + index * columns
                    (destination.baseAddress! + target * columns).update(from: from, count: columns)
                }
            }
        }
        return result
    }

    /// The rows `range`.
    public func rows(_ range: Range<Int>) -> Matrix {
        Matrix(rows: range.count, columns: columns, values: Array(values[range.lowerBound * columns ..< range.upperBound * columns]))
    }

    /// The columns `range` of every row.
    public func columns(_ range: Range<Int>) -> Matrix {
        var result = Matrix(rows: rows, columns: range.count)
        for row in 0..<rows {
            for (target, column) in range.enumerated() {
                result.values[row * range.count + target] = values[row * columns + column]
            }
        }
        return result
    }

    /// `[self, other]` side by side; both must have the same number of rows.
    public func concatenatedColumns(_ other: Matrix) -> Matrix {
        precondition(rows == other.rows, "Cannot join \(rows) rows with \(other.rows) rows")
        var result = Matrix(rows: rows, columns: columns + other.columns)
        for row in 0..<rows {
            for column in 0..<columns { result.values[row * result.columns + column] = values[row * columns + column] }
            for column in 0..<other.columns {
                result.values[row * result.columns + columns + column] = other.values[row * other.columns + column]
            }
        }
        return result
    }

    /// `self` above `other`; both must have the same number of columns.
    public func concatenatedRows(_ other: Matrix) -> Matrix {
        precondition(columns == other.columns || rows == 0 || other.rows == 0,
                     "Cannot stack \(columns) columns on \(other.columns) columns")
        let width = rows == 0 ? other.columns : columns
        return Matrix(rows: rows + other.rows, columns: width, values: values + other.values)
    }

    /// Appends one row (a matrix with no rows takes the row's width).
    public mutating func appendRow(_ newRow: [Float]) {
        if rows == 0 && values.isEmpty { columns = newRow.count }
        precondition(newRow.count == columns, "Row of \(newRow.count) entries for a matrix of \(columns) columns")
        values.append(contentsOf: newRow)
        rows += 1
    }

    /// The same entries viewed as `newRows x newColumns`.
    public func reshaped(rows newRows: Int, columns newColumns: Int) -> Matrix {
        precondition(newRows * newColumns == count, "Cannot reshape \(rows) x \(columns) to \(newRows) x \(newColumns)")
        return Matrix(rows: newRows, columns: newColumns, values: values)
    }

    /// The transpose.
    public var transposed: Matrix {
        var result = Matrix(rows: columns, columns: rows)
        result.values.withUnsafeMutableBufferPointer { destination in
            values.withUnsafeBufferPointer { source in
                let blockSize = 32
                for rowBlock in stride(from: 0, to: rows, by: blockSize) {
                    for columnBlock in stride(from: 0, to: columns, by: blockSize) {
                        for row in rowBlock..<min(rowBlock + blockSize, rows) {
                            for column in columnBlock..<min(columnBlock + blockSize, columns) {
                                destination[column * rows + row] = source[row * columns + column]
                            }
                        }
                    }
                }
            }
        }
        return result
    }

    /// Read access to the entries as a contiguous buffer.

    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try values.withUnsafeBufferPointer(body)
    }

    /// Write access to the entries as a contiguous buffer (the shape cannot change).

    public mutating func withUnsafeMutableBufferPointer<R>(_ body: (inout UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
        try values.withUnsafeMutableBufferPointer(body)
    }

    /// The first non-finite entry as `(row, column, value)`, or `nil` when all are finite.
    public func firstNonFinite() -> (row: Int, column: Int, value: Float)? {
        for index in 0..<values.count where !values[index].isFinite {
            return (index / max(columns, 1), index % max(columns, 1), values[index])
        }
        return nil
    }

    /// Whether every entry is finite.
    public var isFinite: Bool { firstNonFinite() == nil }

    public var description: String {
        let shown = (0..<min(rows, 8)).map { row in
            "[" + (0..<min(columns, 8)).map { String(self[row, $0]) }.joined(separator: ", ")
                + (columns > 8 ? ", ..." : "") + "]"
        }
        return "Matrix(\(rows) x \(columns))[" + shown.joined(separator: ", ") + (rows > 8 ? ", ..." : "") + "]"
    }
}
