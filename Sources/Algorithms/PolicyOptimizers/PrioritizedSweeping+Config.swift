import MBRLCore

extension PrioritizedSweeping {
    /// Settings of prioritized sweeping; every key is optional in a recipe. The defaults follow
    /// the book's maze settings: `discount` 0.95, `stepSize` 0.1, `epsilon` 0.1, 5 planning
    /// updates per real step and a priority threshold theta of 1e-4.
    ///
    /// ```json
    /// {"planningSteps": 5, "stepSize": 0.5, "priorityThreshold": 0.0001}
    /// ```
    public struct Config: Sendable, Equatable {
        /// The discount rate gamma, in `0...1` (default 0.95).
        public var discount: Double
        /// The step size alpha of every Q update, in `(0, 1]` (default 0.1).
        public var stepSize: Double
        /// The probability of a random action when acting, in `0...1` (default 0.1).
        public var epsilon: Double
        /// The most planning updates n after each real step (default 5).
        public var planningSteps: Int
        /// Theta: a pair is queued only when its priority exceeds this, `0` or more (default 1e-4).
        public var priorityThreshold: Double

        /// Settings with the documented defaults unless given.
        public init(discount: Double = 0.95, stepSize: Double = 0.1, epsilon: Double = 0.1, planningSteps: Int = 5,
                    priorityThreshold: Double = 1e-4) {
            self.discount = discount
            self.stepSize = stepSize
            self.epsilon = epsilon
            self.planningSteps = planningSteps
            self.priorityThreshold = priorityThreshold
        }

        /// A one-line description of each key, for `mbrl-run describe`.
        public static let keyDescriptions: [String: String] = [
            "discount": "discount rate gamma, 0...1",
            "stepSize": "step size alpha of every Q update, (0, 1]",
            "epsilon": "probability of a uniformly random action when acting, 0...1",
            "planningSteps": "the most queued pairs n updated after each real step",
            "priorityThreshold": "theta: pairs are queued only when |target - Q| exceeds it",
        ]

        /// Throws `invalidArgument` naming the first setting out of range.
        public func validate() throws {
            try DynaConfigCheck.require((0...1).contains(discount), "discount must be in 0...1, got \(discount)")
            try DynaConfigCheck.require(stepSize > 0 && stepSize <= 1, "stepSize must be in (0, 1], got \(stepSize)")
            try DynaConfigCheck.require((0...1).contains(epsilon), "epsilon must be in 0...1, got \(epsilon)")
            try DynaConfigCheck.require(planningSteps >= 0, "planningSteps must be 0 or more, got \(planningSteps)")
            try DynaConfigCheck.require(priorityThreshold >= 0 && priorityThreshold.isFinite,
                                        "priorityThreshold must be 0 or more, got \(priorityThreshold)")
        }
    }
}

extension PrioritizedSweeping.Config: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case discount, stepSize, epsilon, planningSteps, priorityThreshold
    }

    public init(from decoder: Decoder) throws {
        try DynaConfigCheck.rejectBookSymbols(decoder, CodingKeys.self)
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = Self()
        discount = try container.decode(Double.self, forKey: .discount, default: defaults.discount, in: 0...1)
        stepSize = try container.decode(Double.self, forKey: .stepSize, default: defaults.stepSize, in: 1e-12...1)
        epsilon = try container.decode(Double.self, forKey: .epsilon, default: defaults.epsilon, in: 0...1)
        planningSteps = try container.decode(Int.self, forKey: .planningSteps, default: defaults.planningSteps, in: 0...1_000_000)
        priorityThreshold = try container.decode(Double.self, forKey: .priorityThreshold, default: defaults.priorityThreshold, in: 0...1e6)
    }
}

extension PrioritizedSweeping.Config: DocumentedConfig {
    public static var defaults: Self { Self() }
}
