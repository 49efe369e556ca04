import MBRLCore

extension CategoricalMLPPolicy {
    /// Settings of the categorical policy; every key is optional in a recipe. The defaults are
    /// Stable-Baselines3's on-policy `ActorCriticPolicy` as PPO, A2C and TRPO use it:
    /// `net_arch` [64, 64] with `activation_fn` `nn.Tanh`.
    ///
    /// ```json
    /// {"hiddenSizes": [64, 64], "activation": "tanh"}
    /// ```
    public struct Config: Sendable, Equatable {
        /// The widths of the hidden layers (default [64, 64], SB3's on-policy `net_arch`).
        public var hiddenSizes: [Int]
        /// The activation of every hidden layer (default tanh, SB3's on-policy `activation_fn`).
        public var activation: Activation
        /// How the weights are drawn (default Glorot uniform; SB3 uses orthogonal initialisation,
        /// which the framework does not have).
        public var initializer: WeightInitializer

        /// Settings with the documented defaults unless given.
        public init(hiddenSizes: [Int] = [64, 64], activation: Activation = .tanh,
                    initializer: WeightInitializer = .glorotUniform) {
            self.hiddenSizes = hiddenSizes
            self.activation = activation
            self.initializer = initializer
        }

        /// A one-line description of each key, for `mbrl-run describe`.
        public static let keyDescriptions: [String: String] = [
            "hiddenSizes": "widths of the hidden layers of the logits network",
            "activation": "activation of every hidden layer",
            "initializer": "weight initialiser: \"glorot-uniform\" or \"truncated-normal\"",
        ]
    }
}

extension CategoricalMLPPolicy.Config: Codable {
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

extension CategoricalMLPPolicy.Config: DocumentedConfig {
    public static var defaults: Self { Self() }
}
