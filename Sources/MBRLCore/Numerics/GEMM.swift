/// General matrix multiplication, the engine under every layer and planner:
/// `C = activation(op(A) · op(B) + bias)`, optionally accumulating into `C`.
///
/// All matrices are row-major `Float` with leading dimensions (`lda`, `ldb`, `ldc`: the distance
/// between consecutive rows in memory). `op(X)` is `X` or its transpose.
///
/// ```swift
/// // C[m, n] = relu(A[m, k] · B[k, n] + bias[n])
/// GEMM.multiply(m: m, n: n, k: k,
///               a: a, lda: k, transposeA: false,
///               b: b, ldb: n, transposeB: false,
///               c: c, ldc: n, bias: bias, activation: .relu)
///
/// // The same with B packed once and reused (weights across many calls):
/// let packed = GEMM.PackedRightOperand(k: k, n: n, b: b, ldb: n)
/// GEMM.multiply(m: m, a: a, lda: k, packedB: packed, c: c, ldc: n, bias: bias, activation: .relu)
/// ```
///
/// How it works: `C` is computed in 12 x 32 tiles by register-tiled `SIMD16<Float>` kernels
/// (24 accumulators, fused multiply-add), reading `A` in place and `B` in 32-column panels
/// (packed once per call when `B` is transposed or `m >= 512`, read in place otherwise, or
/// packed in advance with `PackedRightOperand`). Bias, the pre-activation copy and the
/// activation are applied to each tile as it is stored.
///
/// Results are deterministic: every entry of `C` is summed in the same order (depth blocks
/// that depend only on `k`, each summed in increasing `k`), whatever the thread count and
/// timing, so `threads: 1` and `threads: 8` give identical bits; a row of `C` is also the same
/// whether its product is computed in one call or split over several. Products of less than about
/// 1 MFLOP run on the calling thread. The operands must not overlap `c`, `preActivation` or
/// `activationDerivative`.
public enum GEMM {
    /// The number of worker threads used when a call does not say: the number of active cores.
    public static var defaultThreadCount: Int { ProcessInfoCores.activeCount }

    /// `C[m, n] = activation(op(A)[m, k] · op(B)[k, n] (+ C if accumulate) + bias[n])`.
    ///
    /// - Parameters:
    ///   - transposeA: when true, `a` holds `A` as `[k, m]` with leading dimension `lda`.
    ///   - transposeB: when true, `b` holds `B` as `[n, k]` with leading dimension `ldb`.
    ///   - accumulate: add the product to what `c` holds instead of overwriting it.
    ///   - bias: `n` values added to every row, or `nil`.
    ///   - activation: applied to every output entry after the bias.
    ///   - preActivation: when not `nil`, also receives the value before the activation
    ///     (same leading dimension `ldc`).
    ///   - activationDerivative: when not `nil`, also receives the activation's derivative at
    ///     that value (same leading dimension `ldc`), as backward passes need it; the same bits
    ///     as `Activation.multiplyByDerivative` multiplies by.
    ///   - threads: the number of threads; rows are split over them in a fixed partition so the
    ///     result does not depend on timing.
    public static func multiply(
        m: Int, n: Int, k: Int,
        a: UnsafePointer<Float>, lda: Int, transposeA: Bool = false,
        b: UnsafePointer<Float>, ldb: Int, transposeB: Bool = false,
        c: UnsafeMutablePointer<Float>, ldc: Int,
        accumulate: Bool = false,
        bias: UnsafePointer<Float>? = nil,
        activation: Activation = .identity,
        preActivation: UnsafeMutablePointer<Float>? = nil,
        activationDerivative: UnsafeMutablePointer<Float>? = nil,
        threads: Int? = nil
    ) {
        multiplyBatched(
            count: 1, m: m, n: n, k: k,
            a: a, lda: lda, strideA: 0, transposeA: transposeA,
            b: b, ldb: ldb, strideB: 0, transposeB: transposeB,
            c: c, ldc: ldc, strideC: 0,
            accumulate: accumulate, bias: bias, strideBias: 0,
            activation: activation, preActivation: preActivation,
            activationDerivative: activationDerivative, threads: threads)
    }

