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
    /// Mean seconds spent planning per action in this episode (0 for random actions).
    public var planningSecondsPerAction: Double
    /// Seconds since the run started (including time before a resume).
    public var wallSeconds: Double

    static let csvHeader = "episode,phase,return,length,total_steps,model_fits,training_loss,validation_score,planning_seconds_per_action,wall_seconds"

    var csvLine: String {
        func optional(_ value: Double?) -> String { value.map { "\($0)" } ?? "" }
        return "\(episode),\(phase),\(episodeReturn),\(length),\(totalSteps),\(modelFits),\(optional(trainingLoss)),\(optional(validationScore)),\(planningSecondsPerAction),\(wallSeconds)"
    }

    enum CodingKeys: String, CodingKey {
        case episode, phase, episodeReturn = "return", length, totalSteps, modelFits, trainingLoss, validationScore
        case planningSecondsPerAction, wallSeconds
    }
}
