import MBRLCore

/// Settings of a `LatentModel` (encoder, latent dynamics, decoder, reward head) and of its
/// training.
///
/// Every key is optional; the raw observation size and the action space come from the
/// environment. The loss is a weighted sum of per-row sums (mean over rows):
///
///     reconstructionWeight * |dec(z_t) - o_t|^2            every encoded frame t = 0...k
///   + predictionWeight     * |dec(s_t) - o_t|^2            open-loop predictions t = 1...k
///   + latentWeight         * |s_t - sg(enc(o_t))|^2        (Gaussian NLL for gaussian dynamics)
///   + rewardWeight         * (r(s_t, a_t, s_{t+1}) - r_t)^2   t = 0...k-1, rewards standardised
///   + klWeight             * KL(q(z | o) || N(0, I))       stochastic encoder only
///
/// where `s_0 = z_0 = enc(o_0)` and `s_{t+1} = s_t + f(s_t, a_t)` is the latent dynamics rolled
/// open loop for `k = multiStepLength` steps. `sg` is the stop-gradient of
/// `latentTargetGradient: "stop"` (the default); `"through"` lets the target's gradient reach
/// the encoder too.
///
/// ```swift
/// var config = LatentModelConfig()          // 16-d latent, 2 x 256 encoder/decoder, k = 3
/// config.multiStepLength = 5
/// config.stochasticEncoder = true
/// let decoded = try JSONDecoder().decode(LatentModelConfig.self, from: Data("""
///     {"latentSize": 8, "encoderHiddenSizes": [128], "rewardWeight": 5}
///     """.utf8))
/// ```
public struct LatentModelConfig: DocumentedConfig, Equatable {
    /// The size of the latent state `s`. Default 16.
    public var latentSize: Int = 16
    /// Observations the encoder sees at once: the current one and the `historyLength - 1`
    /// before it (oldest first; the first observation of an episode repeated before it), so
    /// that motion a single frame cannot show (a velocity) is visible. The loop passes the
    /// history to the planner. Default 1.
    public var historyLength: Int = 1
    /// Hidden widths of the encoder MLP `o -> z`. Default `[256, 256]`.
    public var encoderHiddenSizes: [Int] = [256, 256]
    /// Hidden widths of the decoder MLP `z -> o`. Default `[256, 256]`.
    public var decoderHiddenSizes: [Int] = [256, 256]
    /// Output channels of the convolutions before the encoder MLP (kernel
    /// `convolutionKernelSize`, stride `convolutionStride`, on the observation's square frames as
    /// channels); empty for an MLP encoder. Default `[]`.
    public var encoderConvolutionChannels: [Int] = []
    /// Feature channels before each transposed convolution after the decoder MLP (the last one
    /// produces the frames); empty for an MLP decoder. Default `[]`.
    public var decoderConvolutionChannels: [Int] = []
    /// The kernel side of every convolution. Default 6.
    public var convolutionKernelSize: Int = 6
    /// The stride of every convolution. Default 2.
    public var convolutionStride: Int = 2
    /// Hidden widths of each latent dynamics MLP `(s, a) -> s' - s`. Default `[200, 200]`.
    public var dynamicsHiddenSizes: [Int] = [200, 200]
    /// Hidden widths of the reward MLP `(s, a) -> r`. Default `[200, 200]`.
    public var rewardHiddenSizes: [Int] = [200, 200]
    /// The hidden layers' activation (all networks). Default `elu`.
    public var activation: Activation = .elu
    /// How weights are drawn. Default `glorot-uniform`.
    public var initializer: WeightInitializer = .glorotUniform
    /// `deterministic` (`s' = s + f(s, a)`, squared error to the target latent) or `gaussian`
    /// (a mean and a bounded log-variance, negative log-likelihood, reparameterised samples in
    /// rollouts). Default `deterministic`.
    public var dynamicsKind: DynamicsModelKind = .deterministic
    /// Latent dynamics networks with separate initial weights; planning routes particles
    /// through them as `planning.propagation` says. Default 1.
    public var ensembleSize: Int = 1
    /// The lower bound of a Gaussian dynamics log-variance. Default -8.
    public var minLogVariance: Float = -8
    /// The upper bound of a Gaussian dynamics log-variance. Default 1.
    public var maxLogVariance: Float = 1
    /// Encode to a Gaussian `q(z | o)` (mean and softplus standard deviation) sampled by
    /// reparameterisation, with a KL term to `N(0, I)`. Default false (deterministic encoder).
    public var stochasticEncoder: Bool = false
    /// The weight of the KL term (stochastic encoder only). Default 0.1.
    public var klWeight: Float = 0.1
    /// Steps `k` the latent dynamics is rolled open loop in the loss (1 is the one-step loss).
    /// Default 3.
    public var multiStepLength: Int = 3
    /// Whether the latent-prediction target `enc(o_{t+1})` passes gradient to the encoder:
    /// `stop` (default) or `through`.
    public var latentTargetGradient: LatentTargetGradient = .stop
    /// The weight of the reconstruction term. Default 1.
    public var reconstructionWeight: Float = 1
    /// The weight of the open-loop observation prediction term. Default 1.
    public var predictionWeight: Float = 1
    /// The weight of the latent prediction term. Default 1.
    public var latentWeight: Float = 1
    /// The weight of the reward term. Default 10.
    public var rewardWeight: Float = 10
    /// Feed the reward head the next latent state too, `r(s, a, s')`, for rewards that depend
    /// on where a step ends (a distance to a goal after the step); false is `r(s, a)`.
    /// Default true.
    public var rewardUsesNextLatent: Bool = true
    /// Standardise rewards with their mean and standard deviation over the data before fitting
    /// the reward head (predictions are mapped back). Default true.
    public var normalizeRewards: Bool = true
    /// Passes over all training windows per fit (see `maxUpdatesPerFit`). Default 5.
    public var epochs: Int = 5
    /// The most gradient steps per fit; 0 for no limit. Default 0.
    public var maxUpdatesPerFit: Int = 0
    /// Windows per minibatch. Default 32.
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
        "latentSize": "size of the latent state",
        "historyLength": "observations the encoder sees at once (the current one and those before it)",
        "encoderHiddenSizes": "hidden widths of the encoder MLP o -> z",
        "decoderHiddenSizes": "hidden widths of the decoder MLP z -> o",
        "encoderConvolutionChannels": "output channels of convolutions before the encoder MLP (empty: MLP encoder)",
        "decoderConvolutionChannels": "channels before each transposed convolution after the decoder MLP (empty: MLP decoder)",
        "convolutionKernelSize": "kernel side of every (transposed) convolution",
        "convolutionStride": "stride of every (transposed) convolution",
        "dynamicsHiddenSizes": "hidden widths of each latent dynamics MLP (s, a) -> s' - s",
        "rewardHiddenSizes": "hidden widths of the reward MLP (s, a) -> r",
        "activation": "hidden-layer activation of every network",
        "initializer": "weight initialisation: glorot-uniform or truncated-normal",
        "dynamicsKind": "deterministic (squared error) or gaussian (mean and log-variance, NLL)",
        "ensembleSize": "latent dynamics networks with separate initial weights",
        "minLogVariance": "lower bound of a gaussian dynamics log-variance",
        "maxLogVariance": "upper bound of a gaussian dynamics log-variance",
        "stochasticEncoder": "encode to a reparameterised Gaussian with a KL term to N(0, I)",
        "klWeight": "weight of the KL term (stochastic encoder only)",
        "multiStepLength": "steps the latent dynamics is rolled open loop in the loss (1: one-step)",
        "latentTargetGradient": "stop: the target enc(o') gets no gradient; through: it does",
        "reconstructionWeight": "weight of |dec(enc(o)) - o|^2",
        "predictionWeight": "weight of the open-loop observation prediction |dec(s_t) - o_t|^2",
        "latentWeight": "weight of the latent prediction |s_t - enc(o_t)|^2",
        "rewardWeight": "weight of the reward prediction (r(s, a) - r)^2",
        "rewardUsesNextLatent": "reward head r(s, a, s') (true) or r(s, a) (false)",
        "normalizeRewards": "standardise rewards before fitting the reward head",
        "epochs": "passes over all training windows per fit",
        "maxUpdatesPerFit": "most gradient steps per fit (0: no limit)",
        "batchSize": "windows per minibatch",
        "learningRate": "Adam's step size",
        "maxGradientNorm": "clip the global gradient norm to this value (0: no clipping)",
    ]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case latentSize, historyLength, encoderHiddenSizes, decoderHiddenSizes, encoderConvolutionChannels, decoderConvolutionChannels
        case convolutionKernelSize, convolutionStride, dynamicsHiddenSizes, rewardHiddenSizes
        case activation, initializer, dynamicsKind, ensembleSize, minLogVariance, maxLogVariance
        case stochasticEncoder, klWeight, multiStepLength, latentTargetGradient
        case reconstructionWeight, predictionWeight, latentWeight, rewardWeight, rewardUsesNextLatent, normalizeRewards
        case epochs, maxUpdatesPerFit, batchSize, learningRate, maxGradientNorm
    }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = LatentModelConfig()
        latentSize = try container.decode(Int.self, forKey: .latentSize, default: defaults.latentSize, in: 1...4096)
        historyLength = try container.decode(Int.self, forKey: .historyLength, default: defaults.historyLength, in: 1...16)
        encoderHiddenSizes = try Self.widths(container, .encoderHiddenSizes, defaults.encoderHiddenSizes)
        decoderHiddenSizes = try Self.widths(container, .decoderHiddenSizes, defaults.decoderHiddenSizes)
        encoderConvolutionChannels = try Self.widths(container, .encoderConvolutionChannels, defaults.encoderConvolutionChannels)
        decoderConvolutionChannels = try Self.widths(container, .decoderConvolutionChannels, defaults.decoderConvolutionChannels)
        convolutionKernelSize = try container.decode(Int.self, forKey: .convolutionKernelSize, default: defaults.convolutionKernelSize,
                                                     in: 1...64)
        convolutionStride = try container.decode(Int.self, forKey: .convolutionStride, default: defaults.convolutionStride, in: 1...64)
        dynamicsHiddenSizes = try Self.widths(container, .dynamicsHiddenSizes, defaults.dynamicsHiddenSizes)
        rewardHiddenSizes = try Self.widths(container, .rewardHiddenSizes, defaults.rewardHiddenSizes)
        activation = try container.decode(Activation.self, forKey: .activation, default: defaults.activation)
        initializer = try container.decode(WeightInitializer.self, forKey: .initializer, default: defaults.initializer)
        dynamicsKind = try container.decode(DynamicsModelKind.self, forKey: .dynamicsKind, default: defaults.dynamicsKind)
        ensembleSize = try container.decode(Int.self, forKey: .ensembleSize, default: defaults.ensembleSize, in: 1...64)
        minLogVariance = try container.decode(Float.self, forKey: .minLogVariance, default: defaults.minLogVariance, in: -30...10)
        maxLogVariance = try container.decode(Float.self, forKey: .maxLogVariance, default: defaults.maxLogVariance, in: -30...10)
        stochasticEncoder = try container.decode(Bool.self, forKey: .stochasticEncoder, default: defaults.stochasticEncoder)
        klWeight = try container.decode(Float.self, forKey: .klWeight, default: defaults.klWeight, in: 0...10_000)
        multiStepLength = try container.decode(Int.self, forKey: .multiStepLength, default: defaults.multiStepLength, in: 1...100)
        latentTargetGradient = try container.decode(LatentTargetGradient.self, forKey: .latentTargetGradient,
                                                    default: defaults.latentTargetGradient)
        reconstructionWeight = try container.decode(Float.self, forKey: .reconstructionWeight,
                                                    default: defaults.reconstructionWeight, in: 0...10_000)
        predictionWeight = try container.decode(Float.self, forKey: .predictionWeight, default: defaults.predictionWeight, in: 0...10_000)
        latentWeight = try container.decode(Float.self, forKey: .latentWeight, default: defaults.latentWeight, in: 0...10_000)
        rewardWeight = try container.decode(Float.self, forKey: .rewardWeight, default: defaults.rewardWeight, in: 0...10_000)
        rewardUsesNextLatent = try container.decode(Bool.self, forKey: .rewardUsesNextLatent, default: defaults.rewardUsesNextLatent)
        normalizeRewards = try container.decode(Bool.self, forKey: .normalizeRewards, default: defaults.normalizeRewards)
        epochs = try container.decode(Int.self, forKey: .epochs, default: defaults.epochs, in: 1...100_000)
        maxUpdatesPerFit = try container.decode(Int.self, forKey: .maxUpdatesPerFit, default: defaults.maxUpdatesPerFit,
                                                in: 0...100_000_000)
        batchSize = try container.decode(Int.self, forKey: .batchSize, default: defaults.batchSize, in: 1...100_000)
        learningRate = try container.decode(Float.self, forKey: .learningRate, default: defaults.learningRate, in: 0...10)
        maxGradientNorm = try container.decode(Float.self, forKey: .maxGradientNorm, default: defaults.maxGradientNorm,
                                               in: 0...1e12)
        guard minLogVariance < maxLogVariance else {
            throw DecodingError.dataCorruptedError(
                forKey: .minLogVariance, in: container,
                debugDescription: "minLogVariance (\(minLogVariance)) must be below maxLogVariance (\(maxLogVariance))")
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
        try container.encode(encoderConvolutionChannels, forKey: .encoderConvolutionChannels)
        try container.encode(decoderConvolutionChannels, forKey: .decoderConvolutionChannels)
        try container.encode(convolutionKernelSize, forKey: .convolutionKernelSize)
        try container.encode(convolutionStride, forKey: .convolutionStride)
        try container.encode(dynamicsHiddenSizes, forKey: .dynamicsHiddenSizes)
        try container.encode(rewardHiddenSizes, forKey: .rewardHiddenSizes)
        try container.encode(activation, forKey: .activation)
        try container.encode(initializer, forKey: .initializer)
        try container.encode(dynamicsKind, forKey: .dynamicsKind)
        try container.encode(ensembleSize, forKey: .ensembleSize)
        try container.encode(minLogVariance, forKey: .minLogVariance)
        try container.encode(maxLogVariance, forKey: .maxLogVariance)
        try container.encode(stochasticEncoder, forKey: .stochasticEncoder)
        try container.encode(klWeight, forKey: .klWeight)
        try container.encode(multiStepLength, forKey: .multiStepLength)
        try container.encode(latentTargetGradient, forKey: .latentTargetGradient)
        try container.encode(reconstructionWeight, forKey: .reconstructionWeight)
        try container.encode(predictionWeight, forKey: .predictionWeight)
        try container.encode(latentWeight, forKey: .latentWeight)
        try container.encode(rewardWeight, forKey: .rewardWeight)
        try container.encode(rewardUsesNextLatent, forKey: .rewardUsesNextLatent)
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
            if !condition { throw MBRLError.invalidArgument("latent model: \(message)") }
        }
        try require(latentSize >= 1, "latentSize must be at least 1, got \(latentSize)")
        try require(historyLength >= 1, "historyLength must be at least 1, got \(historyLength)")
        try require(convolutionKernelSize >= 1 && convolutionStride >= 1,
                    "convolutionKernelSize and convolutionStride must be positive, got \(convolutionKernelSize) and \(convolutionStride)")
        for (name, widths) in [("encoderHiddenSizes", encoderHiddenSizes), ("decoderHiddenSizes", decoderHiddenSizes),
                               ("encoderConvolutionChannels", encoderConvolutionChannels),
                               ("decoderConvolutionChannels", decoderConvolutionChannels),
                               ("dynamicsHiddenSizes", dynamicsHiddenSizes), ("rewardHiddenSizes", rewardHiddenSizes)] {
            try require(widths.allSatisfy { $0 >= 1 }, "\(name) must hold positive widths, got \(widths)")
        }
        try require(ensembleSize >= 1, "ensembleSize must be at least 1, got \(ensembleSize)")
        try require(minLogVariance.isFinite && maxLogVariance.isFinite && minLogVariance < maxLogVariance,
                    "minLogVariance (\(minLogVariance)) must be below maxLogVariance (\(maxLogVariance))")
        for (name, weight) in [("klWeight", klWeight), ("reconstructionWeight", reconstructionWeight),
                               ("predictionWeight", predictionWeight), ("latentWeight", latentWeight),
                               ("rewardWeight", rewardWeight)] {
            try require(weight >= 0 && weight.isFinite, "\(name) must be a finite non-negative number, got \(weight)")
        }
        try require(multiStepLength >= 1, "multiStepLength must be at least 1, got \(multiStepLength)")
        try require(epochs >= 1, "epochs must be at least 1, got \(epochs)")
        try require(maxUpdatesPerFit >= 0, "maxUpdatesPerFit must be 0 (no limit) or positive, got \(maxUpdatesPerFit)")
        try require(batchSize >= 1, "batchSize must be at least 1, got \(batchSize)")
        try require(learningRate >= 0 && learningRate.isFinite, "learningRate must be a finite non-negative number, got \(learningRate)")
        try require(maxGradientNorm >= 0 && maxGradientNorm.isFinite, "maxGradientNorm must be 0 (no clipping) or positive, got \(maxGradientNorm)")
    }
}

/// Whether the latent-prediction target `enc(o_{t+1})` passes gradient to the encoder.
///
/// In a recipe: `"stop"` (the target is a constant, as in the self-predictive losses of SPR and
/// BYOL; only the prediction side moves the encoder, so the encoder cannot lower the loss by
/// moving targets towards predictions) or `"through"` (both sides move; the reconstruction term
/// keeps the latent from collapsing).
public enum LatentTargetGradient: String, Sendable, Codable, CaseIterable {
    /// The target is treated as a constant.
    case stop
    /// The target's gradient reaches the encoder.
    case through

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = Self(rawValue: text.lowercased()) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "unknown latentTargetGradient \"\(text)\"\(NameSuggestions.hint(for: text, in: Self.allCases.map(\.rawValue))); valid: stop, through")
        }
        self = value
    }
}