    /// `count` independent multiplications with the same sizes, as an ensemble of `count`
    /// members runs them: problem `i` uses `a + i * strideA`, `b + i * strideB`,
    /// `c + i * strideC` (and `preActivation`, `activationDerivative` `+ i * strideC`),
    /// `bias + i * strideBias`.
    ///
    /// The problems and their rows are spread over the threads together; each problem's result
    /// is bit-identical to a `multiply` call on it.
    public static func multiplyBatched(
        count: Int,
        m: Int, n: Int, k: Int,
        a: UnsafePointer<Float>, lda: Int, strideA: Int, transposeA: Bool = false,
        b: UnsafePointer<Float>, ldb: Int, strideB: Int, transposeB: Bool = false,
        c: UnsafeMutablePointer<Float>, ldc: Int, strideC: Int,
        accumulate: Bool = false,
        bias: UnsafePointer<Float>? = nil, strideBias: Int = 0,
        activation: Activation = .identity,
        preActivation: UnsafeMutablePointer<Float>? = nil,
        activationDerivative: UnsafeMutablePointer<Float>? = nil,
        threads: Int? = nil
    ) {
        precondition(count >= 0 && m >= 0 && n >= 0 && k >= 0, "GEMM sizes must be non-negative")
        precondition(ldc >= n, "GEMM: ldc (\(ldc)) must be at least n (\(n))")
        precondition(lda >= (transposeA ? m : k), "GEMM: lda (\(lda)) is smaller than a row of A")
        precondition(ldb >= (transposeB ? k : n), "GEMM: ldb (\(ldb)) is smaller than a row of B")
        guard count > 0, m > 0, n > 0 else { return }
        let threadCount = threads ?? defaultThreadCount
        let (panelCount, lastPanelWidth) = GEMMRightPanels.layout(columns: n)
        let firstPacked = GEMMRightPanels.firstPackedPanel(rows: m, columns: n, transposeB: transposeB)
        let packedFloats = GEMMRightPanels.packedCount(columns: n, depth: k, firstPanel: firstPacked)

        func run(packed: UnsafeMutablePointer<Float>?) {
            let right = GEMMRightPanels(
                columns: n, depth: k, panelCount: panelCount, lastPanelWidth: lastPanelWidth,
                direct: transposeB ? nil : b, ldb: ldb,
                firstPackedPanel: firstPacked, packed: packed.map { UnsafePointer($0) })
            GEMMDriver.run(
                GEMMBatch(
                    count: count, m: m, n: n, k: k,
                    a: a, lda: lda, strideA: strideA, transposeA: transposeA,
                    right: right, strideDirect: strideB, stridePacked: packedFloats,
                    c: c, ldc: ldc, strideC: strideC,
                    accumulate: accumulate, bias: bias, strideBias: strideBias,
                    activation: activation, preActivation: preActivation,
                    activationDerivative: activationDerivative),
                threads: threadCount)
        }

        guard firstPacked < panelCount else { return run(packed: nil) }
        let packed = UnsafeMutablePointer<Float>.allocate(capacity: max(1, packedFloats * count))
        defer { packed.deallocate() }
        GEMMDriver.pack(
            count: count, b: b, ldb: ldb, strideB: strideB, transposeB: transposeB,
            depth: k, columns: n, firstPanel: firstPacked,
            into: packed, stridePacked: packedFloats, threads: threadCount)
        run(packed: packed)
    }

