import MBRLCore
import Models

extension DynaQ {
    /// How a planning step picks the pair it updates.
    public enum PlanningSampling: String, Sendable, Codable, CaseIterable {
        /// The book's box (section 8.2, step (f)): a previously observed state uniformly, then
        /// an action uniformly among those taken there (all actions there for Dyna-Q+ with
        /// `planUntriedActions`).
        case stateThenAction = "state-then-action"
        /// A previously observed `(state, action)` pair uniformly
        /// (`TabularModel.samplePreviouslyObservedPair`).
        case pair
    }

    /// Settings of Dyna-Q and Dyna-Q+; every key is optional in a recipe. The defaults are the
    /// book's Dyna maze settings (Example 8.1): `discount` 0.95, `stepSize` 0.1, `epsilon` 0.1,
    /// and 5 planning steps; `explorationBonus` 0 makes it plain Dyna-Q.
    ///
    /// ```json
    /// {"planningSteps": 50, "explorationBonus": 0.001, "planUntriedActions": true}
    /// ```
    public struct Config: Sendable, Equatable {
        /// The discount rate gamma, in `0...1` (default 0.95).
        public var discount: Double
        /// The step size alpha of every Q update, in `(0, 1]` (default 0.1).
        public var stepSize: Double
        /// The probability of a random action when acting, in `0...1` (default 0.1).
        public var epsilon: Double
        /// The planning updates n after each real step (default 5; 0 is one-step Q-learning).
        public var planningSteps: Int
        /// Dyna-Q+'s kappa (section 8.3): planning rewards get `kappa * sqrt(tau)` for a pair
        /// last tried tau real steps ago (default 0: Dyna-Q).
        public var explorationBonus: Double
        /// Dyna-Q+'s footnote: actions never tried from a visited state are planned too, modelled
        /// as staying in the state with reward 0 (default false).
        public var planUntriedActions: Bool
        /// How planning steps pick a pair (default the book's `"state-then-action"`).
        public var planningSampling: PlanningSampling
        /// The table model: `"last-seen"` (the book's, for deterministic environments) or
        /// `"sampled"` (outcomes in proportion to their counts).
        public var model: TabularModel.Mode

        /// Settings with the documented defaults unless given.
        public init(discount: Double = 0.95, stepSize: Double = 0.1, epsilon: Double = 0.1, planningSteps: Int = 5,
                    explorationBonus: Double = 0, planUntriedActions: Bool = false,
                    planningSampling: PlanningSampling = .stateThenAction, model: TabularModel.Mode = .lastSeen) {
            self.discount = discount
            self.stepSize = stepSize
            self.epsilon = epsilon
            self.planningSteps = planningSteps
            self.explorationBonus = explorationBonus
            self.planUntriedActions = planUntriedActions
            self.planningSampling = planningSampling
            self.model = model
        }

        /// Dyna-Q+ with the book's figure settings: `explorationBonus` 1e-3 and untried actions
        /// planned.
        public static func plus(planningSteps: Int = 5, explorationBonus: Double = 1e-3) -> Config {
            Config(planningSteps: planningSteps, explorationBonus: explorationBonus, planUntriedActions: true)
        }

        /// A one-line description of each key, for `mbrl-run describe`.
        public static let keyDescriptions: [String: String] = [
            "discount": "discount rate gamma, 0...1",
            "stepSize": "step size alpha of every Q update, (0, 1]",
            "epsilon": "probability of a uniformly random action when acting, 0...1",
            "planningSteps": "planning updates n from the model after each real step (0: Q-learning)",
            "explorationBonus": "Dyna-Q+ kappa: planning reward bonus kappa * sqrt(steps since the pair was last tried); 0 is Dyna-Q",
            "planUntriedActions": "plan actions never tried from a visited state, as staying put with reward 0 (Dyna-Q+)",
            "planningSampling": "\"state-then-action\" (the book's box) or \"pair\" (an observed pair uniformly)",
            "model": "table model: \"last-seen\" (deterministic, the book's) or \"sampled\" (outcome counts)",
        ]

        /// Throws `invalidArgument` naming the first setting out of range.
        public func validate() throws {
            try DynaConfigCheck.require((0...1).contains(discount), "discount must be in 0...1, got \(discount)")
            try DynaConfigCheck.require(stepSize > 0 && stepSize <= 1, "stepSize must be in (0, 1], got \(stepSize)")
            try DynaConfigCheck.require((0...1).contains(epsilon), "epsilon must be in 0...1, got \(epsilon)")
            try DynaConfigCheck.require(planningSteps >= 0, "planningSteps must be 0 or more, got \(planningSteps)")
            try DynaConfigCheck.require(explorationBonus >= 0 && explorationBonus.isFinite, "explorationBonus must be 0 or more, got \(explorationBonus)")
        }
    }
}

extension DynaQ.Config: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case discount, stepSize, epsilon, planningSteps, explorationBonus, planUntriedActions, planningSampling, model
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
        explorationBonus = try container.decode(Double.self, forKey: .explorationBonus, default: defaults.explorationBonus, in: 0...1e6)
        planUntriedActions = try container.decode(Bool.self, forKey: .planUntriedActions, default: defaults.planUntriedActions)
        planningSampling = try DynaConfigCheck.choice(container, .planningSampling, default: defaults.planningSampling)
        model = try DynaConfigCheck.choice(container, .model, default: defaults.model)
    }
}

extension DynaQ.Config: DocumentedConfig {
    public static var defaults: Self { Self() }
}

