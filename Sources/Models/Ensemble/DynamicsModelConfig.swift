import MBRLCore

/// Settings of a neural dynamics model (`DynamicsEnsemble`, `GaussianMLP`, `DeterministicMLP`)
/// and of its training.
///
/// Every key is optional; sizes that depend on the environment (observation and action sizes)
/// are never part of it. The defaults are mbrl-lib's PETS cartpole model
/// (`mbrl/examples/conf/dynamics_model/gaussian_mlp_ensemble.yaml`: `ensemble_size: 7`,
/// `num_layers: 4`, `hid_size: 200`, SiLU, `deterministic: false`; `overrides/pets_cartpole.yaml`:
/// `num_elites: 5`, `learned_rewards: false`; `algorithm`: `target_is_delta: true`,
/// `normalize: true`), except that the log-variance bounds are learned as in the PETS paper
/// (Chua et al., 2018, appendix A.1); mbrl-lib's cartpole config keeps them fixed
/// (`learn_logvar_bounds: false`).
///
/// ```swift
/// var config = DynamicsModelConfig()            // 7 x (4 x 200 SiLU) Gaussian ensemble, 5 elites
/// config.learnedReward = true
/// config.training.epochs = 50
/// let decoded = try JSONDecoder().decode(DynamicsModelConfig.self, from: Data("""
///     {"kind": "deterministic", "ensembleSize": 5, "hiddenSizes": [64, 64], "training": {"batchSize": 128}}
///     """.utf8))
/// ```
public struct DynamicsModelConfig: DocumentedConfig, Equatable {
    /// `deterministic` (mean squared error) or `gaussian` (mean and log-variance, Gaussian
    /// negative log-likelihood). Default `gaussian`.
    public var kind: DynamicsModelKind = .gaussian
    /// The number of members, each with its own initialisation (and bootstrap resample).
    /// Default 7.
    public var ensembleSize: Int = 7
    /// How many members, chosen by validation score after each fit, take part in predictions.
    /// Default 5 (clamped to `ensembleSize`).
    public var eliteCount: Int = 5
    /// The width of each hidden layer. Default four layers of 200.
    public var hiddenSizes: [Int] = [200, 200, 200, 200]
    /// The hidden layers' activation. Default `silu`.
    public var activation: Activation = .silu
    /// How weights are drawn. Default `truncated-normal` (mbrl-lib's `truncated_normal_init`).
    public var initializer: WeightInitializer = .truncatedNormal
    /// Predict the change of the observation, `s' - s`, instead of `s'`. Default true.
    public var targetIsDelta: Bool = true
    /// Observation dimensions predicted directly even when `targetIsDelta` (mbrl-lib's
    /// `no_delta_list`). Default none.
    public var noDeltaDimensions: [Int] = []
    /// Standardise the inputs (observation and encoded action) with statistics fitted on the
    /// training data. Default true.
    public var normalizeInputs: Bool = true
    /// Standardise the targets (and so the outputs) with statistics fitted on the training data.
    /// Default false (mbrl-lib normalises inputs only).
    public var normalizeOutputs: Bool = false
    /// Learn a reward head (the reward is one more regression output). Default false.
    public var learnedReward: Bool = false
    /// Learn a termination head (a logit trained by binary cross-entropy). Default false.
    public var learnedTermination: Bool = false
    /// Train the Gaussian log-variance bounds. Default false: the bounds stay at their initial
    /// values, as mbrl-lib's PETS configuration has it
    /// (`conf/dynamics_model/gaussian_mlp_ensemble.yaml`: `learn_logvar_bounds: false`).
    public var learnLogVarianceBounds: Bool = false
    /// The initial lower log-variance bound. Default -10 (mbrl-lib).
    public var minLogVariance: Float = LogVarianceBounds.defaultMinLogVariance
    /// The initial upper log-variance bound. Default 0.5 (mbrl-lib).
    public var maxLogVariance: Float = LogVarianceBounds.defaultMaxLogVariance
    /// The weight of `sum(maxLogVariance) - sum(minLogVariance)` in the loss. Default 0.01
    /// (mbrl-lib's `GaussianMLP._nll_loss`).
    public var boundPenaltyWeight: Float = LogVarianceBounds.defaultPenaltyWeight
    /// The weight of the termination head's cross-entropy in the loss. Default 1.
    public var terminationLossWeight: Float = 1
    /// Weight the termination head's positive rows by `negatives / positives` of each batch
    /// step, so rare terminations count as much as the rest (default true). The head's
    /// probabilities then overstate terminations, which makes plans and rollouts cautious.
    public var balanceTerminationClasses = true
    /// How the model is fitted (see `ModelTrainerConfig`).
    public var training = ModelTrainerConfig()

