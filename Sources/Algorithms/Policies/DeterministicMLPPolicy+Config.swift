import MBRLCore

extension DeterministicMLPPolicy {
    /// Settings of the deterministic policy; every key is optional in a recipe. The defaults are
    /// Fujimoto's TD3 (`TD3.py`: two hidden layers of 256 with ReLU; `main.py`: `expl_noise` 0.1
    /// of the maximal action).
    ///
    /// ```json
    /// {"hiddenSizes": [400, 300], "explorationNoise": 0.1}
    /// ```
    public struct Config: Sendable, Equatable {
        /// The widths of the hidden layers (default [256, 256]).
        public var hiddenSizes: [Int]
        /// The activation of every hidden layer (default ReLU).
        public var activation: Activation
        /// The exploration noise's standard deviation in units of the box's half-width (default 0.1).
        public var explorationNoise: Float
        /// How the weights are drawn (default Glorot uniform).
        public var initializer: WeightInitializer

        /// Settings with the documented defaults unless given.
        public init(hiddenSizes: [Int] = [256, 256], activation: Activation = .relu, explorationNoise: Float = 0.1,
                    initializer: WeightInitializer = .glorotUniform) {
            self.hiddenSizes = hiddenSizes
            self.activation = activation
            self.explorationNoise = explorationNoise
            self.initializer = initializer
        }

        /// A one-line description of each key, for `mbrl-run describe`.
        public static let keyDescriptions: [String: String] = [
            "hiddenSizes": "widths of the hidden layers",
            "activation": "activation of every hidden layer",
            "explorationNoise": "standard deviation of the Gaussian exploration noise, in units of the action box's half-width",
            "initializer": "weight initialiser: \"glorot-uniform\" or \"truncated-normal\"",
        ]
    }
}

extension DeterministicMLPPolicy.Config: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable { case hiddenSizes, activation, explorationNoise, initializer }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = Self()
        hiddenSizes = try PolicyConfigDecoding.hiddenSizes(container, .hiddenSizes, default: defaults.hiddenSizes)
        activation = try container.decode(Activation.self, forKey: .activation, default: defaults.activation)
        explorationNoise = try container.decode(Float.self, forKey: .explorationNoise, default: defaults.explorationNoise, in: 0...100)
        initializer = try container.decode(WeightInitializer.self, forKey: .initializer, default: defaults.initializer)
    }
}

extension DeterministicMLPPolicy.Config: DocumentedConfig {
    public static var defaults: Self { Self() }
}
