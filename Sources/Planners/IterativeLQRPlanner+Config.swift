import MBRLCore

extension IterativeLQRPlanner {
    /// Settings of iLQR; every key is optional in a recipe. The regularisation, line-search and
    /// tolerance defaults are those of Tassa's iLQG reference implementation (`iLQG.m`, 2015):
    /// `lambdaInit` 1, `lambdaFactor` 1.6, `lambdaMin` 1e-6, `lambdaMax` 1e10, `Alpha` =
    /// `10.^linspace(0, -3, 11)`, `zMin` 0, `tolFun` 1e-7, `tolGrad` 1e-4.
    ///
    /// ```json
    /// {"horizon": 40, "maximumIterations": 10}
    /// ```
    public struct Config: Codable, Sendable, Equatable {
        /// Steps planned ahead (default 30).
        public var horizon: Int
        /// iLQR iterations per plan (default 20; warm-started MPC needs few).
        public var maximumIterations: Int
        /// The first regularisation `mu` of each plan (default 1).
        public var initialRegularization: Float
        /// The factor `mu` grows and shrinks by (default 1.6).
        public var regularizationFactor: Float
        /// Below this `mu` becomes 0 (default 1e-6).
        public var minimumRegularization: Float
        /// Above this the plan stops (default 1e10).
        public var maximumRegularization: Float
        /// Line-search steps `alpha`, spaced evenly in log scale from 1 down to 1e-3 (default 11).
        public var lineSearchSteps: Int
        /// The smallest ratio of actual to expected cost reduction that accepts a step (default 0).
        public var minimumReductionRatio: Float
        /// Stop when an accepted step lowers the cost by less than this (default 1e-7).
        public var costTolerance: Float
        /// Stop when the mean relative feedforward step is below this (default 1e-4).
        public var gradientTolerance: Float
        /// Start each plan from the previous controls shifted one step (default true).
        public var warmStart: Bool
        /// Without a warm start, optimise from the middle, lower and upper bound held constant and
        /// keep the best (default true); otherwise from the middle only.
        public var coldStartGuesses: Bool

        /// Settings with the documented defaults unless given.
        public init(horizon: Int = 30, maximumIterations: Int = 20, initialRegularization: Float = 1,
                    regularizationFactor: Float = 1.6, minimumRegularization: Float = 1e-6, maximumRegularization: Float = 1e10,
                    lineSearchSteps: Int = 11, minimumReductionRatio: Float = 0, costTolerance: Float = 1e-7,
                    gradientTolerance: Float = 1e-4, warmStart: Bool = true, coldStartGuesses: Bool = true) {
            self.horizon = horizon
            self.maximumIterations = maximumIterations
            self.initialRegularization = initialRegularization
            self.regularizationFactor = regularizationFactor
            self.minimumRegularization = minimumRegularization
            self.maximumRegularization = maximumRegularization
            self.lineSearchSteps = lineSearchSteps
            self.minimumReductionRatio = minimumReductionRatio
            self.costTolerance = costTolerance
            self.gradientTolerance = gradientTolerance
            self.warmStart = warmStart
            self.coldStartGuesses = coldStartGuesses
        }

        /// The documented defaults.
        public init() { self.init(horizon: 30) }

        /// A one-line description of each key, for `mbrl-run describe`.
        public static let keyDescriptions: [String: String] = [
            "horizon": "steps planned ahead",
            "maximumIterations": "iLQR iterations per plan",
            "initialRegularization": "first regularisation mu of each plan",
            "regularizationFactor": "factor mu grows and shrinks by",
            "minimumRegularization": "below this mu becomes 0",
            "maximumRegularization": "above this the plan stops",
            "lineSearchSteps": "line-search steps alpha, log-spaced from 1 to 1e-3",
            "minimumReductionRatio": "smallest actual/expected cost reduction that accepts a step",
            "costTolerance": "stop when an accepted step lowers the cost by less than this",
            "gradientTolerance": "stop when the mean relative feedforward step is below this",
            "warmStart": "start from the previous controls shifted one step",
            "coldStartGuesses": "without a warm start, also try the bounds held constant and keep the best",
        ]

        enum CodingKeys: String, CodingKey, CaseIterable {
            case horizon, maximumIterations, initialRegularization, regularizationFactor, minimumRegularization
            case maximumRegularization, lineSearchSteps, minimumReductionRatio, costTolerance, gradientTolerance, warmStart, coldStartGuesses
        }

        public init(from decoder: Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let defaults = Config()
            horizon = try container.decode(Int.self, forKey: .horizon, default: defaults.horizon, in: 1...100_000)
            maximumIterations = try container.decode(Int.self, forKey: .maximumIterations, default: defaults.maximumIterations, in: 0...1_000_000)
            initialRegularization = try container.decode(Float.self, forKey: .initialRegularization,
                                                         default: defaults.initialRegularization, in: 0...1e30)
            regularizationFactor = try container.decode(Float.self, forKey: .regularizationFactor,
                                                        default: defaults.regularizationFactor, in: 1.000_001...1e6)
            minimumRegularization = try container.decode(Float.self, forKey: .minimumRegularization,
                                                         default: defaults.minimumRegularization, in: 0...1e30)
            maximumRegularization = try container.decode(Float.self, forKey: .maximumRegularization,
                                                         default: defaults.maximumRegularization, in: 0...1e30)
            lineSearchSteps = try container.decode(Int.self, forKey: .lineSearchSteps, default: defaults.lineSearchSteps, in: 1...1000)
            minimumReductionRatio = try container.decode(Float.self, forKey: .minimumReductionRatio,
                                                         default: defaults.minimumReductionRatio, in: 0...1)
            costTolerance = try container.decode(Float.self, forKey: .costTolerance, default: defaults.costTolerance, in: 0...1e30)
            gradientTolerance = try container.decode(Float.self, forKey: .gradientTolerance, default: defaults.gradientTolerance, in: 0...1e30)
            warmStart = try container.decode(Bool.self, forKey: .warmStart, default: defaults.warmStart)
            coldStartGuesses = try container.decode(Bool.self, forKey: .coldStartGuesses, default: defaults.coldStartGuesses)
            try validate()
        }

        /// Throws `invalidArgument` naming the first setting out of range.
        public func validate() throws {
            try ConfigCheck.require(horizon >= 1, "horizon must be at least 1, got \(horizon)")
            try ConfigCheck.require(maximumIterations >= 0, "maximumIterations must be at least 0, got \(maximumIterations)")
            try ConfigCheck.require(initialRegularization >= 0, "initialRegularization must be at least 0, got \(initialRegularization)")
            try ConfigCheck.require(regularizationFactor > 1, "regularizationFactor must be above 1, got \(regularizationFactor)")
            try ConfigCheck.require(minimumRegularization >= 0 && minimumRegularization <= maximumRegularization,
                                    "minimumRegularization (\(minimumRegularization)) must be between 0 and maximumRegularization (\(maximumRegularization))")
            try ConfigCheck.require(lineSearchSteps >= 1, "lineSearchSteps must be at least 1, got \(lineSearchSteps)")
            try ConfigCheck.require(minimumReductionRatio >= 0 && minimumReductionRatio < 1,
                                    "minimumReductionRatio must be in [0, 1), got \(minimumReductionRatio)")
            try ConfigCheck.require(costTolerance >= 0, "costTolerance must be at least 0, got \(costTolerance)")
            try ConfigCheck.require(gradientTolerance >= 0, "gradientTolerance must be at least 0, got \(gradientTolerance)")
        }
    }
}
