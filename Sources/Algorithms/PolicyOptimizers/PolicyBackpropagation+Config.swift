import MBRLCore

extension PolicyBackpropagation {
    /// `"policy-backprop"`'s recipe keys; every key is optional.
    ///
    /// ```json
    /// "policyOptimizer": {"type": "policy-backprop", "horizon": 20, "updatesPerFit": 50,
    ///                     "value": {"learningRate": 0.001}}
    /// ```
    public struct Config: DocumentedConfig, Equatable {
        /// Imagined steps per rollout, `H` (default 10).
        public var horizon = 10
        /// The discount of the imagined return (default 0.99).
        public var discount: Float = 0.99
        /// Where rollouts start: any real state (`realStates`, default) or the first state of every
        /// real episode (`episodeStarts`, the reset distribution).
        public var startStates = ModelEnsembleStartStates.realStates
        /// Start states per gradient step (default 256); with `members` `each`, every one is
        /// rolled through every member.
        public var batchSize = 256
        /// Policy gradient steps after every model fit (default 50).
        public var updatesPerFit = 50
        /// Adam's learning rate for the policy (default 1e-3).
        public var learningRate: Float = 1e-3
        /// The largest global norm of a policy gradient step; larger gradients are scaled down
        /// (default 10).
        public var maxGradientNorm: Float = 10
        /// How an ensemble's members predict (default `each`).
        public var members = PolicyBackpropagationMembers.each
        /// Updates in a row with a non-finite gradient before the run stops (default 5).
        public var maxNonFiniteInARow = 5
        /// The deterministic policy: two hidden layers of 64 tanh units by default, exploration
        /// noise 0.1 of the action box's half-width in training episodes.
        public var policy = DeterministicMLPPolicy.Config(hiddenSizes: [64, 64], activation: .tanh)
        /// A learned value added at the horizon's end, fitted on imagined returns; `nil` (the
        /// default) for none.
        public var value: ValueConfig? = nil

        public init() {}
        public static var defaults: Self { Self() }

        public static let keyDescriptions: [String: String] = [
            "horizon": "imagined steps per rollout (H)",
            "discount": "discount of the imagined return",
            "startStates": "where rollouts start: realStates (any real state) or episodeStarts (the reset distribution)",
            "batchSize": "start states per gradient step",
            "updatesPerFit": "policy gradient steps after every model fit",
            "learningRate": "Adam's learning rate for the policy",
            "maxGradientNorm": "largest global norm of a policy gradient step (larger ones are scaled down)",
            "members": "ensemble members per rollout: each (every member separately, averaged), randomEachStep, fixedPerTrajectory or mean",
            "maxNonFiniteInARow": "updates in a row with a NaN or infinite gradient before the run stops",
            "policy": "the deterministic policy: hiddenSizes, activation, explorationNoise, initializer",
            "value": "null, or a value at the horizon's end fitted on imagined returns: {network, learningRate, stepsPerUpdate}",
        ]

        enum CodingKeys: String, CodingKey, CaseIterable {
            case horizon, discount, startStates, batchSize, updatesPerFit, learningRate, maxGradientNorm, members
            case maxNonFiniteInARow, policy, value
        }

        public init(from decoder: Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let defaults = Self()
            horizon = try container.decode(Int.self, forKey: .horizon, default: defaults.horizon, in: 1...10_000)
            discount = try container.decode(Float.self, forKey: .discount, default: defaults.discount, in: 0...1)
            startStates = try container.decode(ModelEnsembleStartStates.self, forKey: .startStates, default: defaults.startStates)
            batchSize = try container.decode(Int.self, forKey: .batchSize, default: defaults.batchSize, in: 1...1_000_000)
            updatesPerFit = try container.decode(Int.self, forKey: .updatesPerFit, default: defaults.updatesPerFit, in: 0...1_000_000)
            learningRate = try container.decode(Float.self, forKey: .learningRate, default: defaults.learningRate, in: 1e-8...10)
            maxGradientNorm = try container.decode(Float.self, forKey: .maxGradientNorm, default: defaults.maxGradientNorm,
                                                   in: 1e-8...Float.greatestFiniteMagnitude)
            members = try container.decode(PolicyBackpropagationMembers.self, forKey: .members, default: defaults.members)
            maxNonFiniteInARow = try container.decode(Int.self, forKey: .maxNonFiniteInARow, default: defaults.maxNonFiniteInARow,
                                                      in: 1...1_000_000)
            policy = try container.decode(DeterministicMLPPolicy.Config.self, forKey: .policy, default: defaults.policy)
            value = try container.decodeIfPresent(ValueConfig.self, forKey: .value)
        }

        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(horizon, forKey: .horizon)
            try container.encode(discount, forKey: .discount)
            try container.encode(startStates, forKey: .startStates)
            try container.encode(batchSize, forKey: .batchSize)
            try container.encode(updatesPerFit, forKey: .updatesPerFit)
            try container.encode(learningRate, forKey: .learningRate)
            try container.encode(maxGradientNorm, forKey: .maxGradientNorm)
            try container.encode(members, forKey: .members)
            try container.encode(maxNonFiniteInARow, forKey: .maxNonFiniteInARow)
            try container.encode(policy, forKey: .policy)
            try container.encode(value, forKey: .value)   // null when off, so a resolved recipe lists it
        }
    }

    /// The value at the horizon's end: a `StateValueNetwork` regressed on the imagined returns of
    /// every visited state (`G_t`, bootstrapped with its own value of the last state).
    ///
    /// ```json
    /// "value": {"network": {"hiddenSizes": [64, 64], "activation": "tanh"}, "learningRate": 0.001}
    /// ```
    public struct ValueConfig: DocumentedConfig, Equatable {
        /// The value network (default two hidden layers of 64 tanh units).
        public var network = StateValueNetwork.Config(hiddenSizes: [64, 64], activation: .tanh)
        /// Adam's learning rate for the value (default 1e-3).
        public var learningRate: Float = 1e-3
        /// Value regression steps after every policy step, on that step's imagined states
        /// (default 1).
        public var stepsPerUpdate = 1

        public init() {}
        public static var defaults: Self { Self() }

        public static let keyDescriptions: [String: String] = [
            "network": "the value network: hiddenSizes, activation, initializer",
            "learningRate": "Adam's learning rate for the value",
            "stepsPerUpdate": "value regression steps after every policy step",
        ]

        enum CodingKeys: String, CodingKey, CaseIterable { case network, learningRate, stepsPerUpdate }

        public init(from decoder: Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let defaults = Self()
            network = try container.decode(StateValueNetwork.Config.self, forKey: .network, default: defaults.network)
            learningRate = try container.decode(Float.self, forKey: .learningRate, default: defaults.learningRate, in: 1e-8...10)
            stepsPerUpdate = try container.decode(Int.self, forKey: .stepsPerUpdate, default: defaults.stepsPerUpdate, in: 1...10_000)
        }
    }
}
