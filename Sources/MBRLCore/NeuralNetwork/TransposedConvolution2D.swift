/// A 2-D transposed convolution without padding (the adjoint of `Convolution2D`'s window
/// sweep), `y = activation(convT(x, W) + b)`: each input pixel spreads its channels through a
/// `k x k` kernel onto the output, windows `stride` pixels apart, overlaps summed.
///
/// Input `[B, height * width * inputChannels]` channels-last; output
/// `[B, outputChannels * outputHeight * outputWidth]` in `outputLayout` with
/// `outputHeight = (height - 1) * stride + kernelSize` (likewise the width). The weight is
/// `[inputChannels, k * k * outputChannels]` (column `(ky * k + kx) * outputChannels + c`),
/// the bias `[1, outputChannels]`. Forward: one GEMM `[B * h * w, in] -> [B * h * w, k * k * out]`
/// and `Convolution2DGeometry.images(summing:)`; backward: the patches of the output gradient
/// and two GEMMs.
///
/// ```swift
/// var generator = RandomGenerator(seed: 0)
/// let layer = try TransposedConvolution2D(height: 14, width: 14, inputChannels: 32, outputChannels: 1,
///                                         kernelSize: 6, stride: 2, outputLayout: .channelsFirst,
///                                         generator: &generator)
/// let images = try layer(features)                 // [B, 14 * 14 * 32] -> [B, 32 * 32]
/// ```
public struct TransposedConvolution2D: Sendable, Equatable, ParameterContainer {
    /// The geometry of the output image (whose windows are the input pixels).
    public let outputGeometry: Convolution2DGeometry
    /// The input channels.
    public let inputChannels: Int
    /// `[inputChannels, k * k * outputChannels]`.
    public internal(set) var weight: Matrix
    /// `[1, outputChannels]`.
    public internal(set) var bias: Matrix
    /// The activation applied after the bias.
    public var activation: Activation

    /// A layer whose input is a `height x width x inputChannels` image; weights drawn by
    /// `initializer` (fan-in `inputChannels`, fan-out `k * k * outputChannels`), zero bias.
    ///
    /// - Throws: `MBRLError.invalidArgument` when a size is not positive.
    public init(height: Int, width: Int, inputChannels: Int, outputChannels: Int, kernelSize: Int, stride: Int,
                outputLayout: Convolution2DGeometry.ImageLayout = .channelsLast, activation: Activation = .identity,
                initializer: WeightInitializer = .glorotUniform, generator: inout RandomGenerator) throws {
        guard height > 0, width > 0, inputChannels > 0, outputChannels > 0, kernelSize > 0, stride > 0 else {
            throw MBRLError.invalidArgument(
                "a transposed convolution needs positive sizes, got a \(height) x \(width) x \(inputChannels) input, \(outputChannels) output channels, kernel \(kernelSize), stride \(stride)")
        }
        outputGeometry = try Convolution2DGeometry(
            height: (height - 1) * stride + kernelSize, width: (width - 1) * stride + kernelSize, channels: outputChannels,
            kernelSize: kernelSize, stride: stride, layout: outputLayout)
        self.inputChannels = inputChannels
        weight = initializer.weights(inputSize: inputChannels, outputSize: outputGeometry.patchSize, generator: &generator)
        bias = Matrix(rows: 1, columns: outputChannels)
        self.activation = activation
    }

    /// Input rows and columns (the output geometry's window positions).
    public var inputHeight: Int { outputGeometry.outputHeight }
    public var inputWidth: Int { outputGeometry.outputWidth }
    /// Output channels.
    public var outputChannels: Int { outputGeometry.channels }
    /// Values per input image.
    public var inputSize: Int { outputGeometry.positionCount * inputChannels }
    /// Values per output image.
    public var outputSize: Int { outputGeometry.imageSize }

    /// The layer applied to every image: `[B, inputSize] -> [B, outputSize]`.
    public func callAsFunction(_ input: Matrix) throws -> Matrix {
        try forward(input).output
    }

    /// What `backward` needs from `forward`.
    public struct Tape: Sendable {
        /// The input viewed as one pixel per row, `[B * h * w, inputChannels]`.
        public let pixels: Matrix
        /// The output `[B, outputSize]`.
        public let output: Matrix
        /// The values before the activation, when its derivative needs them.
        public let preActivation: Matrix?
    }

    /// The forward pass for training: the output `[B, outputSize]` and the tape.
    ///
    /// - Throws: `MBRLError.shapeMismatch` when the rows do not have `inputSize` values.
    public func forward(_ input: Matrix) throws -> (output: Matrix, tape: Tape) {
        guard input.columns == inputSize else {
            throw MBRLError.shapeMismatch(
                "the transposed convolution takes \(inputHeight) x \(inputWidth) x \(inputChannels) = \(inputSize) values per image, got \(input.columns)")
        }
        let pixels = input.reshaped(rows: input.rows * outputGeometry.positionCount, columns: inputChannels)
        var preActivation = outputGeometry.images(summing: pixels.matmul(weight), batchSize: input.rows)
        let channels = outputChannels, channelsFirst = outputGeometry.layout == .channelsFirst
        let planeSize = outputGeometry.height * outputGeometry.width
        preActivation.withUnsafeMutableBufferPointer { buffer in
            for index in 0..<buffer.count {
                let channel = channelsFirst ? (index % outputSize) / planeSize : index % channels
                buffer[index] += bias.values[channel]
            }
        }
        let output = activation.applied(to: preActivation)
        return (output, Tape(pixels: pixels, output: output, preActivation: activation.backwardNeedsPreActivation ? preActivation : nil))
    }

    /// The backward pass: `[dL/dW, dL/db]` and, when asked, `dL/dx` `[B, inputSize]`.
    ///
    /// - Throws: `MBRLError.shapeMismatch` when the gradient does not fit the tape.
    public func backward(_ outputGradient: Matrix, tape: Tape,
                         needsInputGradient: Bool = true) throws -> (parameterGradients: [Matrix], inputGradient: Matrix?) {
        guard outputGradient.rows == tape.output.rows, outputGradient.columns == outputSize else {
            throw MBRLError.shapeMismatch(
                "the output gradient is \(outputGradient.rows) x \(outputGradient.columns), expected \(tape.output.rows) x \(outputSize)")
        }
        let preActivationGradient = try activation.backward(outputGradient: outputGradient, output: tape.output,
                                                            preActivation: tape.preActivation)
        var biasGradient = [Float](repeating: 0, count: outputChannels)
        let channels = outputChannels, channelsFirst = outputGeometry.layout == .channelsFirst
        let planeSize = outputGeometry.height * outputGeometry.width
        preActivationGradient.withUnsafeBufferPointer { buffer in
            for index in 0..<buffer.count {
                biasGradient[channelsFirst ? (index % outputSize) / planeSize : index % channels] += buffer[index]
            }
        }
        let patchGradient = outputGeometry.patches(of: preActivationGradient)        // [B * h * w, k * k * out]
        let weightGradient = tape.pixels.matmul(patchGradient, transposeSelf: true, transposeOther: false)
        let inputGradient = needsInputGradient
            ? patchGradient.matmul(weight, transposeSelf: false, transposeOther: true)
                .reshaped(rows: tape.output.rows, columns: inputSize)
            : nil
        return ([weightGradient, Matrix(row: biasGradient)], inputGradient)
    }

    // MARK: - Parameters

    /// `["weight", "bias"]`.
    public var parameterNames: [String] { ["weight", "bias"] }
    /// `[weight [in, k * k * out], bias [1, out]]`.
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
}
