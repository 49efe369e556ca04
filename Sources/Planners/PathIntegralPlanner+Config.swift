import MBRLCore

extension PathIntegralPlanner {
    /// Settings of MPPI; every key is optional in a recipe. Defaults are mbrl-lib's PETS-MPPI
    /// settings (`conf/overrides/pets_mppi_halfcheetah.yaml`).
    ///
    /// ```json
    /// {"horizon": 30, "populationSize": 350, "iterations": 5, "gamma": 0.9, "sigma": 1.0, "beta": 0.9}
    /// ```
    public struct Config: Codable, Sendable, Equatable {
        /// Steps per action sequence (default 30).
        public var horizon: Int
        /// Sequences sampled per iteration (default 350).
        public var populationSize: Int
        /// Refinement rounds per plan (default 5).
        public var iterations: Int
        /// The reward scaling (inverse temperature) of the weights `exp(gamma * return)` (default 0.9).
        public var gamma: Float
        /// The standard deviation of the sampling noise, in action units (default 1).
        public var sigma: Float
        /// The smoothing: the weight of the new sample against the previous step (default 0.9;
        /// 1 is no smoothing).
        public var beta: Float

        /// Settings with the documented defaults unless given.
        public init(horizon: Int = 30, populationSize: Int = 350, iterations: Int = 5,
                    gamma: Float = 0.9, sigma: Float = 1, beta: Float = 0.9) {
            self.horizon = horizon
            self.populationSize = populationSize
            self.iterations = iterations
            self.gamma = gamma
            self.sigma = sigma
            self.beta = beta
        }

        /// The documented defaults.
        public init() { self.init(horizon: 30) }

        /// A one-line description of each key, for `mbrl-run describe`.
        public static let keyDescriptions: [String: String] = [
            "horizon": "steps per action sequence",
            "populationSize": "sequences sampled per iteration",
            "iterations": "refinement rounds per plan",
            "gamma": "inverse temperature of the weights exp(gamma * return)",
            "sigma": "standard deviation of the sampling noise, in action units",
            "beta": "smoothing: weight of the new sample against the previous step (1: none)",
        ]

        enum CodingKeys: String, CodingKey, CaseIterable { case horizon, populationSize, iterations, gamma, sigma, beta }

        public init(from decoder: Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let defaults = Config()
            horizon = try container.decode(Int.self, forKey: .horizon, default: defaults.horizon, in: 1...10_000)
            populationSize = try container.decode(Int.self, forKey: .populationSize, default: defaults.populationSize, in: 1...10_000_000)
            iterations = try container.decode(Int.self, forKey: .iterations, default: defaults.iterations, in: 1...10_000)
            gamma = try container.decode(Float.self, forKey: .gamma, default: defaults.gamma, in: 0...1e6)
            sigma = try container.decode(Float.self, forKey: .sigma, default: defaults.sigma, in: 0...1e6)
            beta = try container.decode(Float.self, forKey: .beta, default: defaults.beta, in: 0...1)
        }

        /// Throws `invalidArgument` naming the first setting out of range.
        public func validate() throws {
            try ConfigCheck.require(horizon >= 1, "horizon must be at least 1, got \(horizon)")
            try ConfigCheck.require(populationSize >= 1, "populationSize must be at least 1, got \(populationSize)")
            try ConfigCheck.require(iterations >= 1, "iterations must be at least 1, got \(iterations)")
            try ConfigCheck.require(gamma >= 0 && gamma.isFinite, "gamma must be finite and at least 0, got \(gamma)")
            try ConfigCheck.require(sigma >= 0 && sigma.isFinite, "sigma must be finite and at least 0, got \(sigma)")
            try ConfigCheck.require(beta >= 0 && beta <= 1, "beta must be in [0, 1], got \(beta)")
        }
    }
}
