extension GEMM {
    /// The right operand `B` of a product, packed once into the panel layout the GEMM kernels
    /// read, for reuse across many calls (a layer's weights during planning or an epoch).
    ///
    /// Holds `count` matrices of the same shape (the members of an ensemble) so that
    /// `GEMM.multiplyBatched(m:a:...:packedB:...)` runs them in one call. Repack after the
    /// weights change: the packed copy does not follow the original.
    ///
    /// ```swift
    /// // weights: [200, 200] as [in, out]; inputs: [batch, 200]
    /// let packed = GEMM.PackedRightOperand(k: 200, n: 200, b: weights, ldb: 200)
    /// GEMM.multiply(m: batch, a: inputs, lda: 200, packedB: packed,
    ///               c: outputs, ldc: 200, bias: bias, activation: .silu)
    /// ```
    public struct PackedRightOperand: Sendable, Equatable {
        /// Rows of `B` (`k`, the depth of the product).
        public let depth: Int
        /// Columns of `B` (`n`, the width of the product).
        public let columns: Int
        /// The number of matrices packed.
        public let count: Int
        /// Floats between consecutive members in `storage`.
        let memberStride: Int
        /// The panels of every member.
        let storage: [Float]

        /// Packs `count` matrices `B_i[k, n]`.
        ///
        /// - Parameters:
        ///   - k: rows of `B`.
        ///   - n: columns of `B`.
        ///   - b: `B` as `[k, n]`, or as `[n, k]` when `transposeB` (then `B` is its transpose).
        ///   - ldb: the leading dimension of `b`.
        ///   - transposeB: whether `b` holds `B` transposed.
        ///   - count: the number of matrices; member `i` starts at `b + i * strideB`.
        ///   - strideB: floats between consecutive members.
        ///   - threads: threads used to pack large operands (default: all cores).
        public init(
            k: Int, n: Int, b: UnsafePointer<Float>, ldb: Int, transposeB: Bool = false,
            count: Int = 1, strideB: Int = 0, threads: Int? = nil
        ) {
            precondition(k >= 0 && n >= 0 && count >= 1, "PackedRightOperand: sizes must be non-negative and count at least 1")
            precondition(ldb >= (transposeB ? k : n), "PackedRightOperand: ldb (\(ldb)) is smaller than a row of B")
            depth = k
            columns = n
            self.count = count
            let stride = GEMMRightPanels.packedCount(columns: n, depth: k, firstPanel: 0)
            memberStride = stride
            storage = [Float](unsafeUninitializedCapacity: max(stride * count, 1)) { buffer, initialized in
                buffer.baseAddress.unsafelyUnwrapped.initialize(repeating: 0, count: buffer.count)
                GEMMDriver.pack(
                    count: count, b: b, ldb: ldb, strideB: strideB, transposeB: transposeB,
                    depth: k, columns: n, firstPanel: 0,
                    into: buffer.baseAddress.unsafelyUnwrapped, stridePacked: stride,
                    threads: threads ?? GEMM.defaultThreadCount)
                initialized = buffer.count
            }
        }

        /// Packs a matrix: `B = matrix` (`[k, n]`), or its transpose when `transposed`.
        public init(_ matrix: Matrix, transposed: Bool = false) {
            let k = transposed ? matrix.columns : matrix.rows
            let n = transposed ? matrix.rows : matrix.columns
            self = matrix.values.withUnsafeBufferPointer { values in
                withUnsafeTemporaryAllocation(of: Float.self, capacity: 1) { placeholder in
                    PackedRightOperand(
                        k: k, n: n, b: values.baseAddress ?? UnsafePointer(placeholder.baseAddress.unsafelyUnwrapped),
                        ldb: max(matrix.columns, transposed ? k : n), transposeB: transposed)
                }
            }
        }
    }
}
