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
/// ```
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
    ///     (same leading dimension `ldc`), as backward passes need it.
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
        threads: Int? = nil
    ) {
        for row in 0..<m {
            let cRow = c + row * ldc
            if !accumulate { for column in 0..<n { cRow[column] = 0 } }
            for inner in 0..<k {
                let aValue = transposeA ? a[inner * lda + row] : a[row * lda + inner]
                if transposeB {
                    for column in 0..<n { cRow[column] += aValue * b[column * ldb + inner] }
                } else {
                    let bRow = b + inner * ldb
                    for column in 0..<n { cRow[column] += aValue * bRow[column] }
                }
            }
            for column in 0..<n {
                var value = cRow[column]
                if let bias { value += bias[column] }
                if let preActivation { preActivation[row * ldc + column] = value }
                cRow[column] = activation.value(value)
            }
        }
    }

    /// `count` independent multiplications with the same sizes, as an ensemble of `count`
    /// members runs them: problem `i` uses `a + i * strideA`, `b + i * strideB`,
    /// `c + i * strideC` (and `preActivation + i * strideC`), `bias + i * strideBias`.
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
        threads: Int? = nil
    ) {
        for problem in 0..<count {
            multiply(
                m: m, n: n, k: k,
                a: a + problem * strideA, lda: lda, transposeA: transposeA,
                b: b + problem * strideB, ldb: ldb, transposeB: transposeB,
                c: c + problem * strideC, ldc: ldc,
                accumulate: accumulate,
                bias: bias.map { $0 + problem * strideBias },
                activation: activation,
                preActivation: preActivation.map { $0 + problem * strideC },
                threads: threads)
        }
    }
}
