import MBRLCore

extension MonteCarloTreeSearchPlanner {
    /// How the action to execute is chosen from the root's children.
    public enum FinalActionSelection: String, Codable, Sendable, CaseIterable {
        /// The most visited child (the "robust child"); ties go to the higher mean.
        case mostVisited = "most-visited"
        /// The child with the highest mean return.
        case highestMean = "highest-mean"

        public init(from decoder: Decoder) throws {
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let value = FinalActionSelection(rawValue: text) else {
                let valid = FinalActionSelection.allCases.map(\.rawValue)
                throw DecodingError.dataCorruptedError(
                    in: container,
                    debugDescription: "unknown final action rule \"\(text)\"\(NameSuggestions.hint(for: text, in: valid)); valid: \(valid.joined(separator: ", "))")
            }
            self = value
        }
    }

    /// Settings of MCTS/UCT; every key is optional in a recipe.
    ///
    /// ```json
    /// {"simulationsPerStep": 100, "explorationConstant": 0.5, "rolloutDepth": 100, "discount": 1}
    /// ```
    public struct Config: Codable, Sendable, Equatable {
        /// Simulations (tree policy, rollout, backup) per plan (default 100).
        public var simulationsPerStep: Int
        /// `C` in the UCT bonus `2 C sqrt(2 ln N(parent) / N)` (default 0.5, which makes the bonus
        /// UCB1's `sqrt(2 ln N(parent) / N)` of Auer et al. 2002, suited to values in `[0, 1]`;
        /// with `normalizeValues` off, scale it to the size of the returns).
        public var explorationConstant: Float
        /// The deepest level the tree grows to below the root (default 100).
        public var depthLimit: Int
        /// The most random steps of a rollout from a new leaf (default 100).
        public var rolloutDepth: Int
        /// The discount of later rewards (default 1, the lecture's undiscounted return).
        public var discount: Float
        /// Scale mean values to `[0, 1]` by the tree's smallest and largest mean before adding the
        /// bonus (default true, as MuZero's min-max normalisation), so `C` does not depend on the
        /// size of the rewards.
        public var normalizeValues: Bool
        /// Keep the executed action's subtree for the next plan (default true).
        public var reuseTree: Bool
        /// How the executed action is chosen (default `"most-visited"`).
        public var finalAction: FinalActionSelection

        /// Settings with the documented defaults unless given.
        public init(simulationsPerStep: Int = 100, explorationConstant: Float = 0.5, depthLimit: Int = 100,
                    rolloutDepth: Int = 100, discount: Float = 1, normalizeValues: Bool = true, reuseTree: Bool = true,
                    finalAction: FinalActionSelection = .mostVisited) {
            self.simulationsPerStep = simulationsPerStep
            self.explorationConstant = explorationConstant
            self.depthLimit = depthLimit
            self.rolloutDepth = rolloutDepth
            self.discount = discount
            self.normalizeValues = normalizeValues
            self.reuseTree = reuseTree
            self.finalAction = finalAction
        }

        /// The documented defaults.
        public init() { self.init(simulationsPerStep: 100) }

        /// A one-line description of each key, for `mbrl-run describe`.
        public static let keyDescriptions: [String: String] = [
            "simulationsPerStep": "simulations (tree policy, rollout, backup) per plan",
            "explorationConstant": "C in the UCT bonus 2 C sqrt(2 ln N(parent) / N)",
            "depthLimit": "deepest tree level below the root",
            "rolloutDepth": "most random steps of a rollout from a new leaf",
            "discount": "discount of later rewards",
            "normalizeValues": "scale mean values to [0, 1] by the tree's range before adding the bonus",
            "reuseTree": "keep the executed action's subtree for the next plan",
            "finalAction": "most-visited or highest-mean root child",
        ]

        enum CodingKeys: String, CodingKey, CaseIterable {
            case simulationsPerStep, explorationConstant, depthLimit, rolloutDepth, discount, normalizeValues, reuseTree, finalAction
        }

        public init(from decoder: Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let defaults = Config()
            simulationsPerStep = try container.decode(Int.self, forKey: .simulationsPerStep, default: defaults.simulationsPerStep, in: 1...10_000_000)
            explorationConstant = try container.decode(Float.self, forKey: .explorationConstant, default: defaults.explorationConstant, in: 0...1e9)
            depthLimit = try container.decode(Int.self, forKey: .depthLimit, default: defaults.depthLimit, in: 1...1_000_000)
            rolloutDepth = try container.decode(Int.self, forKey: .rolloutDepth, default: defaults.rolloutDepth, in: 0...1_000_000)
            discount = try container.decode(Float.self, forKey: .discount, default: defaults.discount, in: Float.leastNonzeroMagnitude...1)
            normalizeValues = try container.decode(Bool.self, forKey: .normalizeValues, default: defaults.normalizeValues)
            reuseTree = try container.decode(Bool.self, forKey: .reuseTree, default: defaults.reuseTree)
            finalAction = try container.decode(FinalActionSelection.self, forKey: .finalAction, default: defaults.finalAction)
        }

        /// Throws `invalidArgument` naming the first setting out of range.
        public func validate() throws {
            try ConfigCheck.require(simulationsPerStep >= 1, "simulationsPerStep must be at least 1, got \(simulationsPerStep)")
            try ConfigCheck.require(explorationConstant >= 0 && explorationConstant.isFinite,
                                    "explorationConstant must be finite and at least 0, got \(explorationConstant)")
            try ConfigCheck.require(depthLimit >= 1, "depthLimit must be at least 1, got \(depthLimit)")
            try ConfigCheck.require(rolloutDepth >= 0, "rolloutDepth must be at least 0, got \(rolloutDepth)")
            try ConfigCheck.require(discount > 0 && discount <= 1, "discount must be in (0, 1], got \(discount)")
        }
    }
}
