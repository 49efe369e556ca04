/// The register-tiled inner kernels of GEMM.
///
/// A kernel computes the sums of a 12-row tile of `C` that is 32 columns wide (24
/// `SIMD16<Float>` accumulators, two vectors of B and one broadcast of A: 27 of the 32 AVX-512
/// registers) or 16 wide (the last, narrow panel of a width such as 200 = 6 x 32 + 8). Each
/// depth step loads the panel's row of B, broadcasts the 12 values of A's column and issues 24
/// (or 12) fused multiply-adds. A is read in place (`aRowStride`, `aDepthStride`), B from a
/// panel whose consecutive depth rows are `ldb` apart (the caller's matrix or a packed copy).
///
/// The sums go to a small contiguous tile (`tileStride` floats per row) that `GEMMEpilogue`
/// then adds to `C` with bias and activation. Keeping the kernels free of the epilogue's
/// arguments leaves the general-purpose registers to the address arithmetic, and the compiler
/// keeps all 24 accumulators in registers without spilling.
///
/// Summation order: every entry of C is `fma(a[p], b[p], s)` for `p` in increasing order from
/// `s = 0`, in whichever kernel, tile or thread it is computed; this is what makes GEMM's result
/// independent of the thread count. (Builds without `MBRL_FMA`, whose target CPU may lack FMA,
/// use a multiply and an add instead: the same order, with two roundings.)
enum GEMMMicrokernel {
    typealias Vector = SIMD16<Float>

    /// Rows of C per tile.
    static let rows = 12
    /// Rows of the short kernels for the last sliver.
    static let shortRows = 4
    /// Columns of C per wide tile (the panel width of packed B).
    static let wideColumns = 32
    /// Columns of C per narrow tile.
    static let narrowColumns = 16
    /// Floats between rows of the sum tile.
    static let tileStride = 32

    @inline(__always)
    static func load(_ pointer: UnsafePointer<Float>) -> Vector {
        UnsafeRawPointer(pointer).loadUnaligned(as: Vector.self)
    }

    /// `sum += x * y`, fused (one rounding) when the build targets a CPU with FMA (`MBRL_FMA`).
    @inline(__always)
    static func accumulate(_ sum: inout Vector, _ x: Vector, _ y: Vector) {
        #if MBRL_FMA
        sum.addProduct(x, y)
        #else
        sum += x * y
        #endif
    }

