/// One line of a run's `metrics.csv` and `events.jsonl`: what happened in one episode.
public struct EpisodeRecord: Sendable, Codable, Equatable {
    /// Exploration and training episodes are each numbered from 1; evaluation episodes carry the
    /// number of the training episode they follow.
    public var episode: Int
    /// `"exploration"`, `"training"` or `"evaluation"`.
    public var phase: String
    /// The undiscounted return.
    public var episodeReturn: Double
    /// Steps in the episode.
    public var length: Int
    /// Environment steps so far in the run (exploration and training; evaluation steps are not
    /// counted).
    public var totalSteps: Int
    /// Model fits so far.
    public var modelFits: Int
    /// Training loss of the latest fit, if any.
    public var trainingLoss: Double?
    /// Validation score of the latest fit, if any.
    public var validationScore: Double?
    /// Mean seconds the agent took per action in this episode (planning time for a planner; 0
    /// in exploration episodes).
    public var planningSecondsPerAction: Double
    /// Seconds since the run started (including time before a resume).
    public var wallSeconds: Double
    /// Named metrics of the episode: what the policy optimizer reported (the mean over the
    /// episode's steps), after a model fit, and timings such as `improvementSecondsPerStep`.
    /// Each name becomes a column of `metrics.csv`; `mbrl-run plot --metric NAME` draws it.
    public var metrics: [String: Double] = [:]

    /// The fixed columns of `metrics.csv`; metric columns follow, sorted by name.
    public static let fixedColumns = ["episode", "phase", "return", "length", "total_steps", "model_fits", "training_loss",
                               "validation_score", "planning_seconds_per_action", "wall_seconds"]

    /// The header of `metrics.csv` with the given metric columns.
    static func csvHeader(metricNames: [String]) -> String {
        (fixedColumns + metricNames).joined(separator: ",")
    }

    /// The record as a line of `metrics.csv` with the given metric columns (empty where the
    /// episode did not report one).
    func csvLine(metricNames: [String]) -> String {
        func optional(_ value: Double?) -> String { value.map { "\($0)" } ?? "" }
        let fixed = "\(episode),\(phase),\(episodeReturn),\(length),\(totalSteps),\(modelFits),\(optional(trainingLoss)),\(optional(validationScore)),\(planningSecondsPerAction),\(wallSeconds)"
        return ([fixed] + metricNames.map { optional(metrics[$0]) }).joined(separator: ",")
    }

    /// The value of a fixed column or a metric by name (`"return"`, `"training_loss"`,
    /// `"criticLoss"`), for plots.
    public func value(named name: String) -> Double? {
        switch name {
        case "return", "episodeReturn": return episodeReturn
        case "length": return Double(length)
        case "total_steps", "totalSteps": return Double(totalSteps)
        case "model_fits", "modelFits": return Double(modelFits)
        case "training_loss", "trainingLoss": return trainingLoss
        case "validation_score", "validationScore": return validationScore
        case "planning_seconds_per_action", "planningSecondsPerAction": return planningSecondsPerAction
        case "wall_seconds", "wallSeconds": return wallSeconds
        default: return metrics[name]
        }
    }

    enum CodingKeys: String, CodingKey {
        case episode, phase, episodeReturn = "return", length, totalSteps, modelFits, trainingLoss, validationScore
        case planningSecondsPerAction, wallSeconds, metrics
    }
}

extension EpisodeRecord {
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        episode = try container.decode(Int.self, forKey: .episode)
        phase = try container.decode(String.self, forKey: .phase)
        episodeReturn = try container.decode(Double.self, forKey: .episodeReturn)
        length = try container.decode(Int.self, forKey: .length)
        totalSteps = try container.decode(Int.self, forKey: .totalSteps)
        modelFits = try container.decode(Int.self, forKey: .modelFits)
        trainingLoss = try container.decodeIfPresent(Double.self, forKey: .trainingLoss)
        validationScore = try container.decodeIfPresent(Double.self, forKey: .validationScore)
        planningSecondsPerAction = try container.decode(Double.self, forKey: .planningSecondsPerAction)
        wallSeconds = try container.decode(Double.self, forKey: .wallSeconds)
        // Non-finite metrics are written as null (JSON has no NaN) and read back as NaN.
        let stored = try container.decodeIfPresent([String: Double?].self, forKey: .metrics) ?? [:]
        metrics = stored.mapValues { $0 ?? .nan }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(episode, forKey: .episode)
        try container.encode(phase, forKey: .phase)
        try container.encode(episodeReturn, forKey: .episodeReturn)
        try container.encode(length, forKey: .length)
        try container.encode(totalSteps, forKey: .totalSteps)
        try container.encode(modelFits, forKey: .modelFits)
        try container.encodeIfPresent(trainingLoss, forKey: .trainingLoss)
        try container.encodeIfPresent(validationScore, forKey: .validationScore)
        try container.encode(planningSecondsPerAction, forKey: .planningSecondsPerAction)
        try container.encode(wallSeconds, forKey: .wallSeconds)
        if !metrics.isEmpty {
            try container.encode(metrics.mapValues { $0.isFinite ? $0 : nil } as [String: Double?], forKey: .metrics)
        }
    }
}
