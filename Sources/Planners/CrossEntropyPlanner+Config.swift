import MBRLCore

extension CrossEntropyPlanner {
    /// Settings of CEM; every key is optional in a recipe. Defaults are mbrl-lib's PETS
    /// cart-pole settings (`conf/overrides/pets_cartpole.yaml`, `conf/action_optimizer/cem.yaml`).
    ///
    /// ```json
    /// {"horizon": 15, "populationSize": 350, "eliteRatio": 0.1, "iterations": 5, "alpha": 0.1}
    /// ```
    public struct Config: Codable, Sendable, Equatable {
        /// Steps per action sequence (default 15).
        public var horizon: Int
        /// Sequences sampled per iteration (default 350).
        public var populationSize: Int
        /// The fraction of the population refit to, rounded up (default 0.1).
        public var eliteRatio: Float
        /// Sampling rounds per plan (default 5).
        public var iterations: Int
        /// Momentum: the weight of the old mean and variance in each refit (default 0.1).
        public var alpha: Float
        /// Return the final mean (true, default, as mbrl-lib's configs) or the best sequence seen.
        public var returnMeanElites: Bool
        /// Stop early once every variance is below this (default 0: never; PETS used 0.001).
        public var varianceTolerance: Float
        /// Start each plan from the previous one shifted by a step (default true).
        public var warmStart: Bool

        /// Settings with the documented defaults unless given.
        public init(horizon: Int = 15, populationSize: Int = 350, eliteRatio: Float = 0.1, iterations: Int = 5,
                    alpha: Float = 0.1, returnMeanElites: Bool = true, varianceTolerance: Float = 0,
                    warmStart: Bool = true) {
            self.horizon = horizon
            self.populationSize = populationSize
            self.eliteRatio = eliteRatio
            self.iterations = iterations
            self.alpha = alpha
            self.returnMeanElites = returnMeanElites
            self.varianceTolerance = varianceTolerance
            self.warmStart = warmStart
        }

        /// `ceil(populationSize * eliteRatio)`, at least 1.
        public var eliteCount: Int {
            max(1, ConfigCheck.roundedUpProduct(populationSize, eliteRatio))
        }

        /// The documented defaults.
        public init() { self.init(horizon: 15) }

        /// A one-line description of each key, for `mbrl-run describe`.
        public static let keyDescriptions: [String: String] = [
            "horizon": "steps per action sequence",
            "populationSize": "sequences sampled per iteration",
            "eliteRatio": "fraction of the population refit to (rounded up)",
            "iterations": "sampling rounds per plan",
            "alpha": "momentum: weight of the old mean and variance in each refit",
            "returnMeanElites": "plan the final mean (true) or the best sequence seen (false)",
            "varianceTolerance": "stop early once every variance is below this (0: never)",
            "warmStart": "start from the previous plan shifted one step",
        ]

        enum CodingKeys: String, CodingKey, CaseIterable {
            case horizon, populationSize, eliteRatio, iterations, alpha, returnMeanElites, varianceTolerance, warmStart
        }

        public init(from decoder: Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let defaults = Config()
            horizon = try container.decode(Int.self, forKey: .horizon, default: defaults.horizon, in: 1...10_000)
            populationSize = try container.decode(Int.self, forKey: .populationSize, default: defaults.populationSize, in: 1...10_000_000)
            eliteRatio = try container.decode(Float.self, forKey: .eliteRatio, default: defaults.eliteRatio,
                                              in: Float.leastNonzeroMagnitude...1)
            iterations = try container.decode(Int.self, forKey: .iterations, default: defaults.iterations, in: 1...10_000)
            alpha = try container.decode(Float.self, forKey: .alpha, default: defaults.alpha, in: 0...0.999_999)
            returnMeanElites = try container.decode(Bool.self, forKey: .returnMeanElites, default: defaults.returnMeanElites)
            varianceTolerance = try container.decode(Float.self, forKey: .varianceTolerance, default: defaults.varianceTolerance,
                                                     in: 0...Float.greatestFiniteMagnitude)
            warmStart = try container.decode(Bool.self, forKey: .warmStart, default: defaults.warmStart)
        }

        /// Throws `invalidArgument` naming the first setting out of range.
        public func validate() throws {
            try ConfigCheck.require(horizon >= 1, "horizon must be at least 1, got \(horizon)")
            try ConfigCheck.require(populationSize >= 1, "populationSize must be at least 1, got \(populationSize)")
            try ConfigCheck.require(eliteRatio > 0 && eliteRatio <= 1, "eliteRatio must be in (0, 1], got \(eliteRatio)")
            try ConfigCheck.require(iterations >= 1, "iterations must be at least 1, got \(iterations)")
            try ConfigCheck.require(alpha >= 0 && alpha < 1, "alpha must be in [0, 1), got \(alpha)")
            try ConfigCheck.require(varianceTolerance >= 0 && varianceTolerance.isFinite,
                                    "varianceTolerance must be finite and at least 0, got \(varianceTolerance)")
        }
    }
}
