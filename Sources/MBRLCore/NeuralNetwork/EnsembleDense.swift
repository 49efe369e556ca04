/// `E` fully connected layers with separate weights, evaluated together:
/// `[E * B, in] -> [E * B, out]`, member `e` mapping rows `e * B ..< (e + 1) * B` with its own
/// weight and bias (the ensemble layout of `Matrix`). A shared `[B, in]` input can also be
/// broadcast to every member.
///
/// The weight is `[E * in, out]` (member `e` owns rows `e * in ..< (e + 1) * in`) and the bias
/// `[E, out]` (member `e` owns row `e`). Every pass is one batched GEMM over the members, with
/// the bias and activation fused.
///
/// ```swift
/// var generator = RandomGenerator(seed: 0)
/// let layer = try EnsembleDense(memberCount: 5, inputSize: 3, outputSize: 8,
///                               activation: .relu, generator: &generator)
/// let perMember = try layer(x)                  // x [5 * B, 3] -> [5 * B, 8]
/// let shared = try layer(broadcasting: s)       // s [B, 3] -> [5 * B, 8]
/// ```
public struct EnsembleDense: Sendable, Equatable, ParameterContainer {
    /// The weights of all members, `[E * inputSize, outputSize]`.
    public internal(set) var weight: Matrix
    /// The biases of all members, `[E, outputSize]`.
    public internal(set) var bias: Matrix
    /// The activation applied after the bias.
    public var activation: Activation
    /// The number of members `E`.
    public let memberCount: Int

    /// The number of input columns.
    public var inputSize: Int { weight.rows / memberCount }
    /// The number of output columns.
    public var outputSize: Int { weight.columns }

    /// `memberCount` layers whose weights are drawn by `initializer` from `generator` (member 0
    /// first), with zero biases.
    ///
    /// - Throws: `MBRLError.invalidArgument` when a size or the member count is not positive.
    public init(
        memberCount: Int,
        inputSize: Int,
        outputSize: Int,
        activation: Activation = .identity,
        initializer: WeightInitializer = .truncatedNormal,
        generator: inout RandomGenerator
    ) throws {
        guard memberCount > 0, inputSize > 0, outputSize > 0 else {
            throw MBRLError.invalidArgument(
                "an ensemble layer needs positive sizes, got \(memberCount) members of \(inputSize) -> \(outputSize)")
        }
        var weight = Matrix(rows: memberCount * inputSize, columns: outputSize)
        initializer.fill(&weight, inputSize: inputSize, outputSize: outputSize, generator: &generator)
        self.weight = weight
        self.bias = Matrix(rows: memberCount, columns: outputSize)
        self.activation = activation
        self.memberCount = memberCount
    }

    /// The ensemble whose member `e` is `members[e]`; all members must have the same sizes and
    /// activation.
    ///
    /// - Throws: `MBRLError.invalidArgument` when `members` is empty or the activations differ,
    ///   `MBRLError.shapeMismatch` when the sizes differ.
    public init(members: [Dense]) throws {
        guard let first = members.first else {
            throw MBRLError.invalidArgument("an ensemble layer needs at least one member")
        }
        for (index, member) in members.enumerated() {
            guard member.inputSize == first.inputSize, member.outputSize == first.outputSize else {
                throw MBRLError.shapeMismatch(
                    "member \(index) is \(member.inputSize) -> \(member.outputSize), member 0 is \(first.inputSize) -> \(first.outputSize)")
            }
            guard member.activation == first.activation else {
                throw MBRLError.invalidArgument(
                    "member \(index) uses \(member.activation.name), member 0 uses \(first.activation.name); they must match")
            }
        }
        self.weight = Matrix(rows: members.count * first.inputSize, columns: first.outputSize,
                             values: members.flatMap(\.weight.values))
        self.bias = Matrix(rows: members.count, columns: first.outputSize, values: members.flatMap(\.bias.values))
        self.activation = first.activation
        self.memberCount = members.count
    }

    /// Member `index` as a stand-alone layer (a copy of its weights).
    ///
    /// - Throws: `MBRLError.invalidArgument` when `index` is not in `0..<memberCount`.
    public func member(_ index: Int) throws -> Dense {
        guard (0..<memberCount).contains(index) else {
            throw MBRLError.invalidArgument("member \(index) does not exist; the ensemble has \(memberCount) members")
        }
        return try Dense(weight: weight.rows(index * inputSize ..< (index + 1) * inputSize),
                         bias: bias.row(index), activation: activation)
    }

