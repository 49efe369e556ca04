import MBRLCore

extension DeepQNetwork {
    /// `"dqn"`'s recipe keys: the schedule, the exploration, and the DQN update's settings
    /// (Stable-Baselines3's `DQN` defaults: learning rate 1e-4, batch 32, 100 learning starts,
    /// one gradient step every 4 steps, target network copied every 10,000 steps, epsilon from
    /// 1 to 0.05, gamma 0.99, gradients clipped to norm 10, a [64, 64] ReLU Q-network; plus
    /// double-DQN targets).
    public struct Config: DocumentedConfig, Equatable {
        /// Stored steps before the first update (SB3 `learning_starts`, default 100).
        public var learningStarts = 100
        /// Rows per minibatch (default 32).
        public var batchSize = 32
        /// Updates per training round (SB3 `gradient_steps`, default 1).
        public var gradientSteps = 1
        /// Stored steps between training rounds (SB3 `train_freq`, default 4).
        public var trainFrequency = 4
        /// Stored steps between target-network updates (SB3 `target_update_interval`, counted in
        /// environment steps, default 10,000).
        public var targetUpdateInterval = 10_000
        /// Epsilon at the start (SB3 `exploration_initial_eps`, default 1).
        public var explorationInitialEpsilon: Float = 1
        /// Epsilon after the decay (SB3 `exploration_final_eps`, default 0.05).
        public var explorationFinalEpsilon: Float = 0.05
        /// Steps over which epsilon falls (SB3's `exploration_fraction * total_timesteps`;
        /// default 10,000, SB3's fraction 0.1 of 100,000 steps).
        public var explorationDecaySteps = 10_000
        /// The DQN update's settings (learning rate, discount, tau, clipping, double Q, network).
        public var learner = DeepQNetworkConfig()

        public init() {}
        public static var defaults: Self { Self() }

        public static let keyDescriptions: [String: String] = [
            "learningStarts": "stored steps before the first update (SB3 learning_starts)",
            "batchSize": "rows per minibatch",
            "gradientSteps": "DQN updates per training round (SB3 gradient_steps)",
            "trainFrequency": "stored steps between training rounds (SB3 train_freq)",
            "targetUpdateInterval": "stored steps between target-network updates (SB3 target_update_interval)",
            "explorationInitialEpsilon": "epsilon at the start",
            "explorationFinalEpsilon": "epsilon once the decay is over",
            "explorationDecaySteps": "steps over which epsilon falls linearly (SB3 exploration_fraction x total steps)",
        ].merging(DeepQNetworkConfig.keyDescriptions) { first, _ in first }

        enum ScheduleKeys: String, CodingKey, CaseIterable {
            case learningStarts, batchSize, gradientSteps, trainFrequency, targetUpdateInterval
            case explorationInitialEpsilon, explorationFinalEpsilon, explorationDecaySteps
        }

        /// Every key this config reads.
        static let keyNames = ScheduleKeys.allCases.map(\.rawValue) + DeepQNetworkConfig.CodingKeys.allCases.map(\.rawValue)

        public init(from decoder: Decoder) throws {
            try decoder.rejectUnknownKeys(allowing: Self.keyNames)
            try self.init(fromKeysOf: decoder)
        }

        /// Reads this config's keys from `decoder`, ignoring others (for `"dyna"`'s config).
        init(fromKeysOf decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: ScheduleKeys.self)
            let defaults = Config()
            learningStarts = try container.decode(Int.self, forKey: .learningStarts, default: defaults.learningStarts, in: 0...Int.max)
            batchSize = try container.decode(Int.self, forKey: .batchSize, default: defaults.batchSize, in: 1...1_000_000)
            gradientSteps = try container.decode(Int.self, forKey: .gradientSteps, default: defaults.gradientSteps, in: 1...100_000)
            trainFrequency = try container.decode(Int.self, forKey: .trainFrequency, default: defaults.trainFrequency, in: 1...1_000_000)
            targetUpdateInterval = try container.decode(Int.self, forKey: .targetUpdateInterval,
                                                        default: defaults.targetUpdateInterval, in: 1...Int.max)
            explorationInitialEpsilon = try container.decode(Float.self, forKey: .explorationInitialEpsilon,
                                                             default: defaults.explorationInitialEpsilon, in: 0...1)
            explorationFinalEpsilon = try container.decode(Float.self, forKey: .explorationFinalEpsilon,
                                                           default: defaults.explorationFinalEpsilon, in: 0...1)
            explorationDecaySteps = try container.decode(Int.self, forKey: .explorationDecaySteps,
                                                         default: defaults.explorationDecaySteps, in: 0...Int.max)
            learner = try DeepQNetworkConfig(fromKeysOf: decoder)
        }

        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: ScheduleKeys.self)
            try container.encode(learningStarts, forKey: .learningStarts)
            try container.encode(batchSize, forKey: .batchSize)
            try container.encode(gradientSteps, forKey: .gradientSteps)
            try container.encode(trainFrequency, forKey: .trainFrequency)
            try container.encode(targetUpdateInterval, forKey: .targetUpdateInterval)
            try container.encode(explorationInitialEpsilon, forKey: .explorationInitialEpsilon)
            try container.encode(explorationFinalEpsilon, forKey: .explorationFinalEpsilon)
            try container.encode(explorationDecaySteps, forKey: .explorationDecaySteps)
            try learner.encode(to: encoder)
        }

        /// Throws `invalidArgument` naming the first setting out of range.
        public func validate() throws {
            func require(_ condition: Bool, _ message: String) throws {
                if !condition { throw MBRLError.invalidArgument(message) }
            }
            try require(learningStarts >= 0, "learningStarts must be at least 0, got \(learningStarts)")
            try require(batchSize >= 1, "batchSize must be at least 1, got \(batchSize)")
            try require(gradientSteps >= 1, "gradientSteps must be at least 1, got \(gradientSteps)")
            try require(trainFrequency >= 1, "trainFrequency must be at least 1, got \(trainFrequency)")
            try require(targetUpdateInterval >= 1, "targetUpdateInterval must be at least 1, got \(targetUpdateInterval)")
            try require((0...1).contains(explorationInitialEpsilon) && (0...1).contains(explorationFinalEpsilon),
                        "exploration epsilons must be in [0, 1]")
            try require(explorationDecaySteps >= 0, "explorationDecaySteps must be at least 0, got \(explorationDecaySteps)")
            try learner.validate()
        }
    }
}
