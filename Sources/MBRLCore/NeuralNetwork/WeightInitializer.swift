/// How a layer's weights are drawn; biases always start at zero.
///
/// In a recipe an initialiser is a name: `"truncated-normal"` (the default) or
/// `"glorot-uniform"` (also accepted: `"xavier-uniform"`).
///
/// ```swift
/// var generator = RandomGenerator(seed: 0)
/// let weights = WeightInitializer.truncatedNormal.weights(inputSize: 8, outputSize: 200,
///                                                          generator: &generator)   // [8, 200]
/// ```
public enum WeightInitializer: String, Sendable, Codable, Equatable, CaseIterable {
    /// A normal distribution with mean 0 and standard deviation `1 / (2 * sqrt(fanIn))`, with
    /// every draw outside two standard deviations redrawn: mbrl-lib's `truncated_normal_init`
    /// (mbrl/models/util.py) as PETS models use it.
    case truncatedNormal = "truncated-normal"
    /// Uniform on `[-a, a)` with `a = sqrt(6 / (fanIn + fanOut))` (Glorot and Bengio, 2010;
    /// PyTorch's `xavier_uniform_` with gain 1).
    case glorotUniform = "glorot-uniform"

    /// The recipe names.
    public static let names = allCases.map(\.rawValue)

    /// The initialiser with recipe name `name` (`"xavier-uniform"` is `glorotUniform`), or `nil`.
    public init?(name: String) {
        switch name.lowercased() {
        case "truncated-normal", "truncated_normal", "truncatednormal": self = .truncatedNormal
        case "glorot-uniform", "glorot_uniform", "glorotuniform", "xavier-uniform", "xavier_uniform": self = .glorotUniform
        default: return nil
        }
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        let name = try container.decode(String.self)
        guard let initializer = WeightInitializer(name: name) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "unknown weight initializer \"\(name)\"; valid names: \(WeightInitializer.names.joined(separator: ", "))")
        }
        self = initializer
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    /// The standard deviation of the truncated normal before truncation, `1 / (2 * sqrt(fanIn))`.
    public static func truncatedNormalStandardDeviation(inputSize: Int) -> Float {
        1 / (2 * Float(inputSize).squareRoot())
    }

    /// The bound `a` of the Glorot uniform range `[-a, a)`, `sqrt(6 / (fanIn + fanOut))`.
    public static func glorotUniformBound(inputSize: Int, outputSize: Int) -> Float {
        (6 / Float(inputSize + outputSize)).squareRoot()
    }

    /// A fresh `[inputSize, outputSize]` weight matrix, drawn row after row from `generator`.
    public func weights(inputSize: Int, outputSize: Int, generator: inout RandomGenerator) -> Matrix {
        var result = Matrix(rows: inputSize, columns: outputSize)
        fill(&result, inputSize: inputSize, outputSize: outputSize, generator: &generator)
        return result
    }

    /// Overwrites every entry of `matrix` with draws for a layer of `inputSize -> outputSize`.
    func fill(_ matrix: inout Matrix, inputSize: Int, outputSize: Int, generator: inout RandomGenerator) {
        switch self {
        case .truncatedNormal:
            let standardDeviation = Self.truncatedNormalStandardDeviation(inputSize: inputSize)
            matrix.withUnsafeMutableBufferPointer { buffer in
                for index in 0..<buffer.count {
                    buffer[index] = standardDeviation * TruncatedStandardNormal.sample(limit: 2, generator: &generator)
                }
            }
        case .glorotUniform:
            let bound = Self.glorotUniformBound(inputSize: inputSize, outputSize: outputSize)
            matrix.withUnsafeMutableBufferPointer { buffer in
                for index in 0..<buffer.count {
                    buffer[index] = generator.nextUniformFloat(in: -bound, bound)
                }
            }
        }
    }
}

/// Draws from a standard normal truncated to `[-limit, limit]` by rejection (redraw until inside),
/// as mbrl-lib's `truncated_normal_` does; at `limit = 2` about 4.6% of draws are redrawn.
private enum TruncatedStandardNormal {
    static func sample(limit: Float, generator: inout RandomGenerator) -> Float {
        while true {
            let draw = generator.nextStandardNormalFloat()
            if abs(draw) <= limit { return draw }
        }
    }
}
