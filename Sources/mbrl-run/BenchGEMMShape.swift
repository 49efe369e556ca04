import MBRLCore

/// One product measured by `mbrl-run bench gemm`: its sizes and what is fused, with operands
/// allocated once and reused across repeats.
final class BenchGEMMShape {
    /// A short key shared with `scripts/bench_gemm_reference.py`.
    let key: String
    /// What a person reads in the table.
    let title: String
    let count: Int
    let m: Int
    let n: Int
    let k: Int
    let transposeA: Bool
    let transposeB: Bool
    let fused: Bool
    let prepacked: Bool

    private var a: [Float] = []
    private var b: [Float] = []
    private var c: [Float] = []
    private var bias: [Float] = []
    private var packed: GEMM.PackedRightOperand?

    /// `2 m n k` per problem, times the number of problems.
    var flops: Double { 2 * Double(count) * Double(m) * Double(n) * Double(k) }

    init(key: String, title: String, count: Int = 1, m: Int, n: Int, k: Int,
         transposeA: Bool = false, transposeB: Bool = false, fused: Bool = false, prepacked: Bool = false) {
        self.key = key
        self.title = title
        self.count = count
        self.m = m
        self.n = n
        self.k = k
        self.transposeA = transposeA
        self.transposeB = transposeB
        self.fused = fused
        self.prepacked = prepacked
    }

    /// New instances of the shapes of PETS planning and training with a 4 x 200 ensemble of 7 members.
    static var petsShapes: [BenchGEMMShape] { [
        BenchGEMMShape(key: "fwd", title: "7000x200 · 200x200", m: 7000, n: 200, k: 200),
        BenchGEMMShape(key: "fwd_bias_silu", title: "7000x200 · 200x200 +bias+SiLU", m: 7000, n: 200, k: 200, fused: true),
        BenchGEMMShape(key: "fwd_bias_silu_packed", title: "  same, B packed once", m: 7000, n: 200, k: 200,
                       fused: true, prepacked: true),
        BenchGEMMShape(key: "ensemble_bias_silu", title: "7 x 75000x200 · 200x200 +bias+SiLU", count: 7,
                       m: 75_000, n: 200, k: 200, fused: true),
        BenchGEMMShape(key: "bwd_weight_tA", title: "(7000x200)^T · 7000x200", m: 200, n: 200, k: 7000, transposeA: true),
        BenchGEMMShape(key: "bwd_input_tB", title: "7000x200 · (200x200)^T", m: 7000, n: 200, k: 200, transposeB: true),
    ] }

    /// Allocates the operands (uniform in [-1, 1], fixed seed).
    func prepare() {
        guard a.isEmpty else { return }
        var generator = RandomGenerator(seed: 42)
        a = (0..<(count * m * k)).map { _ in generator.nextUniformFloat(in: -1, 1) }
        b = (0..<(count * k * n)).map { _ in generator.nextUniformFloat(in: -1, 1) }
        bias = (0..<(count * n)).map { _ in generator.nextUniformFloat(in: -1, 1) }
        c = [Float](repeating: 0, count: count * m * n)
        if prepacked {
            packed = b.withUnsafeBufferPointer {
                GEMM.PackedRightOperand(k: k, n: n, b: $0.baseAddress!, ldb: transposeB ? k : n,
                                        transposeB: transposeB, count: count, strideB: k * n)
            }
        }
    }

    /// Frees the operands.
    func release() {
        a = []; b = []; c = []; bias = []; packed = nil
    }

    /// One call of the product with `threads` threads.
    func run(threads: Int) {
        let lda = transposeA ? m : k
        let ldb = transposeB ? k : n
        let activation: Activation = fused ? .silu : .identity
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                bias.withUnsafeBufferPointer { bias in
                    c.withUnsafeMutableBufferPointer { c in
                        let biasPointer = fused ? bias.baseAddress : nil
                        if let packed {
                            GEMM.multiplyBatched(
                                m: m, a: a.baseAddress!, lda: lda, strideA: m * k, transposeA: transposeA,
                                packedB: packed, c: c.baseAddress!, ldc: n, strideC: m * n,
                                bias: biasPointer, strideBias: n, activation: activation, threads: threads)
                        } else {
                            GEMM.multiplyBatched(
                                count: count, m: m, n: n, k: k,
                                a: a.baseAddress!, lda: lda, strideA: m * k, transposeA: transposeA,
                                b: b.baseAddress!, ldb: ldb, strideB: k * n, transposeB: transposeB,
                                c: c.baseAddress!, ldc: n, strideC: m * n,
                                bias: biasPointer, strideBias: n, activation: activation, threads: threads)
                        }
                    }
                }
            }
        }
    }
}
