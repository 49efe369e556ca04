import MBRLCore

extension SquashedGaussianMLPPolicy {
    /// Settings of the squashed Gaussian policy; every key is optional in a recipe. The defaults
    /// are pranz24's SAC as mbrl-lib's MBPO uses it (`hidden_size` 256 in two ReLU layers,
    /// Xavier-uniform weights) and Stable-Baselines3's SAC (`net_arch` [256, 256], ReLU).
    ///
    /// ```json
    /// {"hiddenSizes": [256, 256], "activation": "relu", "initializer": "glorot-uniform"}
    /// ```
    public struct Config: Sendable, Equatable {
        /// The widths of the hidden layers (default [256, 256]).
        public var hiddenSizes: [Int]
        /// The activation of every hidden layer (default ReLU).
        public var activation: Activation
        /// How the weights are drawn (default Glorot uniform, pranz24's `xavier_uniform_`).
        public var initializer: WeightInitializer

        /// Settings with the documented defaults unless given.
        public init(hiddenSizes: [Int] = [256, 256], activation: Activation = .relu,
                    initializer: WeightInitializer = .glorotUniform) {
            self.hiddenSizes = hiddenSizes
            self.activation = activation
            self.initializer = initializer
        }

        /// A one-line description of each key, for `mbrl-run describe`.
        public static let keyDescriptions: [String: String] = [
            "hiddenSizes": "widths of the hidden layers",
            "activation": "activation of every hidden layer",
            "initializer": "weight initialiser: \"glorot-uniform\" or \"truncated-normal\"",
        ]
    }
}

extension SquashedGaussianMLPPolicy.Config: Codable {
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

extension SquashedGaussianMLPPolicy.Config: DocumentedConfig {
    public static var defaults: Self { Self() }
}
