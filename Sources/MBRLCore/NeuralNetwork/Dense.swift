/// A fully connected layer `y = activation(x · weight + bias)`: `[B, in] -> [B, out]`.
///
/// The weight is `[in, out]` and the bias `[1, out]`; the activation is fused into the GEMM that
/// computes the product, so a forward pass is one pass over the output. `forward(_:)` also
/// returns a `Tape` holding what `backward(_:tape:)` needs (the input, the output, and the
/// activation's derivative only when it cannot be read from the output).
///
/// ```swift
/// var generator = RandomGenerator(seed: 0)
/// let layer = try Dense(inputSize: 3, outputSize: 2, activation: .tanh, generator: &generator)
/// let y = try layer(x)                                      // [B, 3] -> [B, 2]
/// let (output, tape) = try layer.forward(x)
/// let gradients = try layer.backward(lossGradient, tape: tape)   // dL/dy is [B, 2]
/// // gradients.parameterGradients: [dW [3, 2], db [1, 2]]; gradients.inputGradient: [B, 3]
/// ```
public struct Dense: Sendable, Equatable, ParameterContainer {
    /// The weights, `[inputSize, outputSize]`.
    public internal(set) var weight: Matrix
    /// The bias, `[1, outputSize]`.
    public internal(set) var bias: Matrix
    /// The activation applied after the bias.
    public var activation: Activation

    /// The number of input columns.
    public var inputSize: Int { weight.rows }
    /// The number of output columns.
    public var outputSize: Int { weight.columns }

    /// A layer with weights drawn by `initializer` from `generator` and a zero bias.
    ///
    /// - Throws: `MBRLError.invalidArgument` when a size is not positive.
    public init(
        inputSize: Int,
        outputSize: Int,
        activation: Activation = .identity,
        initializer: WeightInitializer = .truncatedNormal,
        generator: inout RandomGenerator
    ) throws {
        guard inputSize > 0, outputSize > 0 else {
            throw MBRLError.invalidArgument("a dense layer needs positive sizes, got \(inputSize) -> \(outputSize)")
        }
        self.weight = initializer.weights(inputSize: inputSize, outputSize: outputSize, generator: &generator)
        self.bias = Matrix(rows: 1, columns: outputSize)
        self.activation = activation
    }

    /// A layer with the given weight `[in, out]` and bias (`out` values, zero when `nil`).
    ///
    /// - Throws: `MBRLError.shapeMismatch` when the bias does not have `out` values,
    ///   `MBRLError.invalidArgument` when the weight is empty.
    public init(weight: Matrix, bias: [Float]? = nil, activation: Activation = .identity) throws {
        guard weight.rows > 0, weight.columns > 0 else {
            throw MBRLError.invalidArgument("a dense layer needs a non-empty weight, got \(weight.shapeText)")
        }
        let biasValues = bias ?? Array(repeating: 0, count: weight.columns)
        guard biasValues.count == weight.columns else {
            throw MBRLError.shapeMismatch("a \(weight.shapeText) weight needs \(weight.columns) bias values, got \(biasValues.count)")
        }
        self.weight = weight
        self.bias = Matrix(row: biasValues)
        self.activation = activation
    }

    // MARK: - Inference

    /// The layer applied to every row: `[B, in] -> [B, out]`.
    ///
    /// - Throws: `MBRLError.shapeMismatch` when the input does not have `inputSize` columns.
    public func callAsFunction(_ input: Matrix) throws -> Matrix {
        try validateInput(input)
        var output = Matrix.unfilled(rows: input.rows, columns: outputSize)
        output.withUnsafeMutableBufferPointer { outputBuffer in
            input.withUnsafeBufferPointer { inputBuffer in
                apply(rows: input.rows, input: inputBuffer.baseAddress, output: outputBuffer.baseAddress, activationDerivative: nil)
            }
        }
        return output
    }

    // MARK: - Training

    /// What a backward pass needs from the forward pass.
    public struct Tape: Sendable {
        /// The input, `[B, in]`.
        public let input: Matrix
        /// The output, `[B, out]`.
        public let output: Matrix
        /// The activation's derivative at each pre-activation value, `[B, out]`, kept only when
        /// it cannot be read from the output (`Activation.backwardNeedsPreActivation`). The
        /// forward pass computes it with the activation, so the backward pass only multiplies.
        public let activationDerivative: Matrix?
    }

    /// The forward pass for training: the output `[B, out]` and the tape for `backward`.
    ///
    /// - Throws: `MBRLError.shapeMismatch` when the input does not have `inputSize` columns.
    public func forward(_ input: Matrix) throws -> (output: Matrix, tape: Tape) {
        try validateInput(input)
        var output = Matrix.unfilled(rows: input.rows, columns: outputSize)
        var activationDerivative = activation.backwardNeedsPreActivation
            ? Matrix.unfilled(rows: input.rows, columns: outputSize) : nil
        output.withUnsafeMutableBufferPointer { outputBuffer in
            input.withUnsafeBufferPointer { inputBuffer in
                DenseKernels.withOptionalMutableBuffer(&activationDerivative) { derivativePointer in
                    apply(rows: input.rows, input: inputBuffer.baseAddress, output: outputBuffer.baseAddress,
                          activationDerivative: derivativePointer)
                }
            }
        }
        return (output, Tape(input: input, output: output, activationDerivative: activationDerivative))
    }

