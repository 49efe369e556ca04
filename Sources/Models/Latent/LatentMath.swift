import Foundation
import MBRLCore

/// Small matrix helpers the latent model's forward and backward passes share.
enum LatentMath {
    @inline(__always)
    static func exp(_ value: Float) -> Float { Foundation.exp(value) }

    @inline(__always)
    static func log(_ value: Float) -> Float { Foundation.log(value) }

    /// The blocks one above the other; all must have the same number of columns.
    static func stackRows(_ blocks: [Matrix]) -> Matrix {
        guard let first = blocks.first else { return Matrix(rows: 0, columns: 0) }
        var values: [Float] = []
        values.reserveCapacity(blocks.reduce(0) { $0 + $1.count })
        var rows = 0
        for block in blocks {
            precondition(block.columns == first.columns, "stacked blocks must have the same width")
            values.append(contentsOf: block.values)
            rows += block.rows
        }
        return Matrix(rows: rows, columns: first.columns, values: values)
    }

    /// Block `index` of `count` equal row blocks.
    static func rowBlock(_ matrix: Matrix, _ index: Int, blockRows: Int) -> Matrix {
        matrix.rows(index * blockRows ..< (index + 1) * blockRows)
    }

    /// `[left, right]` side by side.
    static func joinColumns(_ left: Matrix, _ right: Matrix) -> Matrix {
        precondition(left.rows == right.rows, "joined blocks must have the same number of rows")
        let rows = left.rows, leftColumns = left.columns, rightColumns = right.columns, width = leftColumns + rightColumns
        var values = [Float](repeating: 0, count: rows * width)
        left.withUnsafeBufferPointer { l in
            right.withUnsafeBufferPointer { r in
                values.withUnsafeMutableBufferPointer { destination in
                    for row in 0..<rows {
                        for column in 0..<leftColumns { destination[row * width + column] = l[row * leftColumns + column] }
                        for column in 0..<rightColumns { destination[row * width + leftColumns + column] = r[row * rightColumns + column] }
                    }
                }
            }
        }
        return Matrix(rows: rows, columns: width, values: values)
    }

    /// The first `leftColumns` columns and the rest.
    static func splitColumns(_ matrix: Matrix, at leftColumns: Int) -> (left: Matrix, right: Matrix) {
        let rows = matrix.rows, width = matrix.columns, rightColumns = width - leftColumns
        var left = [Float](repeating: 0, count: rows * leftColumns)
        var right = [Float](repeating: 0, count: rows * rightColumns)
        matrix.withUnsafeBufferPointer { source in
            for row in 0..<rows {
                for column in 0..<leftColumns { left[row * leftColumns + column] = source[row * width + column] }
                for column in 0..<rightColumns { right[row * rightColumns + column] = source[row * width + leftColumns + column] }
            }
        }
        return (Matrix(rows: rows, columns: leftColumns, values: left), Matrix(rows: rows, columns: rightColumns, values: right))
    }

    /// The sum of squares of every entry, in `Double`.
    static func sumOfSquares(_ matrix: Matrix) -> Double {
        var total = 0.0
        matrix.withUnsafeBufferPointer { buffer in
            for value in buffer { total += Double(value) * Double(value) }
        }
        return total
    }

    /// `gradients[index] += addition` (or sets it when there is none yet).
    static func accumulate(_ gradients: inout [Matrix]?, _ addition: [Matrix]) {
        guard var current = gradients else { gradients = addition; return }
        for index in current.indices { current[index].add(addition[index]) }
        gradients = current
    }
}
