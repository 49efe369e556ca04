/// A multilayer perceptron: a stack of `Dense` layers, `[B, in] -> [B, out]`.
///
/// Hidden layers share one activation; the output layer has its own (identity by default).
/// Inference runs each layer as one GEMM with the bias and activation fused, through two
/// scratch buffers reused across layers. Training uses `forward(_:)`, which returns a `Tape`,
/// and `backward(_:tape:)`, which returns the gradients of every parameter and of the input.
///
/// ```swift
/// var generator = RandomGenerator(seed: 0)
/// var network = try MLP(inputSize: 4, hiddenSizes: [200, 200], outputSize: 3,
///                       activation: .silu, generator: &generator)
/// var optimizer = try Adam(learningRate: 1e-3)
/// // One training step on inputs [B, 4] and targets [B, 3]:
/// let (prediction, tape) = try network.forward(inputs)
/// let (loss, lossGradient) = try MeanSquaredError.lossAndGradient(prediction: prediction, target: targets)
/// let gradients = try network.backward(lossGradient, tape: tape, needsInputGradient: false)
/// try optimizer.step(&network, gradients: gradients.parameterGradients)
/// let next = try network(inputs)                             // inference: [B, 3]
/// ```
public struct MLP: Sendable, Equatable, ParameterContainer {
    /// The layers, first to last.
    public private(set) var layers: [Dense]

    /// The number of input columns.
    public var inputSize: Int { layers[0].inputSize }
    /// The number of output columns.
    public var outputSize: Int { layers[layers.count - 1].outputSize }
    /// The width of each hidden layer.
    public var hiddenSizes: [Int] { layers.dropLast().map(\.outputSize) }

    /// A network `inputSize -> hiddenSizes... -> outputSize` with freshly initialised weights
    /// (drawn layer after layer from `generator`) and zero biases.
    ///
    /// - Parameters:
    ///   - hiddenSizes: the widths of the hidden layers; empty for a single affine layer.
    ///   - activation: the activation of every hidden layer.
    ///   - outputActivation: the activation of the last layer.
    /// - Throws: `MBRLError.invalidArgument` when a size is not positive.
    public init(
        inputSize: Int,
        hiddenSizes: [Int],
        outputSize: Int,
        activation: Activation = .relu,
        outputActivation: Activation = .identity,
        initializer: WeightInitializer = .truncatedNormal,
        generator: inout RandomGenerator
    ) throws {
        let sizes = [inputSize] + hiddenSizes + [outputSize]
        guard sizes.allSatisfy({ $0 > 0 }) else {
            throw MBRLError.invalidArgument("an MLP needs positive sizes, got \(sizes.map(String.init).joined(separator: " -> "))")
        }
        var layers: [Dense] = []
        for index in 0..<(sizes.count - 1) {
            let isLast = index == sizes.count - 2
            layers.append(try Dense(
                inputSize: sizes[index], outputSize: sizes[index + 1],
                activation: isLast ? outputActivation : activation,
                initializer: initializer, generator: &generator))
        }
        self.layers = layers
    }

    /// A network made of `layers`, each taking the previous one's output.
    ///
    /// - Throws: `MBRLError.invalidArgument` when there are no layers,
    ///   `MBRLError.shapeMismatch` when consecutive sizes do not chain.
    public init(layers: [Dense]) throws {
        guard !layers.isEmpty else { throw MBRLError.invalidArgument("an MLP needs at least one layer") }
        for index in 1..<layers.count where layers[index].inputSize != layers[index - 1].outputSize {
            throw MBRLError.shapeMismatch(
                "layer \(index) takes \(layers[index].inputSize) inputs but layer \(index - 1) gives \(layers[index - 1].outputSize)")
        }
        self.layers = layers
    }

    // MARK: - Inference

    /// The network applied to every row: `[B, in] -> [B, out]`.
    ///
    /// - Throws: `MBRLError.shapeMismatch` when the input does not have `inputSize` columns.
    public func callAsFunction(_ input: Matrix) throws -> Matrix {
        try layers[0].validateInput(input)
        let rows = input.rows
        var output = Matrix.unfilled(rows: rows, columns: outputSize)
        guard rows > 0 else { return output }
        let width = hiddenSizes.max() ?? 0
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: 2 * rows * width)
        defer { scratch.deallocate() }
        input.withUnsafeBufferPointer { inputBuffer in
            var current = inputBuffer.baseAddress!
            for index in 0..<(layers.count - 1) {
                let destination = scratch + (index % 2) * rows * width
                layers[index].apply(rows: rows, input: current, output: destination, activationDerivative: nil)
                current = UnsafePointer(destination)
            }
            output.withUnsafeMutableBufferPointer { outputBuffer in
                layers[layers.count - 1].apply(rows: rows, input: current, output: outputBuffer.baseAddress, activationDerivative: nil)
            }
        }
        return output
    }

    // MARK: - Training

    /// What a backward pass needs from the forward pass: one tape per layer.
    public struct Tape: Sendable {
        /// The tapes of the layers, first to last.
        public let layerTapes: [Dense.Tape]
        /// The network's output, `[B, out]`.
        public var output: Matrix { layerTapes[layerTapes.count - 1].output }
    }

    /// The forward pass for training: the output `[B, out]` and the tape for `backward`.
    ///
    /// - Throws: `MBRLError.shapeMismatch` when the input does not have `inputSize` columns.
    public func forward(_ input: Matrix) throws -> (output: Matrix, tape: Tape) {
        var tapes: [Dense.Tape] = []
        tapes.reserveCapacity(layers.count)
        var current = input
        for layer in layers {
            let (output, tape) = try layer.forward(current)
            tapes.append(tape)
            current = output
        }
        return (current, Tape(layerTapes: tapes))
    }

    /// The backward pass: gradients with respect to every parameter and to the input.
    ///
    /// - Parameters:
    ///   - outputGradient: `dL/dy`, `[B, out]`.
    ///   - tape: from `forward(_:)` of this network with the same parameters.
    ///   - needsInputGradient: whether to compute `dL/dx` (not needed to train the network).
    ///   - needsParameterGradients: whether to compute the weight and bias gradients; `false`
    ///     skips their GEMMs (an input-only pullback, as gradient shooting, iLQR and
    ///     backpropagation through a model need) and returns an empty `parameterGradients`.
    /// - Returns: `parameterGradients` in the order of `parameters`, and `inputGradient`
    ///   `[B, in]` (nil when not asked for).
    /// - Throws: `MBRLError.shapeMismatch` when the gradient or the tape does not fit.
    public func backward(
        _ outputGradient: Matrix,
        tape: Tape,
        needsInputGradient: Bool = true,
        needsParameterGradients: Bool = true
    ) throws -> (parameterGradients: [Matrix], inputGradient: Matrix?) {
        guard tape.layerTapes.count == layers.count else {
            throw MBRLError.shapeMismatch("the tape has \(tape.layerTapes.count) layers, the network \(layers.count)")
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

    /// Every layer's `[weight [in, out], bias [1, out]]`, first layer first.
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
}
