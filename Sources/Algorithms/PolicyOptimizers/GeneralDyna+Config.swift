import MBRLCore

extension GeneralDyna {
    /// Where the first action of a simulated transition comes from.
    public enum ActionSource: String, Sendable, Codable, CaseIterable {
        /// The action stored with the real start state (later steps: the current policy).
        case buffer
        /// The current epsilon-greedy policy, at every step.
        case policy
        /// Uniformly at random, at every step.
        case uniform
    }

    /// `"dyna"`'s recipe keys: every `"dqn"` key (the same defaults) plus the simulation's.
    ///
    /// ```json
    /// {"type": "dyna", "rolloutStarts": 4096, "rolloutLength": 1, "actionSource": "uniform", "realRatio": 0.5}
    /// ```
    public struct Config: DocumentedConfig, Equatable {
        /// Real start states drawn before every training round (default 1,024).
        public var rolloutStarts = 1_024
        /// Model steps per start state (default 1).
        public var rolloutLength = 1
        /// Where simulated actions come from (default `"policy"`).
        public var actionSource = ActionSource.policy
        /// The fraction of each batch drawn from the real buffer, the rest from the pool
        /// (default 0.5).
        public var realRatio: Float = 0.5
        /// Simulated transitions the pool keeps, the oldest dropped first (default 100,000).
        public var modelPoolCapacity = 100_000
        /// The DQN schedule and update (every `"dqn"` key).
        public var learner = DeepQNetwork.Config()

        public init() {}
        public static var defaults: Self { Self() }

        public static let keyDescriptions: [String: String] = [
            "rolloutStarts": "real start states drawn before every training round",
            "rolloutLength": "model steps per start state",
            "actionSource": "first simulated action: \"buffer\" (the stored one), \"policy\" (epsilon-greedy) or \"uniform\"",
            "realRatio": "fraction of each batch drawn from real transitions (the rest simulated)",
            "modelPoolCapacity": "simulated transitions kept (oldest dropped first)",
        ].merging(DeepQNetwork.Config.keyDescriptions) { first, _ in first }

        enum DynaKeys: String, CodingKey, CaseIterable {
            case rolloutStarts, rolloutLength, actionSource, realRatio, modelPoolCapacity
        }

        public init(from decoder: Decoder) throws {
            try decoder.rejectUnknownKeys(allowing: DynaKeys.allCases.map(\.rawValue) + DeepQNetwork.Config.keyNames)
            let container = try decoder.container(keyedBy: DynaKeys.self)
            let defaults = Config()
            rolloutStarts = try container.decode(Int.self, forKey: .rolloutStarts, default: defaults.rolloutStarts, in: 1...10_000_000)
            rolloutLength = try container.decode(Int.self, forKey: .rolloutLength, default: defaults.rolloutLength, in: 1...10_000)
            actionSource = try DynaConfigCheck.choice(container, .actionSource, default: defaults.actionSource)
            realRatio = try container.decode(Float.self, forKey: .realRatio, default: defaults.realRatio, in: 0...1)
            modelPoolCapacity = try container.decode(Int.self, forKey: .modelPoolCapacity, default: defaults.modelPoolCapacity,
                                                     in: 1...100_000_000)
            learner = try DeepQNetwork.Config(fromKeysOf: decoder)
        }

        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: DynaKeys.self)
            try container.encode(rolloutStarts, forKey: .rolloutStarts)
            try container.encode(rolloutLength, forKey: .rolloutLength)
            try container.encode(actionSource, forKey: .actionSource)
            try container.encode(realRatio, forKey: .realRatio)
            try container.encode(modelPoolCapacity, forKey: .modelPoolCapacity)
            try learner.encode(to: encoder)
        }

        /// Throws `invalidArgument` naming the first setting out of range.
        public func validate() throws {
            func require(_ condition: Bool, _ message: String) throws {
                if !condition { throw MBRLError.invalidArgument(message) }
            }
            try require(rolloutStarts >= 1, "rolloutStarts must be at least 1, got \(rolloutStarts)")
            try require(rolloutLength >= 1, "rolloutLength must be at least 1, got \(rolloutLength)")
            try require(realRatio >= 0 && realRatio <= 1, "realRatio must be in [0, 1], got \(realRatio)")
            try require(modelPoolCapacity >= 1, "modelPoolCapacity must be at least 1, got \(modelPoolCapacity)")
            try learner.validate()
        }
    }
}
