// The pointer-level forward and backward passes shared by `Dense` (one member) and
// `EnsembleDense` (several members with separate weights), all built on `GEMM`.

/// Forward and backward passes of `count` affine layers `Y_e = f(X_e · W_e + b_e)` laid out as
/// the ensemble layout describes: member `e` owns rows `e * rows ..< (e + 1) * rows` of `X`
/// (or all members read the same `X` when `inputStride` is 0), weights `[count * in, out]`,
/// biases `[count, out]`.
enum DenseKernels {
    /// `output = activation(input · weight + bias)`, with `preActivation` receiving the values
    /// before the activation when not `nil`. All buffers hold `count` members; `inputStride` is
    /// `rows * inputSize`, or 0 to broadcast one input to every member.
    @inline(__always)
    static func forward(
        count: Int, rows: Int, inputSize: Int, outputSize: Int,
        input: UnsafePointer<Float>, inputStride: Int,
        weight: UnsafePointer<Float>, bias: UnsafePointer<Float>,
        activation: Activation,
        output: UnsafeMutablePointer<Float>, preActivation: UnsafeMutablePointer<Float>?
    ) {
        guard rows > 0 else { return }
        if count == 1 {
            GEMM.multiply(
                m: rows, n: outputSize, k: inputSize,
                a: input, lda: inputSize,
                b: weight, ldb: outputSize,
                c: output, ldc: outputSize,
                bias: bias, activation: activation, preActivation: preActivation)
        } else {
            GEMM.multiplyBatched(
                count: count, m: rows, n: outputSize, k: inputSize,
                a: input, lda: inputSize, strideA: inputStride,
                b: weight, ldb: outputSize, strideB: inputSize * outputSize,
                c: output, ldc: outputSize, strideC: rows * outputSize,
                bias: bias, strideBias: outputSize,
                activation: activation, preActivation: preActivation)
        }
    }

    /// The backward pass from `preActivationGradient` (`dL/dZ`, `[count * rows, out]`):
    /// weight gradient `X_e^T · dZ_e` into `weightGradient` (`[count * in, out]`), bias gradient
    /// (column sums of `dZ_e`) into `biasGradient` (`[count, out]`), each skipped when its
    /// pointer is `nil` (an input-only pullback), and when `inputGradient` is
    /// not `nil` the input gradient `dZ_e · W_e^T`: `[count * rows, in]`, or `[rows, in]` summed
    /// over members when the input was broadcast (`inputStride == 0`).
    static func backward(
        count: Int, rows: Int, inputSize: Int, outputSize: Int,
        input: UnsafePointer<Float>, inputStride: Int,
        weight: UnsafePointer<Float>,
        preActivationGradient: UnsafePointer<Float>,
        weightGradient: UnsafeMutablePointer<Float>?,
        biasGradient: UnsafeMutablePointer<Float>?,
        inputGradient: UnsafeMutablePointer<Float>?
    ) {
        guard rows > 0 else {
            weightGradient?.update(repeating: 0, count: count * inputSize * outputSize)
            biasGradient?.update(repeating: 0, count: count * outputSize)
            inputGradient?.update(repeating: 0, count: (inputStride == 0 ? 1 : count) * rows * inputSize)
            return
        }
        let memberWeights = inputSize * outputSize
        let memberGradientRows = rows * outputSize
        // Weight gradient: X_e^T [in, B] · dZ_e [B, out].
        if let weightGradient, count == 1 {
            GEMM.multiply(
                m: inputSize, n: outputSize, k: rows,
                a: input, lda: inputSize, transposeA: true,
                b: preActivationGradient, ldb: outputSize,
                c: weightGradient, ldc: outputSize)
        } else if let weightGradient {
            GEMM.multiplyBatched(
                count: count, m: inputSize, n: outputSize, k: rows,
                a: input, lda: inputSize, strideA: inputStride, transposeA: true,
                b: preActivationGradient, ldb: outputSize, strideB: memberGradientRows,
                c: weightGradient, ldc: outputSize, strideC: memberWeights)
        }
        // Bias gradient: the column sums of dZ_e, each summed over the rows in order (split by
        // columns over the cores when large: the split does not change any sum).
        if let biasGradient {
            let pointers = GEMMUncheckedSendable(value: (biasGradient, preActivationGradient))
            let sumColumns: @Sendable (Range<Int>) -> Void = { columns in
                guard !columns.isEmpty else { return }
                let (biasGradient, preActivationGradient) = pointers.value
                for member in 0..<count {
                    let sums = biasGradient + member * outputSize + columns.lowerBound
                    let gradient = preActivationGradient + member * memberGradientRows + columns.lowerBound
                    sums.update(from: gradient, count: columns.count)
                    for row in 1..<rows {
                        let gradientRow = gradient + row * outputSize
                        for column in 0..<columns.count { sums[column] += gradientRow[column] }
                    }
                }
            }
            GEMMDriver.forEachVectorRange(count: outputSize, work: count * rows * outputSize, sumColumns)
        }
        // Input gradient: dZ_e [B, out] · W_e^T [out, in].
        guard let inputGradient else { return }
        if count == 1 {
            GEMM.multiply(
                m: rows, n: inputSize, k: outputSize,
                a: preActivationGradient, lda: outputSize,
                b: weight, ldb: outputSize, transposeB: true,
                c: inputGradient, ldc: inputSize)
        } else if inputStride == 0 {
            // A broadcast input receives the sum over members.
            for member in 0..<count {
                GEMM.multiply(
                    m: rows, n: inputSize, k: outputSize,
                    a: preActivationGradient + member * memberGradientRows, lda: outputSize,
                    b: weight + member * memberWeights, ldb: outputSize, transposeB: true,
                    c: inputGradient, ldc: inputSize,
                    accumulate: member > 0)
            }
        } else {
            GEMM.multiplyBatched(
                count: count, m: rows, n: inputSize, k: outputSize,
                a: preActivationGradient, lda: outputSize, strideA: memberGradientRows,
                b: weight, ldb: outputSize, strideB: memberWeights, transposeB: true,
                c: inputGradient, ldc: inputSize, strideC: rows * inputSize)
        }
    }

    /// Calls `body` with a pointer to the entries of `matrix`, or `nil` when there is no matrix.
    @inline(__always)
    static func withOptionalMutableBuffer<Result>(
        _ matrix: inout Matrix?,
        _ body: (UnsafeMutablePointer<Float>?) throws -> Result
    ) rethrows -> Result {
        if matrix != nil {
            return try matrix!.withUnsafeMutableBufferPointer { try body($0.baseAddress) }
        }
        return try body(nil)
    }
}
