import MBRLCore

/// Settings of `ModelTrainer`: the optimiser, minibatches, the validation split, early stopping
/// and the multi-step loss.
///
/// Every key is optional. The defaults are mbrl-lib's PETS cartpole settings
/// (`mbrl/examples/conf/overrides/pets_cartpole.yaml`: `model_lr: 7.5e-4`, `model_wd: 3e-5`,
/// `model_batch_size: 256`, `validation_ratio: 0`, `num_epochs_train_model: 25`,
/// `patience: 25`) and its `ModelTrainer` (`mbrl/models/model_trainer.py`: Adam with coupled
/// weight decay, `optim_eps: 1e-8`, `improvement_threshold: 0.01`; bootstrap resamples drawn
/// with replacement as `get_basic_buffer_iterators(bootstrap_permutes=False)`).
///
/// ```swift
/// let config = try JSONDecoder().decode(ModelTrainerConfig.self, from: Data("""
///     {"learningRate": 1e-3, "validationRatio": 0.1, "epochs": 50, "patience": 5}
///     """.utf8))
/// var trainer = try ModelTrainer(config: config)
/// ```
public struct ModelTrainerConfig: DocumentedConfig, Equatable {
    /// `"adam"` (coupled L2 weight decay, as mbrl-lib's `torch.optim.Adam`) or `"adamw"`
    /// (decoupled). Default `adam`.
    public var optimizer: ModelOptimizerKind = .adam
    /// The step size. Default 7.5e-4 (mbrl-lib `model_lr`).
    public var learningRate: Float = 7.5e-4
    /// The weight decay. Default 3e-5 (mbrl-lib `model_wd`).
    public var weightDecay: Float = 3e-5
    /// Adam's epsilon. Default 1e-8 (mbrl-lib `optim_eps`).
    public var epsilon: Float = 1e-8
    /// Rows per member per minibatch. Default 256 (mbrl-lib `model_batch_size`).
    public var batchSize: Int = 256
    /// The fraction of transitions held out to score members. With 0 (mbrl-lib's cartpole
    /// default) members are scored on the training data, as mbrl-lib does. Default 0.
    public var validationRatio: Float = 0
    /// The most epochs per fit. Default 25 (mbrl-lib `num_epochs_train_model`).
    public var epochs: Int = 25
    /// Stop after this many epochs in a row without improvement; 0 never stops early.
    /// Default 25 (mbrl-lib `patience`).
    public var patience: Int = 25
    /// The relative decrease of a member's score that counts as improvement. Default 0.01
    /// (mbrl-lib `improvement_threshold`).
    public var improvementThreshold: Float = 0.01
    /// Each member trains on its own bootstrap resample (drawn with replacement) of the
    /// training data; when false every member sees all of it in its own order. Default true.
    public var bootstrap: Bool = true
    /// Steps the model is unrolled on its own predictions in the training loss (Oh et al.,
    /// 2015); 1 is the ordinary one-step loss. Default 1.
    public var multiStepLength: Int = 1
    /// Clip the global gradient norm to this value before each step; `nil` does not clip.
    /// Default `nil` (mbrl-lib does not clip).
    public var maxGradientNorm: Float? = nil

    /// The defaults.
    public init() {}
    public static var defaults: Self { Self() }

    /// A configuration with the given settings and defaults for the rest.
    public init(optimizer: ModelOptimizerKind = .adam, learningRate: Float = 7.5e-4, weightDecay: Float = 3e-5,
                epsilon: Float = 1e-8, batchSize: Int = 256, validationRatio: Float = 0, epochs: Int = 25,
                patience: Int = 25, improvementThreshold: Float = 0.01, bootstrap: Bool = true,
                multiStepLength: Int = 1, maxGradientNorm: Float? = nil) {
        self.optimizer = optimizer
        self.learningRate = learningRate
        self.weightDecay = weightDecay
        self.epsilon = epsilon
        self.batchSize = batchSize
        self.validationRatio = validationRatio
        self.epochs = epochs
        self.patience = patience
        self.improvementThreshold = improvementThreshold
        self.bootstrap = bootstrap
        self.multiStepLength = multiStepLength
        self.maxGradientNorm = maxGradientNorm
    }

