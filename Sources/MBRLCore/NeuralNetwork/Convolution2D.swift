/// A 2-D convolution without padding, `y = activation(conv(x, W) + b)`, on batches of images
/// stored one per row: `[B, channels * height * width] -> [B, outputHeight * outputWidth *
/// outputChannels]` with the output channels-last (`[outputHeight, outputWidth,
/// outputChannels]`).
///
/// The layer is a `Dense` layer applied to every window (`Convolution2DGeometry.patches`): one
/// GEMM with the bias and activation fused, `[B * positions, k * k * channels] ->
/// [B * positions, outputChannels]`; its backward pass is the dense layer's, with the input
/// gradient summed back onto the pixels. The weight is `[k * k * channels, outputChannels]`
/// (row `(ky * k + kx) * channels + c`), the bias `[1, outputChannels]`.
///
/// ```swift
/// var generator = RandomGenerator(seed: 0)
/// let layer = try Convolution2D(height: 32, width: 32, inputChannels: 2, outputChannels: 16,
///                               kernelSize: 4, stride: 2, inputLayout: .channelsFirst,
///                               activation: .relu, generator: &generator)
/// let features = try layer(frames)                 // [B, 2048] -> [B, 15 * 15 * 16]
/// let (output, tape) = try layer.forward(frames)
/// let gradients = try layer.backward(outputGradient, tape: tape)   // [dW, db], dL/dx [B, 2048]
/// ```
public struct Convolution2D: Sendable, Equatable, ParameterContainer {
    /// The input geometry.
    public let geometry: Convolution2DGeometry
    /// The dense layer applied to every window.
    public internal(set) var dense: Dense

    /// A layer with weights drawn by `initializer` (fan-in `k * k * inputChannels`) and a zero bias.
    ///
    /// - Throws: `MBRLError.invalidArgument` when a size is not positive or the kernel does not
    ///   fit the image.
    public init(height: Int, width: Int, inputChannels: Int, outputChannels: Int, kernelSize: Int, stride: Int,
                inputLayout: Convolution2DGeometry.ImageLayout = .channelsLast, activation: Activation = .identity,
                initializer: WeightInitializer = .glorotUniform, generator: inout RandomGenerator) throws {
        geometry = try Convolution2DGeometry(height: height, width: width, channels: inputChannels, kernelSize: kernelSize,
                                             stride: stride, layout: inputLayout)
        dense = try Dense(inputSize: geometry.patchSize, outputSize: outputChannels, activation: activation,
                          initializer: initializer, generator: &generator)
    }

    /// A layer over `geometry` with the given dense layer (weight `[patchSize, outputChannels]`).
    ///
    /// - Throws: `MBRLError.shapeMismatch` when the dense layer does not take one patch.
    public init(geometry: Convolution2DGeometry, dense: Dense) throws {
        guard dense.inputSize == geometry.patchSize else {
            throw MBRLError.shapeMismatch("a convolution over \(geometry.patchSize)-value patches needs a dense layer taking \(geometry.patchSize), got \(dense.inputSize)")
        }
        self.geometry = geometry
        self.dense = dense
    }

    /// Output channels.
    public var outputChannels: Int { dense.outputSize }
    /// Values per input image.
    public var inputSize: Int { geometry.imageSize }
    /// Values per output image, `outputHeight * outputWidth * outputChannels`.
    public var outputSize: Int { geometry.positionCount * outputChannels }
    /// The activation.
    public var activation: Activation { dense.activation }

    /// The layer applied to every image: `[B, inputSize] -> [B, outputSize]`.
    ///
    /// - Throws: `MBRLError.shapeMismatch` when the rows do not have `inputSize` values.
    public func callAsFunction(_ input: Matrix) throws -> Matrix {
        try validate(input)
        return try dense(geometry.patches(of: input)).reshaped(rows: input.rows, columns: outputSize)
    }

    /// What `backward` needs from `forward`.
    public struct Tape: Sendable {
        /// The dense layer's tape (on the patch matrix).
        public let denseTape: Dense.Tape
        /// The number of images.
        public let batchSize: Int
    }

    /// The forward pass for training: the output `[B, outputSize]` and the tape.
    public func forward(_ input: Matrix) throws -> (output: Matrix, tape: Tape) {
        try validate(input)
        let (output, tape) = try dense.forward(geometry.patches(of: input))
        return (output.reshaped(rows: input.rows, columns: outputSize), Tape(denseTape: tape, batchSize: input.rows))
    }

    /// The backward pass: `[dL/dW, dL/db]` and, when asked, `dL/dx` `[B, inputSize]`.
    ///
    /// - Throws: `MBRLError.shapeMismatch` when the gradient does not fit the tape.
    public func backward(_ outputGradient: Matrix, tape: Tape,
                         needsInputGradient: Bool = true) throws -> (parameterGradients: [Matrix], inputGradient: Matrix?) {
        guard outputGradient.rows == tape.batchSize, outputGradient.columns == outputSize else {
            throw MBRLError.shapeMismatch(
                "the output gradient is \(outputGradient.rows) x \(outputGradient.columns), expected \(tape.batchSize) x \(outputSize)")
        }
        let perWindow = outputGradient.reshaped(rows: tape.batchSize * geometry.positionCount, columns: outputChannels)
        let (parameters, patchGradient) = try dense.backward(perWindow, tape: tape.denseTape, needsInputGradient: needsInputGradient)
        return (parameters, patchGradient.map { geometry.images(summing: $0, batchSize: tape.batchSize) })
    }

    // MARK: - Parameters

    /// `["weight", "bias"]`.
    public var parameterNames: [String] { dense.parameterNames }
    /// `[weight [k * k * in, out], bias [1, out]]`.
    public var parameters: [Matrix] { dense.parameters }

    public mutating func updateParameters<Result>(_ body: (inout [Matrix]) throws -> Result) rethrows -> Result {
        try dense.updateParameters(body)
    }

    func validate(_ input: Matrix) throws {
        guard input.columns == inputSize else {
            throw MBRLError.shapeMismatch(
                "the convolution takes images of \(geometry.channels) x \(geometry.height) x \(geometry.width) = \(inputSize) values, got rows of \(input.columns)")
        }
    }
}
