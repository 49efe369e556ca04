import Foundation
import MBRLCore

/// Settings of a `ContrastiveForwardModel` (encoder `g`, forward model `f`, similarity `h`) and
/// of its training.
///
/// Every key is optional; the frame size, the frames an observation stacks and the action space
/// come from the environment. The loss is InfoNCE over a batch of `B` transitions
/// `(o_i, a_i, o'_i)`, with `z_i = g(o_i)`, `ẑ_i = z_i + f(z_i, a_i)` and `z'_j = g(o'_j)`:
///
///     L = (1 / B) sum_i [ log sum_j h(ẑ_i, z'_j) - log h(ẑ_i, z'_i) ]
///
/// the next frame's encoding the positive and the other rows' next encodings the negatives.
/// Gradients reach the encoder through both sides.
///
/// ```swift
/// var config = ContrastiveModelConfig()            // 8-d latent, exp(-|z1 - z2|^2)
/// config.similarity = .dotProduct
/// let decoded = try JSONDecoder().decode(ContrastiveModelConfig.self, from: Data("""
///     {"latentSize": 16, "historyLength": 2, "batchSize": 256}
///     """.utf8))
/// ```
public struct ContrastiveModelConfig: DocumentedConfig, Equatable {
    /// The size of the latent state `z`. Default 8.
    public var latentSize: Int = 8
    /// The newest frames of an observation's stack the encoder reads (at most the frames the
    /// environment stacks). Default 1.
    public var historyLength: Int = 1
    /// Hidden widths of the encoder MLP `g`. Default `[256, 256]`.
    public var encoderHiddenSizes: [Int] = [256, 256]
    /// Hidden widths of the forward MLP `f(z, a) -> z' - z`. Default `[200, 200]`.
    public var forwardHiddenSizes: [Int] = [200, 200]
    /// The hidden layers' activation. Default `elu`.
    public var activation: Activation = .elu
    /// How weights are drawn. Default `glorot-uniform`.
    public var initializer: WeightInitializer = .glorotUniform
    /// The similarity `h`. Default `negative-squared-distance`.
    public var similarity: LatentSimilarity = .negativeSquaredDistance
    /// Passes over all stored transitions per fit. Default 20.
    public var epochs: Int = 20
    /// The most gradient steps per fit; 0 does not cap. Default 1,000.
    public var maxUpdatesPerFit: Int = 1000
    /// Transitions per minibatch (each row's negatives are the other `batchSize - 1`). Default 128.
    public var batchSize: Int = 128
    /// Adam's step size. Default 1e-3.
    public var learningRate: Float = 1e-3
    /// Clip the global gradient norm to this value; 0 does not clip. Default 100.
    public var maxGradientNorm: Float = 100

    /// The defaults.
    public init() {}
    public static var defaults: Self { Self() }

