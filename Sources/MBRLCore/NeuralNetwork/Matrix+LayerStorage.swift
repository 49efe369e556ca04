// Internal helpers the layers use to allocate outputs that a GEMM overwrites anyway.

extension Matrix {
    /// A `rows x columns` matrix whose entries are not initialised: every entry must be written
    /// before it is read (GEMM outputs without `accumulate` are).
    @inline(__always)
    static func unfilled(rows: Int, columns: Int) -> Matrix {
        let count = rows * columns
        let values = [Float](unsafeUninitializedCapacity: count) { _, initializedCount in
            initializedCount = count
        }
        return Matrix(rows: rows, columns: columns, values: values)
    }

    /// An empty placeholder, used while parameters are moved out of a layer for an in-place update.
    static let movedOutPlaceholder = Matrix(rows: 0, columns: 0)

    /// Whether `self` and `other` have the same number of rows and columns.
    @inline(__always)
    func matchesShape(of other: Matrix) -> Bool {
        rows == other.rows && columns == other.columns
    }

    /// `"R x C"`, for error messages.
    var shapeText: String { "\(rows) x \(columns)" }
}
