/// `E` multilayer perceptrons with the same architecture and separate weights, evaluated in one
/// call: `[E * B, in] -> [E * B, out]` (member `e` maps rows `e * B ..< (e + 1) * B`, the
/// ensemble layout of `Matrix`), or a shared `[B, in]` broadcast to every member
/// `-> [E * B, out]`.
///
/// Each layer is an `EnsembleDense`: one batched GEMM over the members with the bias and
/// activation fused. The result equals `E` separate `MLP`s with the same weights
/// (`init(members:)`, `member(_:)`).
///
/// ```swift
/// var generator = RandomGenerator(seed: 0)
/// var ensemble = try EnsembleMLP(memberCount: 7, inputSize: 6, hiddenSizes: [200, 200, 200, 200],
///                                outputSize: 8, activation: .silu, generator: &generator)
/// let predictions = try ensemble(broadcasting: inputs)        // [B, 6] -> [7 * B, 8]
/// // One training step on bootstrapped batches: inputs [7 * B, 6], targets [7 * B, 8].
/// var optimizer = try AdamW(learningRate: 1e-3)
/// let (output, tape) = try ensemble.forward(memberInputs)
/// let (loss, gradient) = try MeanSquaredError.lossAndGradient(
///     prediction: output, target: memberTargets, memberCount: 7)
/// let gradients = try ensemble.backward(gradient, tape: tape, needsInputGradient: false)
/// try optimizer.step(&ensemble, gradients: gradients.parameterGradients)
/// ```
public struct EnsembleMLP: Sendable, Equatable, ParameterContainer {
    /// The layers, first to last; each holds all members' weights.
    public private(set) var layers: [EnsembleDense]

    /// The number of members `E`.
    public var memberCount: Int { layers[0].memberCount }
    /// The number of input columns.
    public var inputSize: Int { layers[0].inputSize }
    /// The number of output columns.
    public var outputSize: Int { layers[layers.count - 1].outputSize }
    /// The width of each hidden layer.
    public var hiddenSizes: [Int] { layers.dropLast().map(\.outputSize) }

    /// An ensemble of freshly initialised members with zero biases. Member `e` has exactly the
    /// weights of `MLP(..., generator: &children[e])` where `children = generator.split(count: E)`.
    ///
    /// - Throws: `MBRLError.invalidArgument` when a size or the member count is not positive.
    public init(
        memberCount: Int,
        inputSize: Int,
        hiddenSizes: [Int],
        outputSize: Int,
        activation: Activation = .relu,
        outputActivation: Activation = .identity,
        initializer: WeightInitializer = .truncatedNormal,
        generator: inout RandomGenerator
    ) throws {
        guard memberCount > 0 else {
            throw MBRLError.invalidArgument("an ensemble needs at least one member, got \(memberCount)")
        }
        var memberGenerators = generator.split(count: memberCount)
        var members: [MLP] = []
        for index in 0..<memberCount {
            members.append(try MLP(
                inputSize: inputSize, hiddenSizes: hiddenSizes, outputSize: outputSize,
                activation: activation, outputActivation: outputActivation,
                initializer: initializer, generator: &memberGenerators[index]))
        }
        try self.init(members: members)
    }

    /// The ensemble whose member `e` is `members[e]`; all must have the same layer sizes and
    /// activations.
    ///
    /// - Throws: `MBRLError.invalidArgument` when `members` is empty or activations differ,
    ///   `MBRLError.shapeMismatch` when the architectures differ.
    public init(members: [MLP]) throws {
        guard let first = members.first else {
            throw MBRLError.invalidArgument("an ensemble needs at least one member")
        }
        for (index, member) in members.enumerated() where member.layers.count != first.layers.count {
            throw MBRLError.shapeMismatch("member \(index) has \(member.layers.count) layers, member 0 has \(first.layers.count)")
        }
        var layers: [EnsembleDense] = []
        for layerIndex in first.layers.indices {
            layers.append(try EnsembleDense(members: members.map { $0.layers[layerIndex] }))
        }
        try self.init(layers: layers)
    }

