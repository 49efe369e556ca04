import MBRLCore

extension ImprovedCrossEntropyPlanner {
    /// Settings of iCEM; every key is optional in a recipe. Defaults: mbrl-lib's iCEM example
    /// (`conf/overrides/pets_icem_cartpole.yaml`: population 200, elite ratio 0.1, decay 1.3,
    /// exponent 2, kept fraction 0.3, alpha 0.1, 5 iterations) with the paper's horizon of 30.
    ///
    /// ```json
    /// {"horizon": 30, "populationSize": 200, "populationDecay": 1.3, "noiseExponent": 2.0}
    /// ```
    public struct Config: Codable, Sendable, Equatable {
        /// Steps per action sequence (default 30, Pinneri et al.'s planning horizon).
        public var horizon: Int
        /// The population of the first iteration (default 200).
        public var populationSize: Int
        /// The fraction of the first population refit to, rounded up (default 0.1).
        public var eliteRatio: Float
        /// Sampling rounds per plan (default 5).
        public var iterations: Int
        /// The population shrinks by this factor each iteration, `gamma` (default 1.3; the paper
        /// used 1.25).
        public var populationDecay: Float
        /// The smallest population of an iteration (default nil: twice the elite count).
        public var minimumPopulationSize: Int?
        /// The spectral exponent `beta` of the sampling noise (default 2; 0 is white noise).
        public var noiseExponent: Float
        /// The fraction of elites carried into the next iteration and, shifted, the next plan
        /// (default 0.3).
        public var keepEliteFraction: Float
        /// Momentum: the weight of the old mean and variance in each refit (default 0.1).
        public var alpha: Float
        /// Return the final mean instead of the best sequence seen (default false: the paper
        /// executes the best action).
        public var returnMeanElites: Bool
        /// Shift the mean and the kept elites into the next plan (default true).
        public var warmStart: Bool

        /// Settings with the documented defaults unless given.
        public init(horizon: Int = 30, populationSize: Int = 200, eliteRatio: Float = 0.1, iterations: Int = 5,
                    populationDecay: Float = 1.3, minimumPopulationSize: Int? = nil, noiseExponent: Float = 2,
                    keepEliteFraction: Float = 0.3, alpha: Float = 0.1, returnMeanElites: Bool = false,
                    warmStart: Bool = true) {
            self.horizon = horizon
            self.populationSize = populationSize
            self.eliteRatio = eliteRatio
            self.iterations = iterations
            self.populationDecay = populationDecay
            self.minimumPopulationSize = minimumPopulationSize
            self.noiseExponent = noiseExponent
            self.keepEliteFraction = keepEliteFraction
            self.alpha = alpha
            self.returnMeanElites = returnMeanElites
            self.warmStart = warmStart
        }

        /// `ceil(populationSize * eliteRatio)`, at least 1.
        public var eliteCount: Int {
            max(1, ConfigCheck.roundedUpProduct(populationSize, eliteRatio))
        }

        /// `ceil(keepEliteFraction * eliteCount)`.
        public var keptEliteCount: Int {
            ConfigCheck.roundedUpProduct(eliteCount, keepEliteFraction)
        }

        /// The minimum population in effect: the given one, or twice the elite count.
        public var resolvedMinimumPopulationSize: Int { minimumPopulationSize ?? 2 * eliteCount }

        /// The documented defaults.
        public init() { self.init(horizon: 30) }

        /// A one-line description of each key, for `mbrl-run describe`.
        public static let keyDescriptions: [String: String] = [
            "horizon": "steps per action sequence",
            "populationSize": "population of the first iteration",
            "eliteRatio": "fraction of the first population refit to (rounded up)",
            "iterations": "sampling rounds per plan",
            "populationDecay": "the population shrinks by this factor each iteration",
            "minimumPopulationSize": "smallest population of an iteration (default: twice the elites)",
            "noiseExponent": "spectral exponent beta of the coloured sampling noise (0: white)",
            "keepEliteFraction": "fraction of elites carried to the next iteration and, shifted, the next plan",
            "alpha": "momentum: weight of the old mean and variance in each refit",
            "returnMeanElites": "plan the final mean instead of the best sequence seen",
            "warmStart": "shift the mean and kept elites into the next plan",
        ]

        enum CodingKeys: String, CodingKey, CaseIterable {
            case horizon, populationSize, eliteRatio, iterations, populationDecay, minimumPopulationSize
            case noiseExponent, keepEliteFraction, alpha, returnMeanElites, warmStart
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
            populationDecay = try container.decode(Float.self, forKey: .populationDecay, default: defaults.populationDecay, in: 1...100)
            minimumPopulationSize = try container.decodeIfPresent(Int.self, forKey: .minimumPopulationSize)
            noiseExponent = try container.decode(Float.self, forKey: .noiseExponent, default: defaults.noiseExponent, in: 0...10)
            keepEliteFraction = try container.decode(Float.self, forKey: .keepEliteFraction, default: defaults.keepEliteFraction, in: 0...1)
            alpha = try container.decode(Float.self, forKey: .alpha, default: defaults.alpha, in: 0...0.999_999)
            returnMeanElites = try container.decode(Bool.self, forKey: .returnMeanElites, default: defaults.returnMeanElites)
            warmStart = try container.decode(Bool.self, forKey: .warmStart, default: defaults.warmStart)
            if let minimum = minimumPopulationSize, minimum < 1 {
                throw DecodingError.dataCorruptedError(forKey: .minimumPopulationSize, in: container,
                                                       debugDescription: "minimumPopulationSize must be at least 1, got \(minimum)")
            }
        }

        /// Throws `invalidArgument` naming the first setting out of range.
        public func validate() throws {
            try ConfigCheck.require(horizon >= 1, "horizon must be at least 1, got \(horizon)")
            try ConfigCheck.require(populationSize >= 1, "populationSize must be at least 1, got \(populationSize)")
            try ConfigCheck.require(eliteRatio > 0 && eliteRatio <= 1, "eliteRatio must be in (0, 1], got \(eliteRatio)")
            try ConfigCheck.require(iterations >= 1, "iterations must be at least 1, got \(iterations)")
            try ConfigCheck.require(populationDecay >= 1 && populationDecay.isFinite, "populationDecay must be at least 1, got \(populationDecay)")
            try ConfigCheck.require((minimumPopulationSize ?? 1) >= 1,
                                    "minimumPopulationSize must be at least 1, got \(minimumPopulationSize ?? 0)")
            try ConfigCheck.require(noiseExponent >= 0 && noiseExponent.isFinite, "noiseExponent must be finite and at least 0, got \(noiseExponent)")
            try ConfigCheck.require(keepEliteFraction >= 0 && keepEliteFraction <= 1, "keepEliteFraction must be in [0, 1], got \(keepEliteFraction)")
            try ConfigCheck.require(alpha >= 0 && alpha < 1, "alpha must be in [0, 1), got \(alpha)")
        }
    }
}