    /// One line per key, for `mbrl-run describe`.
    public static let keyDescriptions: [String: String] = [
        "latentSize": "size of the latent state z",
        "historyLength": "newest frames of the observation's stack the encoder reads",
        "encoderHiddenSizes": "hidden widths of the encoder MLP g(o) -> z",
        "forwardHiddenSizes": "hidden widths of the forward MLP f(z, a) -> z' - z",
        "activation": "hidden-layer activation of both networks",
        "initializer": "weight initialisation: glorot-uniform or truncated-normal",
        "similarity": "h(z1, z2): negative-squared-distance (exp(-|z1 - z2|^2)) or dot-product (exp(z1 . z2))",
        "epochs": "passes over all stored transitions per fit",
        "maxUpdatesPerFit": "most gradient steps per fit (0: no limit)",
        "batchSize": "transitions per minibatch; the other rows are each row's negatives",
        "learningRate": "Adam's step size",
        "maxGradientNorm": "clip the global gradient norm to this value (0: no clipping)",
    ]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case latentSize, historyLength, encoderHiddenSizes, forwardHiddenSizes, activation, initializer, similarity
        case epochs, maxUpdatesPerFit, batchSize, learningRate, maxGradientNorm
    }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = ContrastiveModelConfig()
        latentSize = try container.decode(Int.self, forKey: .latentSize, default: defaults.latentSize, in: 1...4096)
        historyLength = try container.decode(Int.self, forKey: .historyLength, default: defaults.historyLength, in: 1...16)
        encoderHiddenSizes = try Self.widths(container, .encoderHiddenSizes, defaults.encoderHiddenSizes)
        forwardHiddenSizes = try Self.widths(container, .forwardHiddenSizes, defaults.forwardHiddenSizes)
        activation = try container.decode(Activation.self, forKey: .activation, default: defaults.activation)
        initializer = try container.decode(WeightInitializer.self, forKey: .initializer, default: defaults.initializer)
        similarity = try container.decode(LatentSimilarity.self, forKey: .similarity, default: defaults.similarity)
        epochs = try container.decode(Int.self, forKey: .epochs, default: defaults.epochs, in: 1...100_000)
        maxUpdatesPerFit = try container.decode(Int.self, forKey: .maxUpdatesPerFit, default: defaults.maxUpdatesPerFit,
                                                in: 0...100_000_000)
        batchSize = try container.decode(Int.self, forKey: .batchSize, default: defaults.batchSize, in: 2...100_000)
        learningRate = try container.decode(Float.self, forKey: .learningRate, default: defaults.learningRate, in: 0...10)
        maxGradientNorm = try container.decode(Float.self, forKey: .maxGradientNorm, default: defaults.maxGradientNorm, in: 0...1e12)
    }

    /// A list of layer widths at `key`, each in 1...100,000.
    private static func widths(_ container: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys, _ defaultValue: [Int]) throws -> [Int] {
        let widths = try container.decode([Int].self, forKey: key, default: defaultValue)
        if let bad = widths.first(where: { $0 < 1 || $0 > 100_000 }) {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: container, debugDescription: "\(key.stringValue) must hold widths in 1...100000, got \(bad)")
        }
        return widths
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(latentSize, forKey: .latentSize)
        try container.encode(historyLength, forKey: .historyLength)
        try container.encode(encoderHiddenSizes, forKey: .encoderHiddenSizes)
        try container.encode(forwardHiddenSizes, forKey: .forwardHiddenSizes)
        try container.encode(activation, forKey: .activation)
        try container.encode(initializer, forKey: .initializer)
        try container.encode(similarity, forKey: .similarity)
        try container.encode(epochs, forKey: .epochs)
        try container.encode(maxUpdatesPerFit, forKey: .maxUpdatesPerFit)
        try container.encode(batchSize, forKey: .batchSize)
        try container.encode(learningRate, forKey: .learningRate)
        try container.encode(maxGradientNorm, forKey: .maxGradientNorm)
    }

    /// Checks the settings a programmatic caller may have set out of range.
    ///
    /// - Throws: `MBRLError.invalidArgument` naming the key.
    public func validate() throws {
        func require(_ condition: Bool, _ message: String) throws {
            if !condition { throw MBRLError.invalidArgument("contrastive model: \(message)") }
        }
        try require(latentSize >= 1, "latentSize must be at least 1, got \(latentSize)")
        try require(historyLength >= 1, "historyLength must be at least 1, got \(historyLength)")
        for (name, widths) in [("encoderHiddenSizes", encoderHiddenSizes), ("forwardHiddenSizes", forwardHiddenSizes)] {
            try require(widths.allSatisfy { $0 >= 1 }, "\(name) must hold positive widths, got \(widths)")
        }
        try require(epochs >= 1, "epochs must be at least 1, got \(epochs)")
        try require(maxUpdatesPerFit >= 0, "maxUpdatesPerFit must be 0 (no limit) or positive, got \(maxUpdatesPerFit)")
        try require(batchSize >= 2, "batchSize must be at least 2 (a row's negatives are the other rows), got \(batchSize)")
        try require(learningRate >= 0 && learningRate.isFinite, "learningRate must be a finite non-negative number, got \(learningRate)")
        try require(maxGradientNorm >= 0 && maxGradientNorm.isFinite, "maxGradientNorm must be 0 (no clipping) or positive, got \(maxGradientNorm)")
    }
}