    /// An ensemble made of `layers`, each taking the previous one's output.
    ///
    /// - Throws: `MBRLError.invalidArgument` when there are no layers or member counts differ,
    ///   `MBRLError.shapeMismatch` when consecutive sizes do not chain.
    public init(layers: [EnsembleDense]) throws {
        guard let first = layers.first else { throw MBRLError.invalidArgument("an ensemble MLP needs at least one layer") }
        for index in 1..<layers.count {
            guard layers[index].memberCount == first.memberCount else {
                throw MBRLError.invalidArgument(
                    "layer \(index) has \(layers[index].memberCount) members, layer 0 has \(first.memberCount)")
            }
            guard layers[index].inputSize == layers[index - 1].outputSize else {
                throw MBRLError.shapeMismatch(
                    "layer \(index) takes \(layers[index].inputSize) inputs but layer \(index - 1) gives \(layers[index - 1].outputSize)")
            }
        }
        self.layers = layers
    }

    /// Member `index` as a stand-alone network (a copy of its weights).
    ///
    /// - Throws: `MBRLError.invalidArgument` when `index` is not in `0..<memberCount`.
    public func member(_ index: Int) throws -> MLP {
        try MLP(layers: layers.map { try $0.member(index) })
    }

    // MARK: - Inference

    /// Every member applied to its own rows: `[E * B, in] -> [E * B, out]`.
    ///
    /// - Throws: `MBRLError.shapeMismatch` when the input does not have `inputSize` columns or
    ///   its row count is not a multiple of `memberCount`.
    public func callAsFunction(_ input: Matrix) throws -> Matrix {
        let rows = try layers[0].batchSize(ofStacked: input)
        return inference(input, rows: rows, broadcast: false)
    }

    /// Every member applied to the same rows: `[B, in] -> [E * B, out]`.
    ///
    /// - Throws: `MBRLError.shapeMismatch` when the input does not have `inputSize` columns.
    public func callAsFunction(broadcasting input: Matrix) throws -> Matrix {
        try layers[0].validateColumns(input)
        return inference(input, rows: input.rows, broadcast: true)
    }

    // MARK: - Training

    /// What a backward pass needs from the forward pass: one tape per layer.
    public struct Tape: Sendable {
        /// The tapes of the layers, first to last.
        public let layerTapes: [EnsembleDense.Tape]
        /// The ensemble's output, `[E * B, out]`.
        public var output: Matrix { layerTapes[layerTapes.count - 1].output }
        /// Whether the input was one `[B, in]` shared by every member.
        public var isBroadcast: Bool { layerTapes[0].isBroadcast }
    }

    /// The forward pass for training on a stacked input `[E * B, in]`: the output
    /// `[E * B, out]` and the tape for `backward`.
    public func forward(_ input: Matrix) throws -> (output: Matrix, tape: Tape) {
        try trainingForward(try layers[0].forward(input))
    }

    /// The forward pass for training on a shared input `[B, in]`: the output `[E * B, out]`
    /// and the tape for `backward` (whose input gradient is then `[B, in]`, summed over members).
    public func forward(broadcasting input: Matrix) throws -> (output: Matrix, tape: Tape) {
        try trainingForward(try layers[0].forward(broadcasting: input))
    }

