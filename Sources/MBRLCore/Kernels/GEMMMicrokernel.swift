/// The register-tiled inner kernels of GEMM.
///
/// A kernel computes a 12-row tile of `C` that is 32 columns wide (24 `SIMD16<Float>`
/// accumulators, two vectors of B and one broadcast of A: 27 of the 32 AVX-512 registers) or 16
/// wide (the last, narrow panel of a width such as 200 = 6 x 32 + 8). Each depth step loads
/// the panel's row of B, broadcasts the 12 values of A's column and issues 24 (or 12) fused
/// multiply-adds. A is read in place (`aRowStride`, `aDepthStride`), B from a panel whose
/// consecutive depth rows are `ldb` apart (the caller's matrix or a packed copy).
///
/// Summation order: every entry of C is `fma(a[p], b[p], s)` for `p` in increasing order from
/// `s = 0`, in whichever kernel, tile or thread it is computed; this is what makes GEMM's result
/// independent of the thread count.
enum GEMMMicrokernel {
    typealias Vector = SIMD16<Float>

    /// Rows of C per tile.
    static let rows = 12
    /// Columns of C per wide tile (the panel width of packed B).
    static let wideColumns = 32
    /// Columns of C per narrow tile.
    static let narrowColumns = 16

    @inline(__always)
    static func load(_ pointer: UnsafePointer<Float>) -> Vector {
        UnsafeRawPointer(pointer).loadUnaligned(as: Vector.self)
    }


    /// A 12 x 32 tile with `A(i, p) = a[i * lda + p]` (A not transposed).
    @inline(never)
    static func wideRowMajor(
        depth: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        c: UnsafeMutablePointer<Float>, ldc: Int, epilogue: GEMMEpilogue
    ) {
        wide(depth: depth, a: a, aRowStride: lda, aDepthStride: 1, b: b, ldb: ldb, c: c, ldc: ldc, epilogue: epilogue)
    }

    /// A 12 x 32 tile with `A(i, p) = a[p * lda + i]` (A transposed).
    @inline(never)
    static func wideTransposed(
        depth: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        c: UnsafeMutablePointer<Float>, ldc: Int, epilogue: GEMMEpilogue
    ) {
        wide(depth: depth, a: a, aRowStride: 1, aDepthStride: lda, b: b, ldb: ldb, c: c, ldc: ldc, epilogue: epilogue)
    }

    /// A 12 x 16 tile with `A(i, p) = a[i * lda + p]` (A not transposed).
    @inline(never)
    static func narrowRowMajor(
        depth: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        c: UnsafeMutablePointer<Float>, ldc: Int, epilogue: GEMMEpilogue
    ) {
        narrow(depth: depth, a: a, aRowStride: lda, aDepthStride: 1, b: b, ldb: ldb, c: c, ldc: ldc, epilogue: epilogue)
    }

    /// A 12 x 16 tile with `A(i, p) = a[p * lda + i]` (A transposed).
    @inline(never)
    static func narrowTransposed(
        depth: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        c: UnsafeMutablePointer<Float>, ldc: Int, epilogue: GEMMEpilogue
    ) {
        narrow(depth: depth, a: a, aRowStride: 1, aDepthStride: lda, b: b, ldb: ldb, c: c, ldc: ldc, epilogue: epilogue)
    }

