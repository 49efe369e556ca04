import MBRLCore

extension RandomShootingPlanner {
    /// Settings of random shooting; every key is optional in a recipe.
    ///
    /// ```json
    /// {"horizon": 10, "sequenceCount": 1000}
    /// ```
    public struct Config: Codable, Sendable, Equatable {
        /// Steps per action sequence (default 10, Nagabandi et al. 2018's horizon).
        public var horizon: Int
        /// Sequences drawn per plan (default 1000, Nagabandi et al. 2018's `K`).
        public var sequenceCount: Int

        /// Settings with the documented defaults unless given.
        public init(horizon: Int = 10, sequenceCount: Int = 1000) {
            self.horizon = horizon
            self.sequenceCount = sequenceCount
        }

        /// The documented defaults.
        public init() { self.init(horizon: 10) }

        /// A one-line description of each key, for `mbrl-run describe`.
        public static let keyDescriptions: [String: String] = [
            "horizon": "steps per action sequence",
            "sequenceCount": "uniform random sequences scored per plan",
        ]

        enum CodingKeys: String, CodingKey, CaseIterable { case horizon, sequenceCount }

        public init(from decoder: Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let defaults = Config()
            horizon = try container.decode(Int.self, forKey: .horizon, default: defaults.horizon, in: 1...10_000)
            sequenceCount = try container.decode(Int.self, forKey: .sequenceCount, default: defaults.sequenceCount, in: 1...10_000_000)
        }

        /// Throws `invalidArgument` naming the first setting out of range.
        public func validate() throws {
            try ConfigCheck.require(horizon >= 1, "horizon must be at least 1, got \(horizon)")
            try ConfigCheck.require(sequenceCount >= 1, "sequenceCount must be at least 1, got \(sequenceCount)")
        }
    }
}
