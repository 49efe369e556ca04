import Foundation

/// Which register blocking the GEMM kernels use.
///
/// The 12 x 32 tile keeps 24 `SIMD16<Float>` accumulators in registers, which needs the 32
/// 512-bit registers of AVX-512. A CPU with 16 vector registers of 256 bits (AVX2: AMD Zen 2
/// and 3, Intel before AVX-512) would spill most of them to memory in every step, so there the
/// same tile is computed as 6 x 16 blocks (6 accumulators = 12 256-bit registers, plus the row
/// of B and a broadcast), each running through the whole depth. Every entry of C is still summed
/// as `fma(a[p], b[p], s)` in increasing `p` from 0, so both blockings give bit-identical results.
public enum GEMMRegisterBlocking: String, Sendable, CaseIterable {
    /// 12 x 32 tiles at once (32 vector registers: AVX-512).
    case tile12x32
    /// 6 x 16 blocks (16 vector registers: AVX2, SSE).
    case blocks6x16

    /// The blocking for this machine: `tile12x32` where the CPU reports AVX-512 (`avx512f` in
    /// /proc/cpuinfo), `blocks6x16` otherwise. `MBRL_GEMM_BLOCKING=tile12x32|blocks6x16`
    /// overrides it (for comparing the two on one machine).
    public static let detected: GEMMRegisterBlocking = {
        if let forced = ProcessInfo.processInfo.environment["MBRL_GEMM_BLOCKING"], let choice = GEMMRegisterBlocking(rawValue: forced) {
            return choice
        }
        #if arch(x86_64)
        guard let cpuInfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return .tile12x32 }
        guard let flags = cpuInfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return .tile12x32 }
        return flags.split(separator: " ").contains("avx512f") ? .tile12x32 : .blocks6x16
        #else
        return .blocks6x16
        #endif
    }()
}

extension GEMM {
    /// The register blocking of every GEMM in this process (see `GEMMRegisterBlocking`); set it
    /// only before any product runs, for example in a benchmark comparing the two.
    nonisolated(unsafe) public static var registerBlocking = GEMMRegisterBlocking.detected
}

extension GEMMMicrokernel {
    /// Whether the kernels compute their tiles as 6 x 16 blocks.
    @inline(__always)
    static var usesBlocks: Bool { GEMM.registerBlocking == .blocks6x16 }

    /// The tile rows `0..<rows` (a multiple of 6) by `columns` (a multiple of 16) as 6 x 16
    /// blocks, `A(i, p) = a[i * rowStride + p * depthStride]`.
    @inline(__always)
    static func blockedTile(
        rows: Int, columns: Int, depth: Int, a: UnsafePointer<Float>, rowStride: Int, depthStride: Int,
        b: UnsafePointer<Float>, ldb: Int, tile: UnsafeMutablePointer<Float>
    ) {
        var row = 0
        while row < rows {
            var column = 0
            while column < columns {
                block6x16(depth: depth, a: a + row * rowStride, rowStride: rowStride, depthStride: depthStride,
                          b: b + column, ldb: ldb, tile: tile + row * tileStride + column)
                column += 16
            }
            row += 6
        }
    }

    /// One 6 x 16 block of sums: 6 accumulators, one row of B and one broadcast of A per step.
    @inline(never)
    static func block6x16(
        depth: Int, a: UnsafePointer<Float>, rowStride: Int, depthStride: Int,
        b: UnsafePointer<Float>, ldb: Int, tile: UnsafeMutablePointer<Float>
    ) {
        var s0 = Vector(), s1 = Vector(), s2 = Vector(), s3 = Vector(), s4 = Vector(), s5 = Vector()
        var a0 = a, a3 = a + 3 * rowStride
        var b = b
        var x = Vector(), row = Vector()
        for _ in 0..<depth {
            row = load(b)
            x = Vector(repeating: a0[0]); accumulate(&s0, x, row)
            x = Vector(repeating: a0[rowStride]); accumulate(&s1, x, row)
            x = Vector(repeating: a0[2 * rowStride]); accumulate(&s2, x, row)
            x = Vector(repeating: a3[0]); accumulate(&s3, x, row)
            x = Vector(repeating: a3[rowStride]); accumulate(&s4, x, row)
            x = Vector(repeating: a3[2 * rowStride]); accumulate(&s5, x, row)
            a0 += depthStride
            a3 += depthStride
            b += ldb
        }
        store(s0, tile)
        store(s1, tile + tileStride)
        store(s2, tile + 2 * tileStride)
        store(s3, tile + 3 * tileStride)
        store(s4, tile + 4 * tileStride)
        store(s5, tile + 5 * tileStride)
    }
}