    /// The backward pass: gradients of the loss with respect to the parameters and the input.
    ///
    /// - Parameters:
    ///   - outputGradient: `dL/dy`, `[B, out]`.
    ///   - tape: from `forward(_:)` of this layer with the same parameters.
    ///   - needsInputGradient: whether to compute `dL/dx` (skipped for a network's first layer
    ///     in training).
    ///   - needsParameterGradients: whether to compute the weight and bias gradients; `false`
    ///     skips their GEMMs (an input-only pullback, as gradient shooting, iLQR and
    ///     backpropagation through a model need) and returns an empty `parameterGradients`.
    /// - Returns: `parameterGradients` `[dL/dW [in, out], dL/db [1, out]]` (the order of
    ///   `parameters`) and `inputGradient` `dL/dx` `[B, in]` (nil when not asked for).
    /// - Throws: `MBRLError.shapeMismatch` when the gradient or tape does not fit this layer.
    public func backward(
        _ outputGradient: Matrix,
        tape: Tape,
        needsInputGradient: Bool = true,
        needsParameterGradients: Bool = true
    ) throws -> (parameterGradients: [Matrix], inputGradient: Matrix?) {
        guard tape.input.columns == inputSize, tape.output.columns == outputSize, tape.output.rows == tape.input.rows else {
            throw MBRLError.shapeMismatch(
                "the tape (input \(tape.input.shapeText), output \(tape.output.shapeText)) is not from a \(inputSize) -> \(outputSize) layer")
        }
        guard outputGradient.matchesShape(of: tape.output) else {
            throw MBRLError.shapeMismatch(
                "the output gradient is \(outputGradient.shapeText), expected \(tape.output.shapeText)")
        }
        try activation.validateKeptDerivative(tape.activationDerivative, output: tape.output)
        let rows = tape.input.rows
        guard rows > 0 else {
            return (needsParameterGradients ? [Matrix(rows: inputSize, columns: outputSize), Matrix(rows: 1, columns: outputSize)] : [],
                    needsInputGradient ? Matrix(rows: 0, columns: inputSize) : nil)
        }
        return DenseKernels.gradients(
            count: 1, rows: rows, inputSize: inputSize, outputSize: outputSize,
            input: tape.input, inputStride: rows * inputSize, inputGradientRows: rows,
            weight: weight, activation: activation,
            outputGradient: outputGradient, output: tape.output, activationDerivative: tape.activationDerivative,
            needsParameterGradients: needsParameterGradients, needsInputGradient: needsInputGradient)
    }

    // MARK: - Parameters

    /// `["weight", "bias"]`.
    public var parameterNames: [String] { ["weight", "bias"] }

    /// `[weight [in, out], bias [1, out]]`.
    public var parameters: [Matrix] { [weight, bias] }

    public mutating func updateParameters<Result>(_ body: (inout [Matrix]) throws -> Result) rethrows -> Result {
        var list = [weight, bias]
        let shapes = (weight.shape, bias.shape)
        weight = .movedOutPlaceholder
        bias = .movedOutPlaceholder
        defer {
            precondition(list.count == 2 && list[0].shape == shapes.0 && list[1].shape == shapes.1,
                         "updateParameters must keep the parameter shapes")
            weight = list[0]
            bias = list[1]
        }
        return try body(&list)
    }

    // MARK: - Internals

    func validateInput(_ input: Matrix) throws {
        guard input.columns == inputSize else {
            throw MBRLError.shapeMismatch("the layer takes rows of \(inputSize) entries, got \(input.shapeText)")
        }
    }

    /// The forward pass on raw buffers of `rows` rows (nil pointers only when `rows == 0`).
    @inline(__always)
    func apply(
        rows: Int,
        input: UnsafePointer<Float>?,
        output: UnsafeMutablePointer<Float>?,
        activationDerivative: UnsafeMutablePointer<Float>?
    ) {
        guard rows > 0, let input, let output else { return }
        weight.withUnsafeBufferPointer { weightBuffer in
            bias.withUnsafeBufferPointer { biasBuffer in
                DenseKernels.forward(
                    count: 1, rows: rows, inputSize: inputSize, outputSize: outputSize,
                    input: input, inputStride: 0,
                    weight: weightBuffer.baseAddress!, bias: biasBuffer.baseAddress!,
                    activation: activation,
                    output: output, activationDerivative: activationDerivative)
            }
        }
    }
}
