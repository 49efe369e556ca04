import MBRLCore

extension GradientShootingPlanner {
    /// Settings of gradient shooting; every key is optional in a recipe.
    ///
    /// ```json
    /// {"horizon": 30, "candidateCount": 200, "startCount": 4, "iterations": 30, "learningRate": 0.1}
    /// ```
    public struct Config: Codable, Sendable, Equatable {
        /// Steps per action sequence (default 30).
        public var horizon: Int
        /// Uniform random sequences scored to choose the starts (default 200).
        public var candidateCount: Int
        /// The best candidates optimised (default 4); the warm start adds one more.
        public var startCount: Int
        /// Adam steps per plan (default 30).
        public var iterations: Int
        /// Adam's step size, in action units (default 0.1; Adam's steps are about this long).
        public var learningRate: Float
        /// Optimise the previous plan, shifted one step, as an extra start (default true).
        public var warmStart: Bool

        /// Settings with the documented defaults unless given.
        public init(horizon: Int = 30, candidateCount: Int = 200, startCount: Int = 4, iterations: Int = 30,
                    learningRate: Float = 0.1, warmStart: Bool = true) {
            self.horizon = horizon
            self.candidateCount = candidateCount
            self.startCount = startCount
            self.iterations = iterations
            self.learningRate = learningRate
            self.warmStart = warmStart
        }

        /// The documented defaults.
        public init() { self.init(horizon: 30) }

        /// A one-line description of each key, for `mbrl-run describe`.
        public static let keyDescriptions: [String: String] = [
            "horizon": "steps per action sequence",
            "candidateCount": "uniform random sequences scored to choose the starts",
            "startCount": "best candidates optimised (the warm start adds one)",
            "iterations": "Adam steps per plan",
            "learningRate": "Adam's step size, in action units",
            "warmStart": "optimise the previous plan shifted one step as an extra start",
        ]

        enum CodingKeys: String, CodingKey, CaseIterable {
            case horizon, candidateCount, startCount, iterations, learningRate, warmStart
        }

        public init(from decoder: Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let defaults = Config()
            horizon = try container.decode(Int.self, forKey: .horizon, default: defaults.horizon, in: 1...10_000)
            candidateCount = try container.decode(Int.self, forKey: .candidateCount, default: defaults.candidateCount, in: 1...10_000_000)
            startCount = try container.decode(Int.self, forKey: .startCount, default: defaults.startCount, in: 1...100_000)
            iterations = try container.decode(Int.self, forKey: .iterations, default: defaults.iterations, in: 0...100_000)
            learningRate = try container.decode(Float.self, forKey: .learningRate, default: defaults.learningRate, in: 0...1e6)
            warmStart = try container.decode(Bool.self, forKey: .warmStart, default: defaults.warmStart)
        }

        /// Throws `invalidArgument` naming the first setting out of range.
        public func validate() throws {
            try ConfigCheck.require(horizon >= 1, "horizon must be at least 1, got \(horizon)")
            try ConfigCheck.require(candidateCount >= 1, "candidateCount must be at least 1, got \(candidateCount)")
            try ConfigCheck.require(startCount >= 1, "startCount must be at least 1, got \(startCount)")
            try ConfigCheck.require(iterations >= 0, "iterations must be at least 0, got \(iterations)")
            try ConfigCheck.require(learningRate >= 0 && learningRate.isFinite, "learningRate must be finite and at least 0, got \(learningRate)")
        }
    }
}
