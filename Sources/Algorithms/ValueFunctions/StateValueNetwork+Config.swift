import MBRLCore

extension StateValueNetwork {
    /// Settings of a state-value network; every key is optional in a recipe. The defaults are
    /// Stable-Baselines3's for off-policy learners (`net_arch` [256, 256], ReLU).
    ///
    /// ```json
    /// {"hiddenSizes": [64, 64], "activation": "tanh"}
    /// ```
    public struct Config: DocumentedConfig, Equatable {
        /// The widths of the hidden layers (default [256, 256]).
        public var hiddenSizes: [Int]
        /// The hidden layers' activation (default ReLU).
        public var activation: Activation
        /// How the weights are drawn (default Glorot uniform).
        public var initializer: WeightInitializer

        /// Settings with the documented defaults unless given.
        public init(hiddenSizes: [Int] = [256, 256], activation: Activation = .relu,
                    initializer: WeightInitializer = .glorotUniform) {
            self.hiddenSizes = hiddenSizes
            self.activation = activation
            self.initializer = initializer
        }

        /// The documented defaults.
        public static var defaults: Config { Config() }

        /// A one-line description of each key, for `mbrl-run describe`.
        public static let keyDescriptions: [String: String] = [
            "hiddenSizes": "widths of the hidden layers",
            "activation": "hidden-layer activation",
            "initializer": "weight initialiser: truncated-normal or glorot-uniform",
        ]

        enum CodingKeys: String, CodingKey, CaseIterable {
            case hiddenSizes, activation, initializer
        }

        public init(from decoder: Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let defaults = Config()
            hiddenSizes = try container.decode([Int].self, forKey: .hiddenSizes, default: defaults.hiddenSizes)
            activation = try container.decode(Activation.self, forKey: .activation, default: defaults.activation)
            initializer = try container.decode(WeightInitializer.self, forKey: .initializer, default: defaults.initializer)
            try validate()
        }

        /// Throws `invalidArgument` naming the first setting out of range.
        public func validate() throws {
            guard hiddenSizes.allSatisfy({ $0 > 0 }) else {
                throw MBRLError.invalidArgument("hiddenSizes must all be positive, got \(hiddenSizes)")
            }
        }
    }
}
