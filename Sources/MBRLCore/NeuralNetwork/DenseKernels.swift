// The pointer-level forward and backward passes shared by `Dense` (one member) and
// `EnsembleDense` (several members with separate weights), all built on `GEMM`.

/// Forward and backward passes of `count` affine layers `Y_e = f(X_e · W_e + b_e)` laid out as
/// the ensemble layout describes: member `e` owns rows `e * rows ..< (e + 1) * rows` of `X`
/// (or all members read the same `X` when `inputStride` is 0), weights `[count * in, out]`,
/// biases `[count, out]`.
enum DenseKernels {
    /// `output = activation(input · weight + bias)`, with `activationDerivative` receiving the
    /// activation's derivative at each value when not `nil` (what the backward pass multiplies
    /// by). All buffers hold `count` members; `inputStride` is `rows * inputSize`, or 0 to
    /// broadcast one input to every member.
    @inline(__always)
    static func forward(
        count: Int, rows: Int, inputSize: Int, outputSize: Int,
        input: UnsafePointer<Float>, inputStride: Int,
        weight: UnsafePointer<Float>, bias: UnsafePointer<Float>,
        activation: Activation,
        output: UnsafeMutablePointer<Float>, activationDerivative: UnsafeMutablePointer<Float>?
    ) {
        guard rows > 0 else { return }
        if count == 1 {
            GEMM.multiply(
                m: rows, n: outputSize, k: inputSize,
                a: input, lda: inputSize,
                b: weight, ldb: outputSize,
                c: output, ldc: outputSize,
                bias: bias, activation: activation, activationDerivative: activationDerivative)
        } else {
            GEMM.multiplyBatched(
                count: count, m: rows, n: outputSize, k: inputSize,
                a: input, lda: inputSize, strideA: inputStride,
                b: weight, ldb: outputSize, strideB: inputSize * outputSize,
                c: output, ldc: outputSize, strideC: rows * outputSize,
                bias: bias, strideBias: outputSize,
                activation: activation, activationDerivative: activationDerivative)
        }
    }