    /// `C[m, n] = activation(op(A)[m, k] · B[k, n] (+ C) + bias[n])` with `B` packed in advance.
    ///
    /// - Parameters:
    ///   - packedB: `B` (`k` and `n` come from it); with several members, `member` selects one.
    ///   - member: which of `packedB`'s matrices to use (default 0).
    ///   - Other parameters: as in `multiply(m:n:k:a:lda:transposeA:b:ldb:transposeB:...)`.
    public static func multiply(
        m: Int,
        a: UnsafePointer<Float>, lda: Int, transposeA: Bool = false,
        packedB: PackedRightOperand, member: Int = 0,
        c: UnsafeMutablePointer<Float>, ldc: Int,
        accumulate: Bool = false,
        bias: UnsafePointer<Float>? = nil,
        activation: Activation = .identity,
        preActivation: UnsafeMutablePointer<Float>? = nil,
        activationDerivative: UnsafeMutablePointer<Float>? = nil,
        threads: Int? = nil
    ) {
        precondition(member >= 0 && member < packedB.count, "GEMM: member \(member) of a packed operand with \(packedB.count)")
        multiplyPacked(
            count: 1, m: m, a: a, lda: lda, strideA: 0, transposeA: transposeA,
            packedB: packedB, firstMember: member,
            c: c, ldc: ldc, strideC: 0, accumulate: accumulate, bias: bias, strideBias: 0,
            activation: activation, preActivation: preActivation,
            activationDerivative: activationDerivative, threads: threads)
    }

    /// `packedB.count` multiplications, problem `i` with member `i` of `packedB`:
    /// `C_i[m, n] = activation(op(A_i)[m, k] · B_i[k, n] (+ C_i) + bias_i[n])`, with
    /// `A_i = a + i * strideA`, `C_i = c + i * strideC`, `bias_i = bias + i * strideBias`.
    public static func multiplyBatched(
        m: Int,
        a: UnsafePointer<Float>, lda: Int, strideA: Int, transposeA: Bool = false,
        packedB: PackedRightOperand,
        c: UnsafeMutablePointer<Float>, ldc: Int, strideC: Int,
        accumulate: Bool = false,
        bias: UnsafePointer<Float>? = nil, strideBias: Int = 0,
        activation: Activation = .identity,
        preActivation: UnsafeMutablePointer<Float>? = nil,
        activationDerivative: UnsafeMutablePointer<Float>? = nil,
        threads: Int? = nil
    ) {
        multiplyPacked(
            count: packedB.count, m: m, a: a, lda: lda, strideA: strideA, transposeA: transposeA,
            packedB: packedB, firstMember: 0,
            c: c, ldc: ldc, strideC: strideC, accumulate: accumulate, bias: bias, strideBias: strideBias,
            activation: activation, preActivation: preActivation,
            activationDerivative: activationDerivative, threads: threads)
    }

    private static func multiplyPacked(
        count: Int, m: Int,
        a: UnsafePointer<Float>, lda: Int, strideA: Int, transposeA: Bool,
        packedB: PackedRightOperand, firstMember: Int,
        c: UnsafeMutablePointer<Float>, ldc: Int, strideC: Int,
        accumulate: Bool, bias: UnsafePointer<Float>?, strideBias: Int,
        activation: Activation, preActivation: UnsafeMutablePointer<Float>?,
        activationDerivative: UnsafeMutablePointer<Float>?, threads: Int?
    ) {
        let n = packedB.columns, k = packedB.depth
        precondition(m >= 0, "GEMM sizes must be non-negative")
        precondition(ldc >= n, "GEMM: ldc (\(ldc)) must be at least n (\(n))")
        precondition(lda >= (transposeA ? m : k), "GEMM: lda (\(lda)) is smaller than a row of A")
        guard count > 0, m > 0, n > 0 else { return }
        let (panelCount, lastPanelWidth) = GEMMRightPanels.layout(columns: n)
        packedB.storage.withUnsafeBufferPointer { storage in
            let right = GEMMRightPanels(
                columns: n, depth: k, panelCount: panelCount, lastPanelWidth: lastPanelWidth,
                direct: nil, ldb: 0, firstPackedPanel: 0,
                packed: storage.baseAddress.map { $0 + firstMember * packedB.memberStride })
            GEMMDriver.run(
                GEMMBatch(
                    count: count, m: m, n: n, k: k,
                    a: a, lda: lda, strideA: strideA, transposeA: transposeA,
                    right: right, strideDirect: 0, stridePacked: packedB.memberStride,
                    c: c, ldc: ldc, strideC: strideC,
                    accumulate: accumulate, bias: bias, strideBias: strideBias,
                    activation: activation, preActivation: preActivation,
                    activationDerivative: activationDerivative),
                threads: threads ?? defaultThreadCount)
        }
    }
}
