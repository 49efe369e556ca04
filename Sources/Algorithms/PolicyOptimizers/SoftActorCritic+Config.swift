import MBRLCore

extension SoftActorCritic {
    /// `"sac"`'s recipe keys: the schedule, the actor, and the SAC update's settings
    /// (Stable-Baselines3's defaults: learning rate 3e-4, batch 256, tau 0.005, gamma 0.99, one
    /// gradient step per environment step, 100 learning starts, 2 x 256 ReLU networks,
    /// automatic entropy with target `-|A|`).
    public struct Config: DocumentedConfig, Equatable {
        /// Stored steps before the first update (SB3 `learning_starts`, default 100).
        public var learningStarts = 100
        /// Rows per minibatch (default 256).
        public var batchSize = 256
        /// Updates per training round (default 1).
        public var gradientSteps = 1
        /// Stored steps between training rounds (default 1).
        public var trainFrequency = 1
        /// The actor's network.
        public var actor = SquashedGaussianMLPPolicy.Config()
        /// The gradient step's settings (learning rate, discount, tau, temperature, critics).
        public var learner = SoftActorCriticConfig()

        public init() {}
        public static var defaults: Self { Self() }

        public static let keyDescriptions: [String: String] = [
            "learningStarts": "stored steps before the first update (SB3 learning_starts)",
            "batchSize": "rows per minibatch",
            "gradientSteps": "SAC updates per training round",
            "trainFrequency": "stored steps between training rounds",
            "actor": "the squashed Gaussian actor: hiddenSizes, activation, initializer",
        ].merging(SoftActorCriticConfig.keyDescriptions) { first, _ in first }

        enum ScheduleKeys: String, CodingKey, CaseIterable { case learningStarts, batchSize, gradientSteps, trainFrequency, actor }

        public init(from decoder: Decoder) throws {
            try decoder.rejectUnknownKeys(allowing: ScheduleKeys.allCases.map(\.rawValue) + SoftActorCriticConfig.CodingKeys.allCases.map(\.rawValue))
            let container = try decoder.container(keyedBy: ScheduleKeys.self)
            let defaults = Config()
            learningStarts = try container.decode(Int.self, forKey: .learningStarts, default: defaults.learningStarts, in: 0...Int.max)
            batchSize = try container.decode(Int.self, forKey: .batchSize, default: defaults.batchSize, in: 1...1_000_000)
            gradientSteps = try container.decode(Int.self, forKey: .gradientSteps, default: defaults.gradientSteps, in: 1...100_000)
            trainFrequency = try container.decode(Int.self, forKey: .trainFrequency, default: defaults.trainFrequency, in: 1...1_000_000)
            actor = try container.decode(SquashedGaussianMLPPolicy.Config.self, forKey: .actor, default: defaults.actor)
            learner = try SoftActorCriticConfig(fromKeysOf: decoder)
        }

        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: ScheduleKeys.self)
            try container.encode(learningStarts, forKey: .learningStarts)
            try container.encode(batchSize, forKey: .batchSize)
            try container.encode(gradientSteps, forKey: .gradientSteps)
            try container.encode(trainFrequency, forKey: .trainFrequency)
            try container.encode(actor, forKey: .actor)
            try learner.encode(to: encoder)
        }
    }
}
