import MBRLCore

/// Settings of `SoftActorCriticUpdate` (also `SoftActorCriticUpdate.Config`); every key is
/// optional in a recipe. The defaults are Stable-Baselines3's `SAC` (learning rate 3e-4 for
/// actor, critics and temperature, gamma 0.99, tau 0.005, target update every step,
/// `ent_coef="auto"` starting at 1, `target_entropy="auto"` = -|A|, twin 2 x 256 ReLU critics).
///
/// ```json
/// {"learningRate": 3e-4, "discount": 0.99, "tau": 0.005, "critics": {"criticCount": 2}}
/// ```
public struct SoftActorCriticConfig: DocumentedConfig, Equatable {
    /// The Adam step size of the actor, the critics and the temperature (default 3e-4).
    public var learningRate: Float
    /// The discount gamma (default 0.99).
    public var discount: Float
    /// The Polyak rate of the target critics (default 0.005).
    public var tau: Float
    /// Update the target critics every this many steps (default 1).
    public var targetUpdateInterval: Int
    /// The temperature alpha at the start (default 1, SB3's `"auto"`).
    public var initialTemperature: Float
    /// Tune the temperature toward `targetEntropy` (default true); false keeps it fixed.
    public var learnsTemperature: Bool
    /// The entropy the temperature is tuned toward; nil (default) for `-|A|`.
    public var targetEntropy: Float?
    /// The critics' architecture and count.
    public var critics: ActionValueCritics.Config

    /// Settings with the documented defaults unless given.
    public init(learningRate: Float = 3e-4, discount: Float = 0.99, tau: Float = 0.005, targetUpdateInterval: Int = 1,
                initialTemperature: Float = 1, learnsTemperature: Bool = true, targetEntropy: Float? = nil,
                critics: ActionValueCritics.Config = .defaults) {
        self.learningRate = learningRate
        self.discount = discount
        self.tau = tau
        self.targetUpdateInterval = targetUpdateInterval
        self.initialTemperature = initialTemperature
        self.learnsTemperature = learnsTemperature
        self.targetEntropy = targetEntropy
        self.critics = critics
    }

    /// The documented defaults.
    public static var defaults: SoftActorCriticConfig { SoftActorCriticConfig() }

    /// A one-line description of each key, for `mbrl-run describe`.
    public static let keyDescriptions: [String: String] = [
        "learningRate": "Adam step size of the actor, the critics and the temperature",
        "discount": "discount gamma of the critic targets",
        "tau": "Polyak rate of the target critics",
        "targetUpdateInterval": "update the target critics every this many steps",
        "initialTemperature": "entropy temperature alpha at the start",
        "learnsTemperature": "tune alpha toward targetEntropy (false: keep it fixed)",
        "targetEntropy": "entropy alpha is tuned toward (absent: minus the action size)",
        "critics": "the critics: hiddenSizes, activation, initializer, criticCount",
    ]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case learningRate, discount, tau, targetUpdateInterval, initialTemperature, learnsTemperature, targetEntropy, critics
    }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        try self.init(fromKeysOf: decoder)
    }

    /// Reads this config's keys from `decoder`, ignoring others (for configs that embed these
    /// keys among their own, such as the `"sac"` policy optimizer's).
    init(fromKeysOf decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = SoftActorCriticConfig()
        learningRate = try container.decode(Float.self, forKey: .learningRate, default: defaults.learningRate, in: 0...1)
        discount = try container.decode(Float.self, forKey: .discount, default: defaults.discount, in: 0...1)
        tau = try container.decode(Float.self, forKey: .tau, default: defaults.tau, in: 0...1)
        targetUpdateInterval = try container.decode(Int.self, forKey: .targetUpdateInterval,
                                                    default: defaults.targetUpdateInterval, in: 1...1_000_000)
        initialTemperature = try container.decode(Float.self, forKey: .initialTemperature, default: defaults.initialTemperature,
                                                  in: Float.leastNormalMagnitude...Float.greatestFiniteMagnitude)
        learnsTemperature = try container.decode(Bool.self, forKey: .learnsTemperature, default: defaults.learnsTemperature)
        targetEntropy = try container.decodeIfPresent(Float.self, forKey: .targetEntropy)
        critics = try container.decode(ActionValueCritics.Config.self, forKey: .critics, default: defaults.critics)
    }

    /// Throws `invalidArgument` naming the first setting out of range.
    public func validate() throws {
        func require(_ condition: Bool, _ message: String) throws {
            if !condition { throw MBRLError.invalidArgument(message) }
        }
        try require(learningRate >= 0 && learningRate.isFinite, "learningRate must be finite and at least 0, got \(learningRate)")
        try require(discount >= 0 && discount <= 1, "discount must be in [0, 1], got \(discount)")
        try require(tau >= 0 && tau <= 1, "tau must be in [0, 1], got \(tau)")
        try require(targetUpdateInterval >= 1, "targetUpdateInterval must be at least 1, got \(targetUpdateInterval)")
        try require(initialTemperature > 0 && initialTemperature.isFinite,
                    "initialTemperature must be positive and finite, got \(initialTemperature)")
        try require(targetEntropy?.isFinite ?? true, "targetEntropy must be finite, got \(String(describing: targetEntropy))")
        try critics.validate()
    }
}