    // MARK: - Inference

    /// Every member applied to its own rows: `[E * B, in] -> [E * B, out]`.
    ///
    /// - Throws: `MBRLError.shapeMismatch` when the input does not have `inputSize` columns or
    ///   its row count is not a multiple of `memberCount`.
    public func callAsFunction(_ input: Matrix) throws -> Matrix {
        let rows = try batchSize(ofStacked: input)
        return applied(to: input, rows: rows, broadcast: false)
    }

    /// Every member applied to the same rows: `[B, in] -> [E * B, out]`.
    ///
    /// - Throws: `MBRLError.shapeMismatch` when the input does not have `inputSize` columns.
    public func callAsFunction(broadcasting input: Matrix) throws -> Matrix {
        try validateColumns(input)
        return applied(to: input, rows: input.rows, broadcast: true)
    }

    // MARK: - Training

    /// What a backward pass needs from the forward pass.
    public struct Tape: Sendable {
        /// The input: `[E * B, in]`, or `[B, in]` when it was broadcast.
        public let input: Matrix
        /// The output, `[E * B, out]`.
        public let output: Matrix
        /// The activation's derivative at each pre-activation value, `[E * B, out]`, kept only
        /// when it cannot be read from the output (`Activation.backwardNeedsPreActivation`).
        public let activationDerivative: Matrix?
        /// Whether one input was broadcast to every member.
        public let isBroadcast: Bool
        /// The rows per member, `B`.
        public let batchSize: Int
    }

    /// The forward pass for training on a stacked input `[E * B, in]`: the output
    /// `[E * B, out]` and the tape for `backward`.
    public func forward(_ input: Matrix) throws -> (output: Matrix, tape: Tape) {
        let rows = try batchSize(ofStacked: input)
        return trainingForward(input, rows: rows, broadcast: false)
    }

    /// The forward pass for training on a shared input `[B, in]`: the output `[E * B, out]`
    /// and the tape for `backward` (whose input gradient is then `[B, in]`, summed over members).
    public func forward(broadcasting input: Matrix) throws -> (output: Matrix, tape: Tape) {
        try validateColumns(input)
        return trainingForward(input, rows: input.rows, broadcast: true)
    }

    /// The backward pass: per-member parameter gradients and the input gradient.
    ///
    /// - Parameters:
    ///   - outputGradient: `dL/dy`, `[E * B, out]`.
    ///   - tape: from a forward pass of this layer with the same parameters.
    ///   - needsInputGradient: whether to compute `dL/dx`.
    ///   - needsParameterGradients: whether to compute the weight and bias gradients; `false`
    ///     skips their GEMMs (an input-only pullback, as gradient shooting, iLQR and
    ///     backpropagation through a model need) and returns an empty `parameterGradients`.
    /// - Returns: `parameterGradients` `[dL/dW [E * in, out], dL/db [E, out]]` (member `e`'s
    ///   gradients in its own rows), and `inputGradient`: `[E * B, in]`, or `[B, in]` (the sum
    ///   over members) when the input was broadcast; nil when not asked for.
    /// - Throws: `MBRLError.shapeMismatch` when the gradient or the tape does not fit.
    public func backward(
        _ outputGradient: Matrix,
        tape: Tape,
        needsInputGradient: Bool = true,
        needsParameterGradients: Bool = true
    ) throws -> (parameterGradients: [Matrix], inputGradient: Matrix?) {
        let rows = tape.batchSize
        let expectedInputRows = tape.isBroadcast ? rows : memberCount * rows
        guard tape.input.columns == inputSize, tape.input.rows == expectedInputRows,
              tape.output.columns == outputSize, tape.output.rows == memberCount * rows else {
            throw MBRLError.shapeMismatch(
                "the tape (input \(tape.input.shapeText), output \(tape.output.shapeText)) is not from this \(memberCount)-member \(inputSize) -> \(outputSize) layer")
        }
        guard outputGradient.matchesShape(of: tape.output) else {
            throw MBRLError.shapeMismatch(
                "the output gradient is \(outputGradient.shapeText), expected \(tape.output.shapeText)")
        }
        try activation.validateKeptDerivative(tape.activationDerivative, output: tape.output)
        guard rows > 0 else {
            return (needsParameterGradients ? [Matrix(rows: weight.rows, columns: outputSize), Matrix(rows: memberCount, columns: outputSize)] : [],
                    needsInputGradient ? Matrix(rows: 0, columns: inputSize) : nil)
        }
        return DenseKernels.gradients(
            count: memberCount, rows: rows, inputSize: inputSize, outputSize: outputSize,
            input: tape.input, inputStride: tape.isBroadcast ? 0 : rows * inputSize, inputGradientRows: expectedInputRows,
            weight: weight, activation: activation,
            outputGradient: outputGradient, output: tape.output, activationDerivative: tape.activationDerivative,
            needsParameterGradients: needsParameterGradients, needsInputGradient: needsInputGradient)
    }