    /// The defaults.
    public init() {}
    public static var defaults: Self { Self() }

    /// A configuration with the given settings and defaults for the rest.
    public init(kind: DynamicsModelKind = .gaussian, ensembleSize: Int = 7, eliteCount: Int = 5,
                hiddenSizes: [Int] = [200, 200, 200, 200], activation: Activation = .silu,
                targetIsDelta: Bool = true, noDeltaDimensions: [Int] = [],
                normalizeInputs: Bool = true, normalizeOutputs: Bool = false,
                learnedReward: Bool = false, learnedTermination: Bool = false,
                learnLogVarianceBounds: Bool = false, training: ModelTrainerConfig = ModelTrainerConfig()) {
        self.kind = kind
        self.ensembleSize = ensembleSize
        self.eliteCount = eliteCount
        self.hiddenSizes = hiddenSizes
        self.activation = activation
        self.targetIsDelta = targetIsDelta
        self.noDeltaDimensions = noDeltaDimensions
        self.normalizeInputs = normalizeInputs
        self.normalizeOutputs = normalizeOutputs
        self.learnedReward = learnedReward
        self.learnedTermination = learnedTermination
        self.learnLogVarianceBounds = learnLogVarianceBounds
        self.training = training
    }

    /// One line per key, for `mbrl-run describe`.
    public static let keyDescriptions: [String: String] = [
        "kind": "deterministic (MSE) or gaussian (mean and log-variance, Gaussian NLL)",
        "ensembleSize": "members, each with its own initialisation and bootstrap resample",
        "eliteCount": "members with the best validation scores used for prediction",
        "hiddenSizes": "width of each hidden layer",
        "activation": "hidden-layer activation",
        "initializer": "weight initialisation: truncated-normal or glorot-uniform",
        "targetIsDelta": "predict s' - s instead of s'",
        "noDeltaDimensions": "observation dimensions predicted directly even when targetIsDelta",
        "normalizeInputs": "standardise inputs with statistics fitted on the data",
        "normalizeOutputs": "standardise targets with statistics fitted on the data",
        "learnedReward": "learn a reward head",
        "learnedTermination": "learn a termination head (logit, binary cross-entropy)",
        "learnLogVarianceBounds": "train the Gaussian log-variance soft bounds",
        "minLogVariance": "initial lower log-variance bound",
        "maxLogVariance": "initial upper log-variance bound",
        "boundPenaltyWeight": "weight of sum(maxLogVariance) - sum(minLogVariance) in the loss",
        "terminationLossWeight": "weight of the termination cross-entropy in the loss",
        "balanceTerminationClasses": "weight terminated rows by negatives/positives of each batch in the termination loss",
        "training": "how the model is fitted: optimizer, learningRate, weightDecay, batchSize, validationRatio, epochs, patience, ...",
    ]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case kind, ensembleSize, eliteCount, hiddenSizes, activation, initializer, targetIsDelta, noDeltaDimensions
        case normalizeInputs, normalizeOutputs, learnedReward, learnedTermination, learnLogVarianceBounds
        case minLogVariance, maxLogVariance, boundPenaltyWeight, terminationLossWeight, balanceTerminationClasses, training
    }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = DynamicsModelConfig()
        kind = try container.decode(DynamicsModelKind.self, forKey: .kind, default: defaults.kind)
        ensembleSize = try container.decode(Int.self, forKey: .ensembleSize, default: defaults.ensembleSize, in: 1...1024)
        eliteCount = try container.decode(Int.self, forKey: .eliteCount, default: defaults.eliteCount, in: 1...1024)
        hiddenSizes = try container.decode([Int].self, forKey: .hiddenSizes, default: defaults.hiddenSizes)
        activation = try container.decode(Activation.self, forKey: .activation, default: defaults.activation)
        initializer = try container.decode(WeightInitializer.self, forKey: .initializer, default: defaults.initializer)
        targetIsDelta = try container.decode(Bool.self, forKey: .targetIsDelta, default: defaults.targetIsDelta)
        noDeltaDimensions = try container.decode([Int].self, forKey: .noDeltaDimensions, default: defaults.noDeltaDimensions)
        normalizeInputs = try container.decode(Bool.self, forKey: .normalizeInputs, default: defaults.normalizeInputs)
        normalizeOutputs = try container.decode(Bool.self, forKey: .normalizeOutputs, default: defaults.normalizeOutputs)
        learnedReward = try container.decode(Bool.self, forKey: .learnedReward, default: defaults.learnedReward)
        learnedTermination = try container.decode(Bool.self, forKey: .learnedTermination, default: defaults.learnedTermination)
        learnLogVarianceBounds = try container.decode(Bool.self, forKey: .learnLogVarianceBounds,
                                                      default: defaults.learnLogVarianceBounds)
        minLogVariance = try container.decode(Float.self, forKey: .minLogVariance, default: defaults.minLogVariance, in: -100...100)
        maxLogVariance = try container.decode(Float.self, forKey: .maxLogVariance, default: defaults.maxLogVariance, in: -100...100)
        boundPenaltyWeight = try container.decode(Float.self, forKey: .boundPenaltyWeight,
                                                  default: defaults.boundPenaltyWeight, in: 0...1000)
        terminationLossWeight = try container.decode(Float.self, forKey: .terminationLossWeight,
                                                     default: defaults.terminationLossWeight, in: 0...1000)
        balanceTerminationClasses = try container.decode(Bool.self, forKey: .balanceTerminationClasses,
                                                         default: defaults.balanceTerminationClasses)
        training = try container.decode(ModelTrainerConfig.self, forKey: .training, default: defaults.training)
        if let bad = hiddenSizes.first(where: { $0 < 1 || $0 > 100_000 }) {
            throw DecodingError.dataCorruptedError(
                forKey: .hiddenSizes, in: container,
                debugDescription: "hiddenSizes must hold widths in 1...100000, got \(bad)")
        }
        guard minLogVariance < maxLogVariance else {
            throw DecodingError.dataCorruptedError(
                forKey: .minLogVariance, in: container,
                debugDescription: "minLogVariance (\(minLogVariance)) must be below maxLogVariance (\(maxLogVariance))")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kind, forKey: .kind)
        try container.encode(ensembleSize, forKey: .ensembleSize)
        try container.encode(eliteCount, forKey: .eliteCount)
        try container.encode(hiddenSizes, forKey: .hiddenSizes)
        try container.encode(activation, forKey: .activation)
        try container.encode(initializer, forKey: .initializer)
        try container.encode(targetIsDelta, forKey: .targetIsDelta)
        try container.encode(noDeltaDimensions, forKey: .noDeltaDimensions)
        try container.encode(normalizeInputs, forKey: .normalizeInputs)
        try container.encode(normalizeOutputs, forKey: .normalizeOutputs)
        try container.encode(learnedReward, forKey: .learnedReward)
        try container.encode(learnedTermination, forKey: .learnedTermination)
        try container.encode(learnLogVarianceBounds, forKey: .learnLogVarianceBounds)
        try container.encode(minLogVariance, forKey: .minLogVariance)
        try container.encode(maxLogVariance, forKey: .maxLogVariance)
        try container.encode(boundPenaltyWeight, forKey: .boundPenaltyWeight)
        try container.encode(terminationLossWeight, forKey: .terminationLossWeight)
        try container.encode(balanceTerminationClasses, forKey: .balanceTerminationClasses)
        try container.encode(training, forKey: .training)
    }

    /// The number of elites actually used: `eliteCount` clamped to `ensembleSize`.
    public var effectiveEliteCount: Int { max(1, min(eliteCount, ensembleSize)) }

    /// Checks the settings against the environment's sizes.
    ///
    /// - Throws: `MBRLError.invalidArgument` naming the key that is out of range.
    public func validate(observationSize: Int) throws {
        func require(_ condition: Bool, _ message: String) throws {
            if !condition { throw MBRLError.invalidArgument("dynamics model: \(message)") }
        }
        try require(observationSize >= 1, "the observation needs at least one entry, got \(observationSize)")
        try require(ensembleSize >= 1, "ensembleSize must be at least 1, got \(ensembleSize)")
        try require(eliteCount >= 1, "eliteCount must be at least 1, got \(eliteCount)")
        try require(hiddenSizes.allSatisfy { $0 >= 1 }, "hiddenSizes must be positive, got \(hiddenSizes)")
        try require(minLogVariance < maxLogVariance && minLogVariance.isFinite && maxLogVariance.isFinite,
                    "minLogVariance (\(minLogVariance)) must be below maxLogVariance (\(maxLogVariance))")
        try require(boundPenaltyWeight >= 0 && boundPenaltyWeight.isFinite, "boundPenaltyWeight must be non-negative")
        try require(terminationLossWeight >= 0 && terminationLossWeight.isFinite, "terminationLossWeight must be non-negative")
        if let bad = noDeltaDimensions.first(where: { $0 < 0 || $0 >= observationSize }) {
            throw MBRLError.invalidArgument(
                "dynamics model: noDeltaDimensions holds \(bad), but observations have dimensions 0..<\(observationSize)")
        }
        try training.validate()
    }
}
