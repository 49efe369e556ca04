import MBRLCore

extension ActionValueCritics {
    /// Settings of the action-value critics; every key is optional in a recipe. The defaults are
    /// Stable-Baselines3's SAC (`net_arch` [256, 256], ReLU, `n_critics` 2).
    ///
    /// ```json
    /// {"hiddenSizes": [256, 256], "activation": "relu", "criticCount": 2}
    /// ```
    public struct Config: DocumentedConfig, Equatable {
        /// The widths of the hidden layers (default [256, 256]).
        public var hiddenSizes: [Int]
        /// The hidden layers' activation (default ReLU).
        public var activation: Activation
        /// How the weights are drawn (default Glorot uniform).
        public var initializer: WeightInitializer
        /// The number of critics `K`, at least 1 (default 2: clipped double Q-learning).
        public var criticCount: Int

        /// Settings with the documented defaults unless given.
        public init(hiddenSizes: [Int] = [256, 256], activation: Activation = .relu,
                    initializer: WeightInitializer = .glorotUniform, criticCount: Int = 2) {
            self.hiddenSizes = hiddenSizes
            self.activation = activation
            self.initializer = initializer
            self.criticCount = criticCount
        }

        /// The documented defaults.
        public static var defaults: Config { Config() }

        /// A one-line description of each key, for `mbrl-run describe`.
        public static let keyDescriptions: [String: String] = [
            "hiddenSizes": "widths of the hidden layers of each critic",
            "activation": "hidden-layer activation",
            "initializer": "weight initialiser: truncated-normal or glorot-uniform",
            "criticCount": "number of Q-networks; targets and the actor use their minimum",
        ]

        enum CodingKeys: String, CodingKey, CaseIterable {
            case hiddenSizes, activation, initializer, criticCount
        }

        public init(from decoder: Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let defaults = Config()
            hiddenSizes = try container.decode([Int].self, forKey: .hiddenSizes, default: defaults.hiddenSizes)
            activation = try container.decode(Activation.self, forKey: .activation, default: defaults.activation)
            initializer = try container.decode(WeightInitializer.self, forKey: .initializer, default: defaults.initializer)
            criticCount = try container.decode(Int.self, forKey: .criticCount, default: defaults.criticCount, in: 1...64)
            try validate()
        }

        /// Throws `invalidArgument` naming the first setting out of range.
        public func validate() throws {
            guard hiddenSizes.allSatisfy({ $0 > 0 }) else {
                throw MBRLError.invalidArgument("hiddenSizes must all be positive, got \(hiddenSizes)")
            }
            guard criticCount >= 1 else {
                throw MBRLError.invalidArgument("criticCount must be at least 1, got \(criticCount)")
            }
        }
    }
}
