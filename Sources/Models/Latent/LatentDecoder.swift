import MBRLCore

/// A latent model's decoder: an MLP, then optional transposed convolutions up to the
/// observation's frames, `[B, latent] -> [B, raw]` (frames channel after channel).
///
/// With transposed convolutions of kernel `k` and stride `s`, the MLP outputs a small
/// `side x side` feature map whose side is the observation's side run backwards through
/// `side' = (side - k) / s + 1` (which must divide exactly: 32 with kernel 6 and stride 2 gives
/// 14 and then 5).
///
/// ```swift
/// var generator = RandomGenerator(seed: 0)
/// let decoder = try LatentDecoder(rawSize: 32 * 32, convolutionChannels: [32, 16], kernelSize: 6, stride: 2,
///                                 inputSize: 16, hiddenSizes: [256], activation: .elu,
///                                 initializer: .glorotUniform, generator: &generator)
/// let images = try decoder(latents)              // [B, 16] -> [B, 1024]
/// ```
public struct LatentDecoder: Sendable, Equatable, ParameterContainer {
    /// The MLP from the latent state.
    public internal(set) var network: MLP
    /// The transposed convolutions, first to last (empty for an MLP decoder).
    public internal(set) var convolutions: [TransposedConvolution2D]

    /// A decoder drawn from `generator` (the MLP first). `convolutionChannels` lists the
    /// feature channels before each transposed convolution, from the MLP's output on.
    ///
    /// - Throws: `MBRLError.invalidArgument` when the sizes do not divide as described above.
    public init(rawSize: Int, convolutionChannels: [Int], kernelSize: Int, stride: Int, inputSize: Int, hiddenSizes: [Int],
                activation: Activation, initializer: WeightInitializer, generator: inout RandomGenerator) throws {
        guard !convolutionChannels.isEmpty else {
            network = try MLP(inputSize: inputSize, hiddenSizes: hiddenSizes, outputSize: rawSize, activation: activation,
                              initializer: initializer, generator: &generator)
            convolutions = []
            return
        }
        guard let shape = LatentEncoder.imageShape(rawSize: rawSize) else {
            throw MBRLError.invalidArgument(
                "transposed convolutions need observations made of square frames; \(rawSize) entries are not channels x side x side")
        }
        var sides = [shape.side]
        for _ in convolutionChannels {
            let side = sides[0]
            guard side > kernelSize, (side - kernelSize) % stride == 0 else {
                throw MBRLError.invalidArgument(
                    "the decoder's transposed convolutions need (side - kernel) divisible by the stride at every layer; side \(side) with kernel \(kernelSize) and stride \(stride) does not (32 with kernel 6 and stride 2 does)")
            }
            sides.insert((side - kernelSize) / stride + 1, at: 0)
        }
        network = try MLP(inputSize: inputSize, hiddenSizes: hiddenSizes,
                          outputSize: sides[0] * sides[0] * convolutionChannels[0], activation: activation,
                          outputActivation: activation, initializer: initializer, generator: &generator)
        var layers: [TransposedConvolution2D] = []
        for (index, channels) in convolutionChannels.enumerated() {
            let isLast = index == convolutionChannels.count - 1
            layers.append(try TransposedConvolution2D(
                height: sides[index], width: sides[index], inputChannels: channels,
                outputChannels: isLast ? shape.channels : convolutionChannels[index + 1],
                kernelSize: kernelSize, stride: stride, outputLayout: isLast ? .channelsFirst : .channelsLast,
                activation: isLast ? .identity : activation, initializer: initializer, generator: &generator))
        }
        convolutions = layers
    }

    /// The latent size.
    public var inputSize: Int { network.inputSize }
    /// The raw observation size.
    public var outputSize: Int { convolutions.last?.outputSize ?? network.outputSize }

    /// `[B, latent] -> [B, raw]`.
    public func callAsFunction(_ input: Matrix) throws -> Matrix {
        var current = try network(input)
        for layer in convolutions { current = try layer(current) }
        return current
    }

    /// What `backward` needs from `forward`.
    public struct Tape: Sendable {
        let networkTape: MLP.Tape
        let convolutionTapes: [TransposedConvolution2D.Tape]
    }

    /// The forward pass for training: the output and the tape.
    public func forward(_ input: Matrix) throws -> (output: Matrix, tape: Tape) {
        var (current, networkTape) = try network.forward(input)
        var tapes: [TransposedConvolution2D.Tape] = []
        for layer in convolutions {
            let (output, tape) = try layer.forward(current)
            tapes.append(tape)
            current = output
        }
        return (current, Tape(networkTape: networkTape, convolutionTapes: tapes))
    }

    /// The backward pass: gradients in the order of `parameters`, and `dL/dx` when asked.
    public func backward(_ outputGradient: Matrix, tape: Tape,
                         needsInputGradient: Bool = true) throws -> (parameterGradients: [Matrix], inputGradient: Matrix?) {
        var upstream = outputGradient
        var gradients: [[Matrix]] = []
        for index in stride(from: convolutions.count - 1, through: 0, by: -1) {
            let (layerGradients, input) = try convolutions[index].backward(upstream, tape: tape.convolutionTapes[index])
            gradients.insert(layerGradients, at: 0)
            if let input { upstream = input }
        }
        let (networkGradients, input) = try network.backward(upstream, tape: tape.networkTape, needsInputGradient: needsInputGradient)
        return (networkGradients + gradients.flatMap { $0 }, input)
    }

    // MARK: - Parameters

    /// `layers.<i>.weight`, `.bias` of the MLP, then `convolutions.<i>.weight`, `.bias`.
    public var parameterNames: [String] {
        network.parameterNames + convolutions.indices.flatMap { ["convolutions.\($0).weight", "convolutions.\($0).bias"] }
    }

    /// The MLP's parameters, then the transposed convolutions'.
    public var parameters: [Matrix] { network.parameters + convolutions.flatMap(\.parameters) }

    public mutating func updateParameters<Result>(_ body: (inout [Matrix]) throws -> Result) rethrows -> Result {
        var list = parameters
        let result = try body(&list)
        let networkCount = network.parameters.count
        let head = Array(list[..<networkCount])
        network.updateParameters { $0 = head }
        var offset = networkCount
        for index in convolutions.indices {
            let part = Array(list[offset ..< offset + 2])
            convolutions[index].updateParameters { $0 = part }
            offset += 2
        }
        return result
    }
}
