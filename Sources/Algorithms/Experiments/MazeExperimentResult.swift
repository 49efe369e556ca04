import MBRLCore

/// What a `MazeExperiment` measured: per agent, the series of every repetition, their mean, and
/// a few key numbers.
public struct MazeExperimentResult: Sendable, Codable {
    /// One agent's measurements.
    public struct AgentResult: Sendable, Codable {
        /// The legend label.
        public var label: String
        /// The optimizer with every setting written out.
        public var optimizer: JSONValue
        /// The x of each point: episodes (1, 2, ...), time steps (1, 2, ...), or `[1]` for
        /// `"updates-to-optimal-path"`.
        public var x: [Double]
        /// `[repetitions][points]`: steps per episode, cumulative reward, or Q updates until the
        /// greedy path was optimal.
        public var repetitions: [[Double]]
        /// The mean over repetitions at each point.
        public var mean: [Double]
        /// For `"updates-to-optimal-path"`, per repetition: the real steps taken (empty for
        /// other measures).
        public var realSteps: [Double]
        /// Per repetition: for `"updates-to-optimal-path"`, whether the greedy path became
        /// optimal within the step budget; for `"cumulative-reward"`, whether the greedy policy at
        /// the end follows a shortest path of the maze as it is then (empty otherwise).
        public var reachedOptimalPath: [Bool]
        /// Key numbers by name (see `MazeExperimentRunner`), for `summary.json` and reports.
        public var summary: [String: Double]

        public init(label: String, optimizer: JSONValue, x: [Double], repetitions: [[Double]],
                    realSteps: [Double] = [], reachedOptimalPath: [Bool] = [], summary: [String: Double] = [:]) {
            self.label = label
            self.optimizer = optimizer
            self.x = x
            self.repetitions = repetitions
            let count = max(1, repetitions.count)
            mean = x.indices.map { index in repetitions.reduce(0) { $0 + $1[index] } / Double(count) }
            self.realSteps = realSteps
            self.reachedOptimalPath = reachedOptimalPath
            self.summary = summary
        }
    }

    /// The experiment's name.
    public var name: String
    /// The measure.
    public var measure: MazeExperiment.Measure
    /// The environment's id.
    public var environment: String
    public var seed: UInt64
    public var repetitions: Int
    /// The fewest steps from start to goal, when it was computed (breadth-first search).
    public var fewestSteps: Int?
    /// For `"updates-to-optimal-path"`: how many times the fewest steps the greedy path may take.
    public var pathTolerance: Double
    /// The marked step (the wall change), if any.
    public var changeStep: Int?
    /// Every agent, in the experiment's order.
    public var agents: [AgentResult]
    /// Wall-clock time of the whole experiment.
    public var wallSeconds: Double

    /// The axis labels of the measure.
    public var axisLabels: (x: String, y: String) {
        switch measure {
        case .stepsPerEpisode: return ("episodes", "steps per episode")
        case .cumulativeReward: return ("time steps", "cumulative reward")
        case .updatesToOptimalPath: return ("agent", "Q updates until the greedy path is optimal")
        }
    }
}
