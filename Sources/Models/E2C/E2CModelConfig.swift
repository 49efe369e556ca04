import MBRLCore

/// Settings of an `E2CModel` (Embed to Control: Watter, Springenberg, Boedecker and Riedmiller,
/// "Embed to Control: A Locally Linear Latent Dynamics Model for Control from Raw Images",
/// NeurIPS 2015) and of its training.
///
/// Every key is optional; the raw observation size and the action space come from the
/// environment. For a transition `(x_t, u_t, r_t, x_{t+1})` the loss (mean over rows) is
///
///     reconstructionWeight * |dec(z_t) - x_t|^2                       z_t ~ q(z | x_t)
///   + predictionWeight     * |dec(ẑ_{t+1}) - x_{t+1}|^2               ẑ_{t+1} = A z_t + B u_t + o
///   + klWeight             * KL(q(z | x_t) || N(0, I))
///   + consistencyWeight    * KL(Q̂(z | z_t, u_t) || q(z | x_{t+1}))     Q̂ = N(A μ_t + B u_t + o, A Σ_t Aᵀ)
///   + rewardWeight         * (r(z_t, u_t) - r_t)^2                    rewards standardised
///
/// with `q(z | x) = N(μ(x), diag σ(x)^2)` from the encoder and `A = I + v rᵀ`, `B`, `o` from the
/// transition network `h(z_t)` (the paper's low-rank form). The paper's Bernoulli/Gaussian
/// image likelihood is a squared error here, and its loss has no reward term (it plans on a
/// quadratic cost to a goal image); the reward head is this framework's addition so that the
/// model plans on the same learned reward as `LatentModel`.
///
/// ```swift
/// var config = E2CModelConfig()             // 3-d latent as the paper's pendulum
/// config.consistencyWeight = 1
/// let decoded = try JSONDecoder().decode(E2CModelConfig.self, from: Data("""
///     {"latentSize": 4, "transitionHiddenSizes": [100, 100]}
///     """.utf8))
/// ```
public struct E2CModelConfig: DocumentedConfig, Equatable {
    /// The size of the latent state `z`. Default 3 (the paper's pendulum).
    public var latentSize: Int = 3
    /// Observations the encoder sees at once (the current one and those before it, oldest
    /// first); planners are given that history. Default 1 (`PendulumPixels-v1` already stacks
    /// two frames in one observation).
    public var historyLength: Int = 1
    /// Hidden widths of the encoder MLP `x -> (μ, σ)`. Default `[256, 256]` (the paper: 800, 800).
    public var encoderHiddenSizes: [Int] = [256, 256]
    /// Hidden widths of the decoder MLP `z -> x`. Default `[256, 256]` (the paper: 800, 800).
    public var decoderHiddenSizes: [Int] = [256, 256]
    /// Hidden widths of the transition MLP `z -> (v, r, B, o)`. Default `[100, 100]` (the paper's).
    public var transitionHiddenSizes: [Int] = [100, 100]
    /// Hidden widths of the reward MLP `(z, u) -> r`. Default `[200, 200]`.
    public var rewardHiddenSizes: [Int] = [200, 200]
    /// The hidden layers' activation (all networks). Default `elu` (smooth, so `A(z)` is).
    public var activation: Activation = .elu
    /// How weights are drawn. Default `glorot-uniform`.
    public var initializer: WeightInitializer = .glorotUniform
    /// The weight of `|dec(z_t) - x_t|^2`. Default 1.
    public var reconstructionWeight: Float = 1
    /// The weight of `|dec(ẑ_{t+1}) - x_{t+1}|^2`. Default 1.
    public var predictionWeight: Float = 1
    /// The weight of `KL(q(z | x_t) || N(0, I))`. Default 0.1.
    public var klWeight: Float = 0.1
    /// The paper's `λ`, the weight of the consistency term `KL(Q̂ || q(z | x_{t+1}))`. Default 0.5.
    public var consistencyWeight: Float = 0.5
    /// The weight of `(r(z_t, u_t) - r_t)^2`. Default 1.
    public var rewardWeight: Float = 1
    /// Standardise rewards before fitting the reward head. Default true.
    public var normalizeRewards: Bool = true
    /// Passes over all transitions per fit (see `maxUpdatesPerFit`). Default 5.
    public var epochs: Int = 5
    /// The most gradient steps per fit; 0 for no limit. Default 0.
    public var maxUpdatesPerFit: Int = 0
    /// Transitions per minibatch. Default 32.
    public var batchSize: Int = 32
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
        "historyLength": "observations the encoder sees at once (the current one and those before it)",
        "encoderHiddenSizes": "hidden widths of the encoder MLP x -> (mean, deviation)",
        "decoderHiddenSizes": "hidden widths of the decoder MLP z -> x",
        "transitionHiddenSizes": "hidden widths of the transition MLP z -> (v, r, B, o), A = I + v r^T",
        "rewardHiddenSizes": "hidden widths of the reward MLP (z, u) -> r",
        "activation": "hidden-layer activation of every network",
        "initializer": "weight initialisation: glorot-uniform or truncated-normal",
        "reconstructionWeight": "weight of |dec(z_t) - x_t|^2",
        "predictionWeight": "weight of |dec(A z_t + B u_t + o) - x_{t+1}|^2",
        "klWeight": "weight of KL(q(z | x_t) || N(0, I))",
        "consistencyWeight": "lambda: weight of KL(N(A mu + B u + o, A Sigma A^T) || q(z | x_{t+1}))",
        "rewardWeight": "weight of the reward prediction (r(z, u) - r)^2",
        "normalizeRewards": "standardise rewards before fitting the reward head",
        "epochs": "passes over all transitions per fit",
        "maxUpdatesPerFit": "most gradient steps per fit (0: no limit)",
        "batchSize": "transitions per minibatch",
        "learningRate": "Adam's step size",
        "maxGradientNorm": "clip the global gradient norm to this value (0: no clipping)",
    ]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case latentSize, historyLength, encoderHiddenSizes, decoderHiddenSizes, transitionHiddenSizes, rewardHiddenSizes
        case activation, initializer
        case reconstructionWeight, predictionWeight, klWeight, consistencyWeight, rewardWeight, normalizeRewards
        case epochs, maxUpdatesPerFit, batchSize, learningRate, maxGradientNorm
    }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = E2CModelConfig()
        latentSize = try container.decode(Int.self, forKey: .latentSize, default: defaults.latentSize, in: 1...256)
        historyLength = try container.decode(Int.self, forKey: .historyLength, default: defaults.historyLength, in: 1...16)
        encoderHiddenSizes = try Self.widths(container, .encoderHiddenSizes, defaults.encoderHiddenSizes)
        decoderHiddenSizes = try Self.widths(container, .decoderHiddenSizes, defaults.decoderHiddenSizes)
        transitionHiddenSizes = try Self.widths(container, .transitionHiddenSizes, defaults.transitionHiddenSizes)
        rewardHiddenSizes = try Self.widths(container, .rewardHiddenSizes, defaults.rewardHiddenSizes)
        activation = try container.decode(Activation.self, forKey: .activation, default: defaults.activation)
        initializer = try container.decode(WeightInitializer.self, forKey: .initializer, default: defaults.initializer)
        reconstructionWeight = try container.decode(Float.self, forKey: .reconstructionWeight,
                                                    default: defaults.reconstructionWeight, in: 0...10_000)
        predictionWeight = try container.decode(Float.self, forKey: .predictionWeight, default: defaults.predictionWeight, in: 0...10_000)
        klWeight = try container.decode(Float.self, forKey: .klWeight, default: defaults.klWeight, in: 0...10_000)
        consistencyWeight = try container.decode(Float.self, forKey: .consistencyWeight, default: defaults.consistencyWeight,
                                                 in: 0...10_000)
        rewardWeight = try container.decode(Float.self, forKey: .rewardWeight, default: defaults.rewardWeight, in: 0...10_000)
        normalizeRewards = try container.decode(Bool.self, forKey: .normalizeRewards, default: defaults.normalizeRewards)
        epochs = try container.decode(Int.self, forKey: .epochs, default: defaults.epochs, in: 1...100_000)
        maxUpdatesPerFit = try container.decode(Int.self, forKey: .maxUpdatesPerFit, default: defaults.maxUpdatesPerFit,
                                                in: 0...100_000_000)
        batchSize = try container.decode(Int.self, forKey: .batchSize, default: defaults.batchSize, in: 1...100_000)
        learningRate = try container.decode(Float.self, forKey: .learningRate, default: defaults.learningRate, in: 0...10)
        maxGradientNorm = try container.decode(Float.self, forKey: .maxGradientNorm, default: defaults.maxGradientNorm, in: 0...1e12)
        if reconstructionWeight == 0 && predictionWeight == 0 {
            throw DecodingError.dataCorruptedError(
                forKey: .reconstructionWeight, in: container,
                debugDescription: "E2C needs its decoder: reconstructionWeight and predictionWeight cannot both be 0 (the latent space would collapse)")
        }
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
        try container.encode(decoderHiddenSizes, forKey: .decoderHiddenSizes)
        try container.encode(transitionHiddenSizes, forKey: .transitionHiddenSizes)
        try container.encode(rewardHiddenSizes, forKey: .rewardHiddenSizes)
        try container.encode(activation, forKey: .activation)
        try container.encode(initializer, forKey: .initializer)
        try container.encode(reconstructionWeight, forKey: .reconstructionWeight)
        try container.encode(predictionWeight, forKey: .predictionWeight)
        try container.encode(klWeight, forKey: .klWeight)
        try container.encode(consistencyWeight, forKey: .consistencyWeight)
        try container.encode(rewardWeight, forKey: .rewardWeight)
        try container.encode(normalizeRewards, forKey: .normalizeRewards)
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
            if !condition { throw MBRLError.invalidArgument("E2C model: \(message)") }
        }
        try require(latentSize >= 1, "latentSize must be at least 1, got \(latentSize)")
        try require(historyLength >= 1, "historyLength must be at least 1, got \(historyLength)")
        for (name, widths) in [("encoderHiddenSizes", encoderHiddenSizes), ("decoderHiddenSizes", decoderHiddenSizes),
                               ("transitionHiddenSizes", transitionHiddenSizes), ("rewardHiddenSizes", rewardHiddenSizes)] {
            try require(widths.allSatisfy { $0 >= 1 }, "\(name) must hold positive widths, got \(widths)")
        }
        for (name, weight) in [("reconstructionWeight", reconstructionWeight), ("predictionWeight", predictionWeight),
                               ("klWeight", klWeight), ("consistencyWeight", consistencyWeight), ("rewardWeight", rewardWeight)] {
            try require(weight >= 0 && weight.isFinite, "\(name) must be a finite non-negative number, got \(weight)")
        }
        try require(reconstructionWeight > 0 || predictionWeight > 0,
                    "E2C needs its decoder: reconstructionWeight and predictionWeight cannot both be 0 (the latent space would collapse)")
        try require(epochs >= 1, "epochs must be at least 1, got \(epochs)")
        try require(maxUpdatesPerFit >= 0, "maxUpdatesPerFit must be 0 (no limit) or positive, got \(maxUpdatesPerFit)")
        try require(batchSize >= 1, "batchSize must be at least 1, got \(batchSize)")
        try require(learningRate >= 0 && learningRate.isFinite, "learningRate must be a finite non-negative number, got \(learningRate)")
        try require(maxGradientNorm >= 0 && maxGradientNorm.isFinite, "maxGradientNorm must be 0 (no clipping) or positive, got \(maxGradientNorm)")
    }
}