    /// The backward pass: every member's parameter gradients and the input gradient.
    ///
    /// - Parameters:
    ///   - outputGradient: `dL/dy`, `[E * B, out]`.
    ///   - tape: from a forward pass of this ensemble with the same parameters.
    ///   - needsInputGradient: whether to compute `dL/dx`.
    ///   - needsParameterGradients: whether to compute the weight and bias gradients; `false`
    ///     skips their GEMMs (an input-only pullback, as gradient shooting, iLQR and
    ///     backpropagation through a model need) and returns an empty `parameterGradients`.
    /// - Returns: `parameterGradients` in the order of `parameters` (member `e`'s rows hold its
    ///   gradients), and `inputGradient`: `[E * B, in]`, or `[B, in]` summed over members when
    ///   the input was broadcast; nil when not asked for.
    /// - Throws: `MBRLError.shapeMismatch` when the gradient or the tape does not fit.
    public func backward(
        _ outputGradient: Matrix,
        tape: Tape,
        needsInputGradient: Bool = true,
        needsParameterGradients: Bool = true
    ) throws -> (parameterGradients: [Matrix], inputGradient: Matrix?) {
        guard tape.layerTapes.count == layers.count else {
            throw MBRLError.shapeMismatch("the tape has \(tape.layerTapes.count) layers, the ensemble \(layers.count)")
        }
        var gradients = [Matrix](repeating: .movedOutPlaceholder, count: needsParameterGradients ? 2 * layers.count : 0)
        var upstream = outputGradient
        for index in stride(from: layers.count - 1, through: 0, by: -1) {
            let needsInput = index > 0 || needsInputGradient
            if !needsInput && !needsParameterGradients { break }
            let (layerGradients, inputGradient) = try layers[index].backward(
                upstream, tape: tape.layerTapes[index], needsInputGradient: needsInput,
                needsParameterGradients: needsParameterGradients)
            if needsParameterGradients {
                gradients[2 * index] = layerGradients[0]
                gradients[2 * index + 1] = layerGradients[1]
            }
            if let inputGradient { upstream = inputGradient }
        }
        return (gradients, needsInputGradient ? upstream : nil)
    }

    // MARK: - Parameters

    /// `["layers.0.weight", "layers.0.bias", "layers.1.weight", ...]`.
    public var parameterNames: [String] {
        layers.indices.flatMap { ["layers.\($0).weight", "layers.\($0).bias"] }
    }

    /// Every layer's `[weight [E * in, out], bias [E, out]]`, first layer first.
    public var parameters: [Matrix] { layers.flatMap(\.parameters) }

    public mutating func updateParameters<Result>(_ body: (inout [Matrix]) throws -> Result) rethrows -> Result {
        var list: [Matrix] = []
        list.reserveCapacity(2 * layers.count)
        for index in layers.indices {
            list.append(layers[index].weight)
            list.append(layers[index].bias)
            layers[index].weight = .movedOutPlaceholder
            layers[index].bias = .movedOutPlaceholder
        }
        let shapes = list.map(\.shape)
        defer {
            precondition(list.count == shapes.count && zip(list, shapes).allSatisfy { $0.shape == $1 },
                         "updateParameters must keep the parameter shapes")
            for index in layers.indices {
                layers[index].weight = list[2 * index]
                layers[index].bias = list[2 * index + 1]
            }
        }
        return try body(&list)
    }

    // MARK: - Internals

    private func trainingForward(_ first: (output: Matrix, tape: EnsembleDense.Tape)) throws -> (output: Matrix, tape: Tape) {
        var tapes = [first.tape]
        tapes.reserveCapacity(layers.count)
        var current = first.output
        for layer in layers.dropFirst() {
            let (output, tape) = try layer.forward(current)
            tapes.append(tape)
            current = output
        }
        return (current, Tape(layerTapes: tapes))
    }

    /// Inference through two scratch buffers reused across layers.
    private func inference(_ input: Matrix, rows: Int, broadcast: Bool) -> Matrix {
        let memberRows = memberCount * rows
        var output = Matrix.unfilled(rows: memberRows, columns: outputSize)
        guard rows > 0 else { return output }
        let width = hiddenSizes.max() ?? 0
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: 2 * memberRows * width)
        defer { scratch.deallocate() }
        input.withUnsafeBufferPointer { inputBuffer in
            var current = inputBuffer.baseAddress!
            var currentIsBroadcast = broadcast
            for index in 0..<(layers.count - 1) {
                let destination = scratch + (index % 2) * memberRows * width
                layers[index].apply(rows: rows, input: current, broadcast: currentIsBroadcast,
                                    output: destination, activationDerivative: nil)
                current = UnsafePointer(destination)
                currentIsBroadcast = false
            }
            output.withUnsafeMutableBufferPointer { outputBuffer in
                layers[layers.count - 1].apply(rows: rows, input: current, broadcast: currentIsBroadcast,
                                               output: outputBuffer.baseAddress, activationDerivative: nil)
            }
        }
        return output
    }
}