    /// The 12 x 32 tile: `C[0..<12, 0..<32] (+)= A(i, p) B(p, j)` over `depth` steps, then the epilogue.
    @inline(__always)
    private static func wide(
        depth: Int,
        a: UnsafePointer<Float>, aRowStride: Int, aDepthStride: Int,
        b: UnsafePointer<Float>, ldb: Int,
        c: UnsafeMutablePointer<Float>, ldc: Int,
        epilogue: GEMMEpilogue
    ) {
        var s0a = Vector(), s0b = Vector()
        var s1a = Vector(), s1b = Vector()
        var s2a = Vector(), s2b = Vector()
        var s3a = Vector(), s3b = Vector()
        var s4a = Vector(), s4b = Vector()
        var s5a = Vector(), s5b = Vector()
        var s6a = Vector(), s6b = Vector()
        var s7a = Vector(), s7b = Vector()
        var s8a = Vector(), s8b = Vector()
        var s9a = Vector(), s9b = Vector()
        var s10a = Vector(), s10b = Vector()
        var s11a = Vector(), s11b = Vector()
        var a = a, b = b
        for _ in 0..<depth {
            let b0 = load(b), b1 = load(b + 16)
            var x = Vector(repeating: a[0]); s0a.addProduct(x, b0); s0b.addProduct(x, b1)
            x = Vector(repeating: a[aRowStride]); s1a.addProduct(x, b0); s1b.addProduct(x, b1)
            x = Vector(repeating: a[2 * aRowStride]); s2a.addProduct(x, b0); s2b.addProduct(x, b1)
            x = Vector(repeating: a[3 * aRowStride]); s3a.addProduct(x, b0); s3b.addProduct(x, b1)
            x = Vector(repeating: a[4 * aRowStride]); s4a.addProduct(x, b0); s4b.addProduct(x, b1)
            x = Vector(repeating: a[5 * aRowStride]); s5a.addProduct(x, b0); s5b.addProduct(x, b1)
            x = Vector(repeating: a[6 * aRowStride]); s6a.addProduct(x, b0); s6b.addProduct(x, b1)
            x = Vector(repeating: a[7 * aRowStride]); s7a.addProduct(x, b0); s7b.addProduct(x, b1)
            x = Vector(repeating: a[8 * aRowStride]); s8a.addProduct(x, b0); s8b.addProduct(x, b1)
            x = Vector(repeating: a[9 * aRowStride]); s9a.addProduct(x, b0); s9b.addProduct(x, b1)
            x = Vector(repeating: a[10 * aRowStride]); s10a.addProduct(x, b0); s10b.addProduct(x, b1)
            x = Vector(repeating: a[11 * aRowStride]); s11a.addProduct(x, b0); s11b.addProduct(x, b1)
            a += aDepthStride
            b += ldb
        }
        let bias0 = epilogue.bias.map { load($0) } ?? Vector()
        let bias1 = epilogue.bias.map { load($0 + 16) } ?? Vector()
        epilogue.finish32(s0a, s0b, bias0, bias1, row: 0, c: c, ldc: ldc)
        epilogue.finish32(s1a, s1b, bias0, bias1, row: 1, c: c, ldc: ldc)
        epilogue.finish32(s2a, s2b, bias0, bias1, row: 2, c: c, ldc: ldc)
        epilogue.finish32(s3a, s3b, bias0, bias1, row: 3, c: c, ldc: ldc)
        epilogue.finish32(s4a, s4b, bias0, bias1, row: 4, c: c, ldc: ldc)
        epilogue.finish32(s5a, s5b, bias0, bias1, row: 5, c: c, ldc: ldc)
        epilogue.finish32(s6a, s6b, bias0, bias1, row: 6, c: c, ldc: ldc)
        epilogue.finish32(s7a, s7b, bias0, bias1, row: 7, c: c, ldc: ldc)
        epilogue.finish32(s8a, s8b, bias0, bias1, row: 8, c: c, ldc: ldc)
        epilogue.finish32(s9a, s9b, bias0, bias1, row: 9, c: c, ldc: ldc)
        epilogue.finish32(s10a, s10b, bias0, bias1, row: 10, c: c, ldc: ldc)
        epilogue.finish32(s11a, s11b, bias0, bias1, row: 11, c: c, ldc: ldc)
    }

    /// The 12 x 16 tile: `C[0..<12, 0..<16] (+)= A(i, p) B(p, j)` over `depth` steps, then the epilogue.
    @inline(__always)
    private static func narrow(
        depth: Int,
        a: UnsafePointer<Float>, aRowStride: Int, aDepthStride: Int,
        b: UnsafePointer<Float>, ldb: Int,
        c: UnsafeMutablePointer<Float>, ldc: Int,
        epilogue: GEMMEpilogue
    ) {
        var s0 = Vector()
        var s1 = Vector()
        var s2 = Vector()
        var s3 = Vector()
        var s4 = Vector()
        var s5 = Vector()
        var s6 = Vector()
        var s7 = Vector()
        var s8 = Vector()
        var s9 = Vector()
        var s10 = Vector()
        var s11 = Vector()
        var a = a, b = b
        for _ in 0..<depth {
            let b0 = load(b)
            var x = Vector(repeating: a[0]); s0.addProduct(x, b0)
            x = Vector(repeating: a[aRowStride]); s1.addProduct(x, b0)
            x = Vector(repeating: a[2 * aRowStride]); s2.addProduct(x, b0)
            x = Vector(repeating: a[3 * aRowStride]); s3.addProduct(x, b0)
            x = Vector(repeating: a[4 * aRowStride]); s4.addProduct(x, b0)
            x = Vector(repeating: a[5 * aRowStride]); s5.addProduct(x, b0)
            x = Vector(repeating: a[6 * aRowStride]); s6.addProduct(x, b0)
            x = Vector(repeating: a[7 * aRowStride]); s7.addProduct(x, b0)
            x = Vector(repeating: a[8 * aRowStride]); s8.addProduct(x, b0)
            x = Vector(repeating: a[9 * aRowStride]); s9.addProduct(x, b0)
            x = Vector(repeating: a[10 * aRowStride]); s10.addProduct(x, b0)
            x = Vector(repeating: a[11 * aRowStride]); s11.addProduct(x, b0)
            a += aDepthStride
            b += ldb
        }
        let bias0 = epilogue.bias.map { load($0) } ?? Vector()
        epilogue.finish16(s0, bias0, row: 0, c: c, ldc: ldc)
        epilogue.finish16(s1, bias0, row: 1, c: c, ldc: ldc)
        epilogue.finish16(s2, bias0, row: 2, c: c, ldc: ldc)
        epilogue.finish16(s3, bias0, row: 3, c: c, ldc: ldc)
        epilogue.finish16(s4, bias0, row: 4, c: c, ldc: ldc)
        epilogue.finish16(s5, bias0, row: 5, c: c, ldc: ldc)
        epilogue.finish16(s6, bias0, row: 6, c: c, ldc: ldc)
        epilogue.finish16(s7, bias0, row: 7, c: c, ldc: ldc)
        epilogue.finish16(s8, bias0, row: 8, c: c, ldc: ldc)
        epilogue.finish16(s9, bias0, row: 9, c: c, ldc: ldc)
        epilogue.finish16(s10, bias0, row: 10, c: c, ldc: ldc)
        epilogue.finish16(s11, bias0, row: 11, c: c, ldc: ldc)
    }
}
