import MBRLCore

extension EpsilonGreedyQPolicy {
    /// Settings of the Q-network; every key is optional in a recipe. The defaults are
    /// Stable-Baselines3's `DQNPolicy`: `net_arch` [64, 64] with ReLU.
    ///
    /// ```json
    /// {"hiddenSizes": [256, 256], "activation": "relu"}
    /// ```
    public struct Config: Sendable, Equatable {
        /// The widths of the hidden layers (default [64, 64], SB3's DQN `net_arch`).
        public var hiddenSizes: [Int]
        /// The activation of every hidden layer (default ReLU).
        public var activation: Activation
        /// How the weights are drawn (default Glorot uniform; PyTorch's `nn.Linear` default,
        /// which SB3 keeps, is Kaiming uniform with a = sqrt(5)).
        public var initializer: WeightInitializer

        /// Settings with the documented defaults unless given.
        public init(hiddenSizes: [Int] = [64, 64], activation: Activation = .relu,
                    initializer: WeightInitializer = .glorotUniform) {
            self.hiddenSizes = hiddenSizes
            self.activation = activation
            self.initializer = initializer
        }

        /// A one-line description of each key, for `mbrl-run describe`.
        public static let keyDescriptions: [String: String] = [
            "hiddenSizes": "widths of the hidden layers of the Q-network",
            "activation": "activation of every hidden layer",
            "initializer": "weight initialiser: \"glorot-uniform\" or \"truncated-normal\"",
        ]
    }
}

extension EpsilonGreedyQPolicy.Config: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable { case hiddenSizes, activation, initializer }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = Self()
        hiddenSizes = try PolicyConfigDecoding.hiddenSizes(container, .hiddenSizes, default: defaults.hiddenSizes)
        activation = try container.decode(Activation.self, forKey: .activation, default: defaults.activation)
        initializer = try container.decode(WeightInitializer.self, forKey: .initializer, default: defaults.initializer)
    }
}

extension EpsilonGreedyQPolicy.Config: DocumentedConfig {
    public static var defaults: Self { Self() }
}