    @inline(__always)
    static func store(_ value: Vector, _ pointer: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: Vector.self)
    }


    /// A 12 x 32 tile with `A(i, p) = a[i * lda + p]` (A not transposed).
    @inline(never)
    static func wideRowMajor(
        depth: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        tile: UnsafeMutablePointer<Float>
    ) {
        if usesBlocks {
            blockedTile(rows: rows, columns: wideColumns, depth: depth, a: a, rowStride: lda, depthStride: 1, b: b, ldb: ldb, tile: tile)
            return
        }
        wideByRows(depth: depth, a: a, lda: lda, b: b, ldb: ldb, tile: tile)
    }

    /// A 12 x 32 tile with `A(i, p) = a[p * lda + i]` (A transposed, or a packed sliver).
    @inline(never)
    static func wideTransposed(
        depth: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        tile: UnsafeMutablePointer<Float>
    ) {
        if usesBlocks {
            blockedTile(rows: rows, columns: wideColumns, depth: depth, a: a, rowStride: 1, depthStride: lda, b: b, ldb: ldb, tile: tile)
            return
        }
        wideByColumns(depth: depth, a: a, lda: lda, b: b, ldb: ldb, tile: tile)
    }

    /// A 12 x 16 tile with `A(i, p) = a[i * lda + p]` (A not transposed).
    @inline(never)
    static func narrowRowMajor(
        depth: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        tile: UnsafeMutablePointer<Float>
    ) {
        if usesBlocks {
            blockedTile(rows: rows, columns: narrowColumns, depth: depth, a: a, rowStride: lda, depthStride: 1, b: b, ldb: ldb, tile: tile)
            return
        }
        narrowByRows(depth: depth, a: a, lda: lda, b: b, ldb: ldb, tile: tile)
    }

    /// A 12 x 16 tile with `A(i, p) = a[p * lda + i]` (A transposed, or a packed sliver).
    @inline(never)
    static func narrowTransposed(
        depth: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        tile: UnsafeMutablePointer<Float>
    ) {
        if usesBlocks {
            blockedTile(rows: rows, columns: narrowColumns, depth: depth, a: a, rowStride: 1, depthStride: lda, b: b, ldb: ldb, tile: tile)
            return
        }
        narrowByColumns(depth: depth, a: a, lda: lda, b: b, ldb: ldb, tile: tile)
    }

    /// A 4 x 32 tile (rows 0..<4 of the sum tile) with `A(i, p) = a[i * lda + p]`: the last, short
    /// sliver of a product whose row count is not a multiple of 12, in pieces of 4 rows.
    @inline(never)
    static func shortWideRowMajor(
        depth: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        tile: UnsafeMutablePointer<Float>
    ) {
        shortWideByRows(depth: depth, a: a, lda: lda, b: b, ldb: ldb, tile: tile)
    }

    /// A 4 x 16 tile (rows 0..<4 of the sum tile) with `A(i, p) = a[i * lda + p]`: the last, short
    /// sliver of a product whose row count is not a multiple of 12, in pieces of 4 rows.
    @inline(never)
    static func shortNarrowRowMajor(
        depth: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        tile: UnsafeMutablePointer<Float>
    ) {
        shortNarrowByRows(depth: depth, a: a, lda: lda, b: b, ldb: ldb, tile: tile)
    }

    /// The 12 x 32 tile for A read by rows (`A(i, p) = a[i * lda + p]`), 4 depth steps per
    /// iteration so that the row addresses are shared by the steps (displacements).
    @inline(__always)
    private static func wideByRows(
        depth: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        tile: UnsafeMutablePointer<Float>
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
        // Four row pointers three rows apart: every row is a base plus 0, 1 or 2 times the
        // row stride, which x86 addressing expresses without extra registers.
        var a0 = a, a3 = a + 3 * lda, a6 = a + 6 * lda, a9 = a + 9 * lda
        var b = b
        var x = Vector(), b0 = Vector(), b1 = Vector()
        var remaining = depth
        while remaining >= 4 {
            b0 = load(b); b1 = load(b + 16)
            x = Vector(repeating: a0[0]); accumulate(&s0a, x, b0); accumulate(&s0b, x, b1)
            x = Vector(repeating: a0[lda]); accumulate(&s1a, x, b0); accumulate(&s1b, x, b1)
            x = Vector(repeating: a0[2 * lda]); accumulate(&s2a, x, b0); accumulate(&s2b, x, b1)
            x = Vector(repeating: a3[0]); accumulate(&s3a, x, b0); accumulate(&s3b, x, b1)
            x = Vector(repeating: a3[lda]); accumulate(&s4a, x, b0); accumulate(&s4b, x, b1)
            x = Vector(repeating: a3[2 * lda]); accumulate(&s5a, x, b0); accumulate(&s5b, x, b1)
            x = Vector(repeating: a6[0]); accumulate(&s6a, x, b0); accumulate(&s6b, x, b1)
            x = Vector(repeating: a6[lda]); accumulate(&s7a, x, b0); accumulate(&s7b, x, b1)
            x = Vector(repeating: a6[2 * lda]); accumulate(&s8a, x, b0); accumulate(&s8b, x, b1)
            x = Vector(repeating: a9[0]); accumulate(&s9a, x, b0); accumulate(&s9b, x, b1)
            x = Vector(repeating: a9[lda]); accumulate(&s10a, x, b0); accumulate(&s10b, x, b1)
            x = Vector(repeating: a9[2 * lda]); accumulate(&s11a, x, b0); accumulate(&s11b, x, b1)
            b0 = load(b + ldb); b1 = load(b + ldb + 16)
            x = Vector(repeating: a0[1]); accumulate(&s0a, x, b0); accumulate(&s0b, x, b1)
            x = Vector(repeating: a0[lda + 1]); accumulate(&s1a, x, b0); accumulate(&s1b, x, b1)
            x = Vector(repeating: a0[2 * lda + 1]); accumulate(&s2a, x, b0); accumulate(&s2b, x, b1)
            x = Vector(repeating: a3[1]); accumulate(&s3a, x, b0); accumulate(&s3b, x, b1)
            x = Vector(repeating: a3[lda + 1]); accumulate(&s4a, x, b0); accumulate(&s4b, x, b1)
            x = Vector(repeating: a3[2 * lda + 1]); accumulate(&s5a, x, b0); accumulate(&s5b, x, b1)
            x = Vector(repeating: a6[1]); accumulate(&s6a, x, b0); accumulate(&s6b, x, b1)
            x = Vector(repeating: a6[lda + 1]); accumulate(&s7a, x, b0); accumulate(&s7b, x, b1)
            x = Vector(repeating: a6[2 * lda + 1]); accumulate(&s8a, x, b0); accumulate(&s8b, x, b1)
            x = Vector(repeating: a9[1]); accumulate(&s9a, x, b0); accumulate(&s9b, x, b1)
            x = Vector(repeating: a9[lda + 1]); accumulate(&s10a, x, b0); accumulate(&s10b, x, b1)
            x = Vector(repeating: a9[2 * lda + 1]); accumulate(&s11a, x, b0); accumulate(&s11b, x, b1)
            b0 = load(b + 2 * ldb); b1 = load(b + 2 * ldb + 16)
            x = Vector(repeating: a0[2]); accumulate(&s0a, x, b0); accumulate(&s0b, x, b1)
            x = Vector(repeating: a0[lda + 2]); accumulate(&s1a, x, b0); accumulate(&s1b, x, b1)
            x = Vector(repeating: a0[2 * lda + 2]); accumulate(&s2a, x, b0); accumulate(&s2b, x, b1)
            x = Vector(repeating: a3[2]); accumulate(&s3a, x, b0); accumulate(&s3b, x, b1)
            x = Vector(repeating: a3[lda + 2]); accumulate(&s4a, x, b0); accumulate(&s4b, x, b1)
            x = Vector(repeating: a3[2 * lda + 2]); accumulate(&s5a, x, b0); accumulate(&s5b, x, b1)
            x = Vector(repeating: a6[2]); accumulate(&s6a, x, b0); accumulate(&s6b, x, b1)
            x = Vector(repeating: a6[lda + 2]); accumulate(&s7a, x, b0); accumulate(&s7b, x, b1)
            x = Vector(repeating: a6[2 * lda + 2]); accumulate(&s8a, x, b0); accumulate(&s8b, x, b1)
            x = Vector(repeating: a9[2]); accumulate(&s9a, x, b0); accumulate(&s9b, x, b1)
            x = Vector(repeating: a9[lda + 2]); accumulate(&s10a, x, b0); accumulate(&s10b, x, b1)
            x = Vector(repeating: a9[2 * lda + 2]); accumulate(&s11a, x, b0); accumulate(&s11b, x, b1)
            b0 = load(b + 3 * ldb); b1 = load(b + 3 * ldb + 16)
            x = Vector(repeating: a0[3]); accumulate(&s0a, x, b0); accumulate(&s0b, x, b1)
            x = Vector(repeating: a0[lda + 3]); accumulate(&s1a, x, b0); accumulate(&s1b, x, b1)
            x = Vector(repeating: a0[2 * lda + 3]); accumulate(&s2a, x, b0); accumulate(&s2b, x, b1)
            x = Vector(repeating: a3[3]); accumulate(&s3a, x, b0); accumulate(&s3b, x, b1)
            x = Vector(repeating: a3[lda + 3]); accumulate(&s4a, x, b0); accumulate(&s4b, x, b1)
            x = Vector(repeating: a3[2 * lda + 3]); accumulate(&s5a, x, b0); accumulate(&s5b, x, b1)
            x = Vector(repeating: a6[3]); accumulate(&s6a, x, b0); accumulate(&s6b, x, b1)
            x = Vector(repeating: a6[lda + 3]); accumulate(&s7a, x, b0); accumulate(&s7b, x, b1)
            x = Vector(repeating: a6[2 * lda + 3]); accumulate(&s8a, x, b0); accumulate(&s8b, x, b1)
            x = Vector(repeating: a9[3]); accumulate(&s9a, x, b0); accumulate(&s9b, x, b1)
            x = Vector(repeating: a9[lda + 3]); accumulate(&s10a, x, b0); accumulate(&s10b, x, b1)
            x = Vector(repeating: a9[2 * lda + 3]); accumulate(&s11a, x, b0); accumulate(&s11b, x, b1)
            a0 += 4; a3 += 4; a6 += 4; a9 += 4
            b += 4 * ldb
            remaining -= 4
        }
        while remaining > 0 {
            b0 = load(b); b1 = load(b + 16)
            x = Vector(repeating: a0[0]); accumulate(&s0a, x, b0); accumulate(&s0b, x, b1)
            x = Vector(repeating: a0[lda]); accumulate(&s1a, x, b0); accumulate(&s1b, x, b1)
            x = Vector(repeating: a0[2 * lda]); accumulate(&s2a, x, b0); accumulate(&s2b, x, b1)
            x = Vector(repeating: a3[0]); accumulate(&s3a, x, b0); accumulate(&s3b, x, b1)
            x = Vector(repeating: a3[lda]); accumulate(&s4a, x, b0); accumulate(&s4b, x, b1)
            x = Vector(repeating: a3[2 * lda]); accumulate(&s5a, x, b0); accumulate(&s5b, x, b1)
            x = Vector(repeating: a6[0]); accumulate(&s6a, x, b0); accumulate(&s6b, x, b1)
            x = Vector(repeating: a6[lda]); accumulate(&s7a, x, b0); accumulate(&s7b, x, b1)
            x = Vector(repeating: a6[2 * lda]); accumulate(&s8a, x, b0); accumulate(&s8b, x, b1)
            x = Vector(repeating: a9[0]); accumulate(&s9a, x, b0); accumulate(&s9b, x, b1)
            x = Vector(repeating: a9[lda]); accumulate(&s10a, x, b0); accumulate(&s10b, x, b1)
            x = Vector(repeating: a9[2 * lda]); accumulate(&s11a, x, b0); accumulate(&s11b, x, b1)
            a0 += 1; a3 += 1; a6 += 1; a9 += 1
            b += ldb
            remaining -= 1
        }
        store(s0a, tile + 0); store(s0b, tile + 16)
        store(s1a, tile + 32); store(s1b, tile + 48)
        store(s2a, tile + 64); store(s2b, tile + 80)
        store(s3a, tile + 96); store(s3b, tile + 112)
        store(s4a, tile + 128); store(s4b, tile + 144)
        store(s5a, tile + 160); store(s5b, tile + 176)
        store(s6a, tile + 192); store(s6b, tile + 208)
        store(s7a, tile + 224); store(s7b, tile + 240)
        store(s8a, tile + 256); store(s8b, tile + 272)
        store(s9a, tile + 288); store(s9b, tile + 304)
        store(s10a, tile + 320); store(s10b, tile + 336)
        store(s11a, tile + 352); store(s11b, tile + 368)
    }

    /// The 12 x 32 tile for A read by columns (`A(i, p) = a[p * lda + i]`): one pointer, the
    /// 12 rows at displacements.
    @inline(__always)
    private static func wideByColumns(
        depth: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        tile: UnsafeMutablePointer<Float>
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
        var x = Vector(), b0 = Vector(), b1 = Vector()
        for _ in 0..<depth {
            b0 = load(b); b1 = load(b + 16)
            x = Vector(repeating: a[0]); accumulate(&s0a, x, b0); accumulate(&s0b, x, b1)
            x = Vector(repeating: a[1]); accumulate(&s1a, x, b0); accumulate(&s1b, x, b1)
            x = Vector(repeating: a[2]); accumulate(&s2a, x, b0); accumulate(&s2b, x, b1)
            x = Vector(repeating: a[3]); accumulate(&s3a, x, b0); accumulate(&s3b, x, b1)
            x = Vector(repeating: a[4]); accumulate(&s4a, x, b0); accumulate(&s4b, x, b1)
            x = Vector(repeating: a[5]); accumulate(&s5a, x, b0); accumulate(&s5b, x, b1)
            x = Vector(repeating: a[6]); accumulate(&s6a, x, b0); accumulate(&s6b, x, b1)
            x = Vector(repeating: a[7]); accumulate(&s7a, x, b0); accumulate(&s7b, x, b1)
            x = Vector(repeating: a[8]); accumulate(&s8a, x, b0); accumulate(&s8b, x, b1)
            x = Vector(repeating: a[9]); accumulate(&s9a, x, b0); accumulate(&s9b, x, b1)
            x = Vector(repeating: a[10]); accumulate(&s10a, x, b0); accumulate(&s10b, x, b1)
            x = Vector(repeating: a[11]); accumulate(&s11a, x, b0); accumulate(&s11b, x, b1)
            a += lda
            b += ldb
        }
        store(s0a, tile + 0); store(s0b, tile + 16)
        store(s1a, tile + 32); store(s1b, tile + 48)
        store(s2a, tile + 64); store(s2b, tile + 80)
        store(s3a, tile + 96); store(s3b, tile + 112)
        store(s4a, tile + 128); store(s4b, tile + 144)
        store(s5a, tile + 160); store(s5b, tile + 176)
        store(s6a, tile + 192); store(s6b, tile + 208)
        store(s7a, tile + 224); store(s7b, tile + 240)
        store(s8a, tile + 256); store(s8b, tile + 272)
        store(s9a, tile + 288); store(s9b, tile + 304)
        store(s10a, tile + 320); store(s10b, tile + 336)
        store(s11a, tile + 352); store(s11b, tile + 368)
    }

    /// The 12 x 16 tile for A read by rows (`A(i, p) = a[i * lda + p]`), 4 depth steps per
    /// iteration so that the row addresses are shared by the steps (displacements).
    @inline(__always)
    private static func narrowByRows(
        depth: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        tile: UnsafeMutablePointer<Float>
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
        // Four row pointers three rows apart: every row is a base plus 0, 1 or 2 times the
        // row stride, which x86 addressing expresses without extra registers.
        var a0 = a, a3 = a + 3 * lda, a6 = a + 6 * lda, a9 = a + 9 * lda
        var b = b
        var x = Vector(), b0 = Vector()
        var remaining = depth
        while remaining >= 4 {
            b0 = load(b)
            x = Vector(repeating: a0[0]); accumulate(&s0, x, b0)
            x = Vector(repeating: a0[lda]); accumulate(&s1, x, b0)
            x = Vector(repeating: a0[2 * lda]); accumulate(&s2, x, b0)
            x = Vector(repeating: a3[0]); accumulate(&s3, x, b0)
            x = Vector(repeating: a3[lda]); accumulate(&s4, x, b0)
            x = Vector(repeating: a3[2 * lda]); accumulate(&s5, x, b0)
            x = Vector(repeating: a6[0]); accumulate(&s6, x, b0)
            x = Vector(repeating: a6[lda]); accumulate(&s7, x, b0)
            x = Vector(repeating: a6[2 * lda]); accumulate(&s8, x, b0)
            x = Vector(repeating: a9[0]); accumulate(&s9, x, b0)
            x = Vector(repeating: a9[lda]); accumulate(&s10, x, b0)
            x = Vector(repeating: a9[2 * lda]); accumulate(&s11, x, b0)
            b0 = load(b + ldb)
            x = Vector(repeating: a0[1]); accumulate(&s0, x, b0)
            x = Vector(repeating: a0[lda + 1]); accumulate(&s1, x, b0)
            x = Vector(repeating: a0[2 * lda + 1]); accumulate(&s2, x, b0)
            x = Vector(repeating: a3[1]); accumulate(&s3, x, b0)
            x = Vector(repeating: a3[lda + 1]); accumulate(&s4, x, b0)
            x = Vector(repeating: a3[2 * lda + 1]); accumulate(&s5, x, b0)
            x = Vector(repeating: a6[1]); accumulate(&s6, x, b0)
            x = Vector(repeating: a6[lda + 1]); accumulate(&s7, x, b0)
            x = Vector(repeating: a6[2 * lda + 1]); accumulate(&s8, x, b0)
            x = Vector(repeating: a9[1]); accumulate(&s9, x, b0)
            x = Vector(repeating: a9[lda + 1]); accumulate(&s10, x, b0)
            x = Vector(repeating: a9[2 * lda + 1]); accumulate(&s11, x, b0)
            b0 = load(b + 2 * ldb)
            x = Vector(repeating: a0[2]); accumulate(&s0, x, b0)
            x = Vector(repeating: a0[lda + 2]); accumulate(&s1, x, b0)
            x = Vector(repeating: a0[2 * lda + 2]); accumulate(&s2, x, b0)
            x = Vector(repeating: a3[2]); accumulate(&s3, x, b0)
            x = Vector(repeating: a3[lda + 2]); accumulate(&s4, x, b0)
            x = Vector(repeating: a3[2 * lda + 2]); accumulate(&s5, x, b0)
            x = Vector(repeating: a6[2]); accumulate(&s6, x, b0)
            x = Vector(repeating: a6[lda + 2]); accumulate(&s7, x, b0)
            x = Vector(repeating: a6[2 * lda + 2]); accumulate(&s8, x, b0)
            x = Vector(repeating: a9[2]); accumulate(&s9, x, b0)
            x = Vector(repeating: a9[lda + 2]); accumulate(&s10, x, b0)
            x = Vector(repeating: a9[2 * lda + 2]); accumulate(&s11, x, b0)
            b0 = load(b + 3 * ldb)
            x = Vector(repeating: a0[3]); accumulate(&s0, x, b0)
            x = Vector(repeating: a0[lda + 3]); accumulate(&s1, x, b0)
            x = Vector(repeating: a0[2 * lda + 3]); accumulate(&s2, x, b0)
            x = Vector(repeating: a3[3]); accumulate(&s3, x, b0)
            x = Vector(repeating: a3[lda + 3]); accumulate(&s4, x, b0)
            x = Vector(repeating: a3[2 * lda + 3]); accumulate(&s5, x, b0)
            x = Vector(repeating: a6[3]); accumulate(&s6, x, b0)
            x = Vector(repeating: a6[lda + 3]); accumulate(&s7, x, b0)
            x = Vector(repeating: a6[2 * lda + 3]); accumulate(&s8, x, b0)
            x = Vector(repeating: a9[3]); accumulate(&s9, x, b0)
            x = Vector(repeating: a9[lda + 3]); accumulate(&s10, x, b0)
            x = Vector(repeating: a9[2 * lda + 3]); accumulate(&s11, x, b0)
            a0 += 4; a3 += 4; a6 += 4; a9 += 4
            b += 4 * ldb
            remaining -= 4
        }
        while remaining > 0 {
            b0 = load(b)
            x = Vector(repeating: a0[0]); accumulate(&s0, x, b0)
            x = Vector(repeating: a0[lda]); accumulate(&s1, x, b0)
            x = Vector(repeating: a0[2 * lda]); accumulate(&s2, x, b0)
            x = Vector(repeating: a3[0]); accumulate(&s3, x, b0)
            x = Vector(repeating: a3[lda]); accumulate(&s4, x, b0)
            x = Vector(repeating: a3[2 * lda]); accumulate(&s5, x, b0)
            x = Vector(repeating: a6[0]); accumulate(&s6, x, b0)
            x = Vector(repeating: a6[lda]); accumulate(&s7, x, b0)
            x = Vector(repeating: a6[2 * lda]); accumulate(&s8, x, b0)
            x = Vector(repeating: a9[0]); accumulate(&s9, x, b0)
            x = Vector(repeating: a9[lda]); accumulate(&s10, x, b0)
            x = Vector(repeating: a9[2 * lda]); accumulate(&s11, x, b0)
            a0 += 1; a3 += 1; a6 += 1; a9 += 1
            b += ldb
            remaining -= 1
        }
        store(s0, tile + 0)
        store(s1, tile + 32)
        store(s2, tile + 64)
        store(s3, tile + 96)
        store(s4, tile + 128)
        store(s5, tile + 160)
        store(s6, tile + 192)
        store(s7, tile + 224)
        store(s8, tile + 256)
        store(s9, tile + 288)
        store(s10, tile + 320)
        store(s11, tile + 352)
    }

    /// The 12 x 16 tile for A read by columns (`A(i, p) = a[p * lda + i]`): one pointer, the
    /// 12 rows at displacements.
    @inline(__always)
    private static func narrowByColumns(
        depth: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        tile: UnsafeMutablePointer<Float>
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
        var x = Vector(), b0 = Vector()
        for _ in 0..<depth {
            b0 = load(b)
            x = Vector(repeating: a[0]); accumulate(&s0, x, b0)
            x = Vector(repeating: a[1]); accumulate(&s1, x, b0)
            x = Vector(repeating: a[2]); accumulate(&s2, x, b0)
            x = Vector(repeating: a[3]); accumulate(&s3, x, b0)
            x = Vector(repeating: a[4]); accumulate(&s4, x, b0)
            x = Vector(repeating: a[5]); accumulate(&s5, x, b0)
            x = Vector(repeating: a[6]); accumulate(&s6, x, b0)
            x = Vector(repeating: a[7]); accumulate(&s7, x, b0)
            x = Vector(repeating: a[8]); accumulate(&s8, x, b0)
            x = Vector(repeating: a[9]); accumulate(&s9, x, b0)
            x = Vector(repeating: a[10]); accumulate(&s10, x, b0)
            x = Vector(repeating: a[11]); accumulate(&s11, x, b0)
            a += lda
            b += ldb
        }
        store(s0, tile + 0)
        store(s1, tile + 32)
        store(s2, tile + 64)
        store(s3, tile + 96)
        store(s4, tile + 128)
        store(s5, tile + 160)
        store(s6, tile + 192)
        store(s7, tile + 224)
        store(s8, tile + 256)
        store(s9, tile + 288)
        store(s10, tile + 320)
        store(s11, tile + 352)
    }

    /// The 4 x 32 tile for A read by rows (`A(i, p) = a[i * lda + p]`), 4 depth steps per
    /// iteration so that the row addresses are shared by the steps (displacements).
    @inline(__always)
    private static func shortWideByRows(
        depth: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        tile: UnsafeMutablePointer<Float>
    ) {
        var s0a = Vector(), s0b = Vector()
        var s1a = Vector(), s1b = Vector()
        var s2a = Vector(), s2b = Vector()
        var s3a = Vector(), s3b = Vector()
        var a0 = a, a3 = a + 3 * lda
        var b = b
        var x = Vector(), b0 = Vector(), b1 = Vector()
        var remaining = depth
        while remaining >= 4 {
            b0 = load(b); b1 = load(b + 16)
            x = Vector(repeating: a0[0]); accumulate(&s0a, x, b0); accumulate(&s0b, x, b1)
            x = Vector(repeating: a0[lda]); accumulate(&s1a, x, b0); accumulate(&s1b, x, b1)
            x = Vector(repeating: a0[2 * lda]); accumulate(&s2a, x, b0); accumulate(&s2b, x, b1)
            x = Vector(repeating: a3[0]); accumulate(&s3a, x, b0); accumulate(&s3b, x, b1)
            b0 = load(b + ldb); b1 = load(b + ldb + 16)
            x = Vector(repeating: a0[1]); accumulate(&s0a, x, b0); accumulate(&s0b, x, b1)
            x = Vector(repeating: a0[lda + 1]); accumulate(&s1a, x, b0); accumulate(&s1b, x, b1)
            x = Vector(repeating: a0[2 * lda + 1]); accumulate(&s2a, x, b0); accumulate(&s2b, x, b1)
            x = Vector(repeating: a3[1]); accumulate(&s3a, x, b0); accumulate(&s3b, x, b1)
            b0 = load(b + 2 * ldb); b1 = load(b + 2 * ldb + 16)
            x = Vector(repeating: a0[2]); accumulate(&s0a, x, b0); accumulate(&s0b, x, b1)
            x = Vector(repeating: a0[lda + 2]); accumulate(&s1a, x, b0); accumulate(&s1b, x, b1)
            x = Vector(repeating: a0[2 * lda + 2]); accumulate(&s2a, x, b0); accumulate(&s2b, x, b1)
            x = Vector(repeating: a3[2]); accumulate(&s3a, x, b0); accumulate(&s3b, x, b1)
            b0 = load(b + 3 * ldb); b1 = load(b + 3 * ldb + 16)
            x = Vector(repeating: a0[3]); accumulate(&s0a, x, b0); accumulate(&s0b, x, b1)
            x = Vector(repeating: a0[lda + 3]); accumulate(&s1a, x, b0); accumulate(&s1b, x, b1)
            x = Vector(repeating: a0[2 * lda + 3]); accumulate(&s2a, x, b0); accumulate(&s2b, x, b1)
            x = Vector(repeating: a3[3]); accumulate(&s3a, x, b0); accumulate(&s3b, x, b1)
            a0 += 4; a3 += 4
            b += 4 * ldb
            remaining -= 4
        }
        while remaining > 0 {
            b0 = load(b); b1 = load(b + 16)
            x = Vector(repeating: a0[0]); accumulate(&s0a, x, b0); accumulate(&s0b, x, b1)
            x = Vector(repeating: a0[lda]); accumulate(&s1a, x, b0); accumulate(&s1b, x, b1)
            x = Vector(repeating: a0[2 * lda]); accumulate(&s2a, x, b0); accumulate(&s2b, x, b1)
            x = Vector(repeating: a3[0]); accumulate(&s3a, x, b0); accumulate(&s3b, x, b1)
            a0 += 1; a3 += 1
            b += ldb
            remaining -= 1
        }
        store(s0a, tile + 0); store(s0b, tile + 16)
        store(s1a, tile + 32); store(s1b, tile + 48)
        store(s2a, tile + 64); store(s2b, tile + 80)
        store(s3a, tile + 96); store(s3b, tile + 112)
    }

    /// The 4 x 16 tile for A read by rows (`A(i, p) = a[i * lda + p]`), 4 depth steps per
    /// iteration so that the row addresses are shared by the steps (displacements).
    @inline(__always)
    private static func shortNarrowByRows(
        depth: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        tile: UnsafeMutablePointer<Float>
    ) {
        var s0 = Vector()
        var s1 = Vector()
        var s2 = Vector()
        var s3 = Vector()
        var a0 = a, a3 = a + 3 * lda
        var b = b
        var x = Vector(), b0 = Vector()
        var remaining = depth
        while remaining >= 4 {
            b0 = load(b)
            x = Vector(repeating: a0[0]); accumulate(&s0, x, b0)
            x = Vector(repeating: a0[lda]); accumulate(&s1, x, b0)
            x = Vector(repeating: a0[2 * lda]); accumulate(&s2, x, b0)
            x = Vector(repeating: a3[0]); accumulate(&s3, x, b0)
            b0 = load(b + ldb)
            x = Vector(repeating: a0[1]); accumulate(&s0, x, b0)
            x = Vector(repeating: a0[lda + 1]); accumulate(&s1, x, b0)
            x = Vector(repeating: a0[2 * lda + 1]); accumulate(&s2, x, b0)
            x = Vector(repeating: a3[1]); accumulate(&s3, x, b0)
            b0 = load(b + 2 * ldb)
            x = Vector(repeating: a0[2]); accumulate(&s0, x, b0)
            x = Vector(repeating: a0[lda + 2]); accumulate(&s1, x, b0)
            x = Vector(repeating: a0[2 * lda + 2]); accumulate(&s2, x, b0)
            x = Vector(repeating: a3[2]); accumulate(&s3, x, b0)
            b0 = load(b + 3 * ldb)
            x = Vector(repeating: a0[3]); accumulate(&s0, x, b0)
            x = Vector(repeating: a0[lda + 3]); accumulate(&s1, x, b0)
            x = Vector(repeating: a0[2 * lda + 3]); accumulate(&s2, x, b0)
            x = Vector(repeating: a3[3]); accumulate(&s3, x, b0)
            a0 += 4; a3 += 4
            b += 4 * ldb
            remaining -= 4
        }
        while remaining > 0 {
            b0 = load(b)
            x = Vector(repeating: a0[0]); accumulate(&s0, x, b0)
            x = Vector(repeating: a0[lda]); accumulate(&s1, x, b0)
            x = Vector(repeating: a0[2 * lda]); accumulate(&s2, x, b0)
            x = Vector(repeating: a3[0]); accumulate(&s3, x, b0)
            a0 += 1; a3 += 1
            b += ldb
            remaining -= 1
        }
        store(s0, tile + 0)
        store(s1, tile + 32)
        store(s2, tile + 64)
        store(s3, tile + 96)
    }
}