    // MARK: - Parameters

    /// `["weight", "bias"]`.
    public var parameterNames: [String] { ["weight", "bias"] }

    /// `[weight [E * in, out], bias [E, out]]`.
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

    func validateColumns(_ input: Matrix) throws {
        guard input.columns == inputSize else {
            throw MBRLError.shapeMismatch("the ensemble layer takes rows of \(inputSize) entries, got \(input.shapeText)")
        }
    }

    /// The rows per member `B` of a stacked `[E * B, in]` input.
    func batchSize(ofStacked input: Matrix) throws -> Int {
        try validateColumns(input)
        guard input.rows % memberCount == 0 else {
            throw MBRLError.shapeMismatch(
                "a stacked ensemble input needs a multiple of \(memberCount) rows (one block per member), got \(input.rows); "
                    + "use callAsFunction(broadcasting:) for one input shared by all members")
        }
        return input.rows / memberCount
    }

    private func applied(to input: Matrix, rows: Int, broadcast: Bool) -> Matrix {
        var output = Matrix.unfilled(rows: memberCount * rows, columns: outputSize)
        output.withUnsafeMutableBufferPointer { outputBuffer in
            input.withUnsafeBufferPointer { inputBuffer in
                apply(rows: rows, input: inputBuffer.baseAddress, broadcast: broadcast,
                      output: outputBuffer.baseAddress, activationDerivative: nil)
            }
        }
        return output
    }

    private func trainingForward(_ input: Matrix, rows: Int, broadcast: Bool) -> (output: Matrix, tape: Tape) {
        var output = Matrix.unfilled(rows: memberCount * rows, columns: outputSize)
        var activationDerivative = activation.backwardNeedsPreActivation
            ? Matrix.unfilled(rows: memberCount * rows, columns: outputSize) : nil
        output.withUnsafeMutableBufferPointer { outputBuffer in
            input.withUnsafeBufferPointer { inputBuffer in
                DenseKernels.withOptionalMutableBuffer(&activationDerivative) { derivativePointer in
                    apply(rows: rows, input: inputBuffer.baseAddress, broadcast: broadcast,
                          output: outputBuffer.baseAddress, activationDerivative: derivativePointer)
                }
            }
        }
        return (output, Tape(input: input, output: output, activationDerivative: activationDerivative,
                             isBroadcast: broadcast, batchSize: rows))
    }

    /// The forward pass on raw buffers: `rows` rows per member; the input holds `E` blocks of
    /// `rows` rows, or one block when `broadcast` (nil pointers only when `rows == 0`).
    @inline(__always)
    func apply(
        rows: Int,
        input: UnsafePointer<Float>?,
        broadcast: Bool,
        output: UnsafeMutablePointer<Float>?,
        activationDerivative: UnsafeMutablePointer<Float>?
    ) {
        guard rows > 0, let input, let output else { return }
        weight.withUnsafeBufferPointer { weightBuffer in
            bias.withUnsafeBufferPointer { biasBuffer in
                DenseKernels.forward(
                    count: memberCount, rows: rows, inputSize: inputSize, outputSize: outputSize,
                    input: input, inputStride: broadcast ? 0 : rows * inputSize,
                    weight: weightBuffer.baseAddress!, bias: biasBuffer.baseAddress!,
                    activation: activation,
                    output: output, activationDerivative: activationDerivative)
            }
        }
    }
}