    /// The backward pass from the output gradient `dY` (`[count * rows, out]`): first
    /// `dZ = dY * f'` (the activation's derivative, from `activationDerivative` when the forward
    /// pass kept it, otherwise from `output`) and the bias gradient (the column sums of `dZ_e`
    /// into `biasGradient`, `[count, out]`) in one pass over the rows; then the weight gradient
    /// `X_e^T · dZ_e` into `weightGradient` (`[count * in, out]`) and, when `inputGradient` is
    /// not `nil`, the input gradient `dZ_e · W_e^T`: `[count * rows, in]`, or `[rows, in]` summed
    /// over members when the input was broadcast (`inputStride == 0`). A `nil` weight or bias
    /// gradient pointer skips that gradient (an input-only pullback).
    ///
    /// `preActivationGradient` receives `dZ` (`[count * rows, out]`); it may be `nil` only for
    /// the identity, whose `dZ` is `dY` itself.
    static func backward(
        count: Int, rows: Int, inputSize: Int, outputSize: Int,
        input: UnsafePointer<Float>, inputStride: Int,
        weight: UnsafePointer<Float>,
        activation: Activation,
        outputGradient: UnsafePointer<Float>,
        output: UnsafePointer<Float>,
        activationDerivative: UnsafePointer<Float>?,
        preActivationGradient preActivationGradientBuffer: UnsafeMutablePointer<Float>?,
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
        precondition(activation == .identity || preActivationGradientBuffer != nil,
                     "DenseKernels.backward: \(activation.name) needs a buffer for dZ")
        precondition(!activation.backwardNeedsPreActivation || activationDerivative != nil,
                     "DenseKernels.backward: \(activation.name) needs the derivative kept by the forward pass")
        let preActivationGradient = preActivationGradientBuffer.map { UnsafePointer($0) } ?? outputGradient
        // dZ = dY * f' and the bias gradient, by blocks of columns over the cores when large.
        // Each entry of dZ is the product the activation's backward pass forms, and each column
        // is summed over the rows in order, whatever the split.
        if activation != .identity || biasGradient != nil {
            let pointers = GEMMUncheckedSendable(value: (
                biasGradient, preActivationGradientBuffer, outputGradient, output, activationDerivative))
            let columnPass: @Sendable (Range<Int>) -> Void = { columns in
                guard !columns.isEmpty else { return }
                let (biasGradient, gradient, upstream, output, derivative) = pointers.value
                for member in 0..<count {
                    let sums = biasGradient.map { $0 + member * outputSize + columns.lowerBound }
                    for row in 0..<rows {
                        let offset = member * memberGradientRows + row * outputSize + columns.lowerBound
                        let rowGradient: UnsafePointer<Float>
                        if let gradient, activation != .identity {
                            if let derivative {
                                VectorMath.multiply(upstream + offset, derivative + offset, into: gradient + offset,
                                                    count: columns.count)
                            } else {
                                activation.multiplyByDerivative(upstream + offset, preActivation: nil, output: output + offset,
                                                                into: gradient + offset, count: columns.count)
                            }
                            rowGradient = UnsafePointer(gradient + offset)
                        } else {
                            rowGradient = upstream + offset
                        }
                        guard let sums else { continue }
                        if row == 0 {
                            sums.update(from: rowGradient, count: columns.count)
                        } else {
                            for column in 0..<columns.count { sums[column] += rowGradient[column] }
                        }
                    }
                }
            }
            GEMMDriver.forEachVectorRange(count: outputSize, work: count * rows * outputSize, columnPass)
        }
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

    /// `backward` on matrices, allocating what it fills: `parameterGradients` `[dL/dW
    /// [count * in, out], dL/db [count, out]]` (empty when not needed) and the input gradient
    /// (`inputGradientRows` rows, `nil` when not needed). `rows` must be positive.
    static func gradients(
        count: Int, rows: Int, inputSize: Int, outputSize: Int,
        input: Matrix, inputStride: Int, inputGradientRows: Int,
        weight: Matrix, activation: Activation,
        outputGradient: Matrix, output: Matrix, activationDerivative: Matrix?,
        needsParameterGradients: Bool, needsInputGradient: Bool
    ) -> (parameterGradients: [Matrix], inputGradient: Matrix?) {
        var weightGradient: Matrix? = needsParameterGradients ? Matrix.unfilled(rows: count * inputSize, columns: outputSize) : nil
        var biasGradient: Matrix? = needsParameterGradients ? Matrix.unfilled(rows: count, columns: outputSize) : nil
        var inputGradient = needsInputGradient ? Matrix.unfilled(rows: inputGradientRows, columns: inputSize) : nil
        var preActivationGradient = activation == .identity
            ? nil : Matrix.unfilled(rows: outputGradient.rows, columns: outputSize)
        withOptionalMutableBuffer(&weightGradient) { weightGradient in
            withOptionalMutableBuffer(&biasGradient) { biasGradient in
                withOptionalMutableBuffer(&inputGradient) { inputGradient in
                    withOptionalMutableBuffer(&preActivationGradient) { preActivationGradient in
                        input.withUnsafeBufferPointer { input in
                            weight.withUnsafeBufferPointer { weight in
                                outputGradient.withUnsafeBufferPointer { outputGradient in
                                    output.withUnsafeBufferPointer { output in
                                        withOptionalBuffer(activationDerivative) { activationDerivative in
                                            backward(
                                                count: count, rows: rows, inputSize: inputSize, outputSize: outputSize,
                                                input: input.baseAddress!, inputStride: inputStride,
                                                weight: weight.baseAddress!, activation: activation,
                                                outputGradient: outputGradient.baseAddress!, output: output.baseAddress!,
                                                activationDerivative: activationDerivative,
                                                preActivationGradient: preActivationGradient,
                                                weightGradient: weightGradient, biasGradient: biasGradient,
                                                inputGradient: inputGradient)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        guard let weightGradient, let biasGradient else { return ([], inputGradient) }
        return ([weightGradient, biasGradient], inputGradient)
    }

    /// Calls `body` with a pointer to the entries of `matrix`, or `nil` when there is no matrix.
    @inline(__always)
    static func withOptionalBuffer<Result>(
        _ matrix: Matrix?,
        _ body: (UnsafePointer<Float>?) throws -> Result
    ) rethrows -> Result {
        if let matrix {
            return try matrix.withUnsafeBufferPointer { try body($0.baseAddress) }
        }
        return try body(nil)
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
