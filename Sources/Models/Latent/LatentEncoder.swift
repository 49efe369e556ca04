import MBRLCore

/// A latent model's encoder: optional convolutions over the observation's frames, then an MLP,
/// `[B, raw] -> [B, out]`.
///
/// The input is `historyLength` observations one after the other, each read as square frames of
/// `side x side` pixels, channel after channel (`PixelObservation`'s stacked frames):
/// `LatentEncoder.imageShape(rawSize:)`.
///
/// ```swift
/// var generator = RandomGenerator(seed: 0)
/// let encoder = try LatentEncoder(rawSize: 2 * 32 * 32, convolutionChannels: [16, 32], kernelSize: 6, stride: 2,
///                                 hiddenSizes: [256], outputSize: 16, activation: .elu,
///                                 initializer: .glorotUniform, generator: &generator)
/// let latents = try encoder(frames)              // [B, 2048] -> [B, 16]
/// ```
public struct LatentEncoder: Sendable, Equatable, ParameterContainer {
    /// The convolutions, first to last (empty for an MLP encoder).
    public internal(set) var convolutions: [Convolution2D]
    /// The MLP after the convolutions.
    public internal(set) var network: MLP

    /// An encoder of `historyLength` observations of `rawSize` entries each, drawn from
    /// `generator` (convolutions first; the observations' frames are the input channels).
    ///
    /// - Throws: `MBRLError.invalidArgument` when the raw size is not square frames but
    ///   convolutions are asked for, or a kernel does not fit.
    public init(rawSize: Int, historyLength: Int = 1, convolutionChannels: [Int], kernelSize: Int, stride: Int, hiddenSizes: [Int],
                outputSize: Int, activation: Activation, initializer: WeightInitializer, generator: inout RandomGenerator) throws {
        var convolutions: [Convolution2D] = []
        var featureSize = rawSize * historyLength
        if !convolutionChannels.isEmpty {
            guard let shape = Self.imageShape(rawSize: rawSize) else {
                throw MBRLError.invalidArgument(
                    "convolutions need observations made of square frames; \(rawSize) entries are not channels x side x side")
            }
            var (channels, side) = (shape.channels * historyLength, shape.side)
            for (index, outputChannels) in convolutionChannels.enumerated() {
                guard side >= kernelSize else {
                    throw MBRLError.invalidArgument(
                        "encoder convolution \(index) gets \(side) x \(side) images, smaller than the \(kernelSize) x \(kernelSize) kernel; use fewer convolutions or a smaller kernel")
                }
                let layer = try Convolution2D(height: side, width: side, inputChannels: channels, outputChannels: outputChannels,
                                              kernelSize: kernelSize, stride: stride,
                                              inputLayout: index == 0 ? .channelsFirst : .channelsLast,
                                              activation: activation, initializer: initializer, generator: &generator)
                convolutions.append(layer)
                side = layer.geometry.outputHeight
                channels = outputChannels
                featureSize = layer.outputSize
            }
        }
        self.convolutions = convolutions
        network = try MLP(inputSize: featureSize, hiddenSizes: hiddenSizes, outputSize: outputSize, activation: activation,
                          initializer: initializer, generator: &generator)
    }

    /// `(channels, side)` for `rawSize = channels * side * side` with the fewest channels (at most
    /// 16), or `nil` when no such split exists: 2,048 entries are two 32 x 32 frames.
    public static func imageShape(rawSize: Int) -> (channels: Int, side: Int)? {
        for channels in 1...16 where rawSize % channels == 0 {
            let side = Int(Double(rawSize / channels).squareRoot().rounded())
            if side * side == rawSize / channels { return (channels, side) }
        }
        return nil
    }

    /// The raw observation size.
    public var inputSize: Int { convolutions.first?.inputSize ?? network.inputSize }
    /// The output size.
    public var outputSize: Int { network.outputSize }

    /// `[B, raw] -> [B, out]`.
    public func callAsFunction(_ input: Matrix) throws -> Matrix {
        var current = input
        for layer in convolutions { current = try layer(current) }
        return try network(current)
    }

    /// What `backward` needs from `forward`.
    public struct Tape: Sendable {
        let convolutionTapes: [Convolution2D.Tape]
        let networkTape: MLP.Tape
    }

    /// The forward pass for training: the output and the tape.
    public func forward(_ input: Matrix) throws -> (output: Matrix, tape: Tape) {
        var current = input
        var tapes: [Convolution2D.Tape] = []
        for layer in convolutions {
            let (output, tape) = try layer.forward(current)
            tapes.append(tape)
            current = output
        }
        let (output, networkTape) = try network.forward(current)
        return (output, Tape(convolutionTapes: tapes, networkTape: networkTape))
    }

    /// The backward pass: gradients in the order of `parameters`, and `dL/dx` when asked.
    public func backward(_ outputGradient: Matrix, tape: Tape,
                         needsInputGradient: Bool = true) throws -> (parameterGradients: [Matrix], inputGradient: Matrix?) {
        let (networkGradients, networkInput) = try network.backward(
            outputGradient, tape: tape.networkTape, needsInputGradient: needsInputGradient || !convolutions.isEmpty)
        var gradients: [[Matrix]] = []
        var upstream = networkInput
        for index in stride(from: convolutions.count - 1, through: 0, by: -1) {
            guard let current = upstream else { break }
            let (layerGradients, input) = try convolutions[index].backward(
                current, tape: tape.convolutionTapes[index], needsInputGradient: index > 0 || needsInputGradient)
            gradients.insert(layerGradients, at: 0)
            upstream = input
        }
        return (gradients.flatMap { $0 } + networkGradients, needsInputGradient ? upstream : nil)
    }

    // MARK: - Parameters

    /// `convolutions.<i>.weight`, `.bias`, then `layers.<i>.weight`, `.bias` of the MLP.
    public var parameterNames: [String] {
        convolutions.indices.flatMap { ["convolutions.\($0).weight", "convolutions.\($0).bias"] } + network.parameterNames
    }

    /// The convolutions' parameters, then the MLP's.
    public var parameters: [Matrix] { convolutions.flatMap(\.parameters) + network.parameters }

    public mutating func updateParameters<Result>(_ body: (inout [Matrix]) throws -> Result) rethrows -> Result {
        var list = parameters
        let result = try body(&list)
        var offset = 0
        for index in convolutions.indices {
            let part = Array(list[offset ..< offset + 2])
            convolutions[index].updateParameters { $0 = part }
            offset += 2
        }
        let rest = Array(list[offset...])
        network.updateParameters { $0 = rest }
        return result
    }
}