    /// One line per key, for `mbrl-run describe`.
    public static let keyDescriptions: [String: String] = [
        "optimizer": "adam (coupled weight decay, as mbrl-lib) or adamw (decoupled)",
        "learningRate": "optimiser step size (mbrl-lib model_lr)",
        "weightDecay": "weight decay (mbrl-lib model_wd)",
        "epsilon": "Adam's epsilon",
        "batchSize": "rows per member per minibatch",
        "validationRatio": "fraction of transitions held out to score members and pick elites; 0 scores on the training data",
        "epochs": "most epochs per fit",
        "patience": "epochs without improvement before stopping; 0 never stops early",
        "improvementThreshold": "relative score decrease that counts as improvement",
        "bootstrap": "each member trains on its own bootstrap resample",
        "multiStepLength": "steps unrolled on the model's own predictions in the loss (1: one-step loss)",
        "maxGradientNorm": "clip the global gradient norm to this value; null does not clip",
    ]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case optimizer, learningRate, weightDecay, epsilon, batchSize, validationRatio, epochs, patience
        case improvementThreshold, bootstrap, multiStepLength, maxGradientNorm
    }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = ModelTrainerConfig()
        optimizer = try container.decode(ModelOptimizerKind.self, forKey: .optimizer, default: defaults.optimizer)
        learningRate = try container.decode(Float.self, forKey: .learningRate, default: defaults.learningRate, in: 0...10)
        weightDecay = try container.decode(Float.self, forKey: .weightDecay, default: defaults.weightDecay, in: 0...10)
        epsilon = try container.decode(Float.self, forKey: .epsilon, default: defaults.epsilon, in: 0...1)
        batchSize = try container.decode(Int.self, forKey: .batchSize, default: defaults.batchSize, in: 1...1_000_000)
        validationRatio = try container.decode(Float.self, forKey: .validationRatio, default: defaults.validationRatio, in: 0...0.9)
        epochs = try container.decode(Int.self, forKey: .epochs, default: defaults.epochs, in: 1...1_000_000)
        patience = try container.decode(Int.self, forKey: .patience, default: defaults.patience, in: 0...1_000_000)
        improvementThreshold = try container.decode(Float.self, forKey: .improvementThreshold,
                                                    default: defaults.improvementThreshold, in: 0...1)
        bootstrap = try container.decode(Bool.self, forKey: .bootstrap, default: defaults.bootstrap)
        multiStepLength = try container.decode(Int.self, forKey: .multiStepLength, default: defaults.multiStepLength, in: 1...1000)
        maxGradientNorm = try container.decodeIfPresent(Float.self, forKey: .maxGradientNorm)
        if let maxGradientNorm, !(maxGradientNorm > 0 && maxGradientNorm.isFinite) {
            throw DecodingError.dataCorruptedError(
                forKey: .maxGradientNorm, in: container,
                debugDescription: "maxGradientNorm must be a positive number or null, got \(maxGradientNorm)")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(optimizer, forKey: .optimizer)
        try container.encode(learningRate, forKey: .learningRate)
        try container.encode(weightDecay, forKey: .weightDecay)
        try container.encode(epsilon, forKey: .epsilon)
        try container.encode(batchSize, forKey: .batchSize)
        try container.encode(validationRatio, forKey: .validationRatio)
        try container.encode(epochs, forKey: .epochs)
        try container.encode(patience, forKey: .patience)
        try container.encode(improvementThreshold, forKey: .improvementThreshold)
        try container.encode(bootstrap, forKey: .bootstrap)
        try container.encode(multiStepLength, forKey: .multiStepLength)
        try container.encodeIfPresent(maxGradientNorm, forKey: .maxGradientNorm)
    }

    /// Checks the settings a programmatic caller may have set out of range.
    ///
    /// - Throws: `MBRLError.invalidArgument` naming the key.
    public func validate() throws {
        func require(_ condition: Bool, _ message: String) throws {
            if !condition { throw MBRLError.invalidArgument("model training: \(message)") }
        }
        try require(learningRate >= 0 && learningRate.isFinite, "learningRate must be a finite non-negative number, got \(learningRate)")
        try require(weightDecay >= 0 && weightDecay.isFinite, "weightDecay must be a finite non-negative number, got \(weightDecay)")
        try require(epsilon >= 0 && epsilon.isFinite, "epsilon must be a finite non-negative number, got \(epsilon)")
        try require(batchSize >= 1, "batchSize must be at least 1, got \(batchSize)")
        try require(validationRatio >= 0 && validationRatio <= 0.9, "validationRatio must be in 0...0.9, got \(validationRatio)")
        try require(epochs >= 1, "epochs must be at least 1, got \(epochs)")
        try require(patience >= 0, "patience must be 0 (never stop early) or positive, got \(patience)")
        try require(improvementThreshold >= 0 && improvementThreshold <= 1, "improvementThreshold must be in 0...1, got \(improvementThreshold)")
        try require(multiStepLength >= 1, "multiStepLength must be at least 1, got \(multiStepLength)")
        if let maxGradientNorm {
            try require(maxGradientNorm > 0 && maxGradientNorm.isFinite, "maxGradientNorm must be positive, got \(maxGradientNorm)")
        }
    }
}

/// The optimiser `ModelTrainer` uses.
public enum ModelOptimizerKind: String, Sendable, Codable, CaseIterable {
    /// Adam with the weight decay added to the gradient (`torch.optim.Adam`, as mbrl-lib).
    case adam
    /// AdamW: decoupled weight decay (`torch.optim.AdamW`).
    case adamW = "adamw"

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let kind = Self(rawValue: text.lowercased()) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "unknown optimizer \"\(text)\"\(NameSuggestions.hint(for: text, in: Self.allCases.map(\.rawValue))); valid: adam, adamw")
        }
        self = kind
    }
}
