import MBRLCore

/// The run's random streams, one per purpose, all derived from the recipe's seed, so that a
/// change in one part (say, a planner drawing more samples) does not shift the draws of another
/// (the episode seeds). Saved in every checkpoint.
struct RandomStreams: Codable, Equatable {
    /// Random actions in exploration episodes (stream 1).
    var exploration: RandomGenerator
    /// Planners' and policies' draws when acting in training and evaluation episodes (stream 2).
    var acting: RandomGenerator
    /// Model fits (stream 3). Stream 4 initialises the model's weights when it is built.
    var training: RandomGenerator
    /// Seeds of the environment's resets in exploration and training episodes (stream 5).
    var episodeSeeds: RandomGenerator
    /// Seeds of the environment's resets in evaluation episodes (stream 6).
    var evaluationSeeds: RandomGenerator
    /// The policy optimizer's draws (stream 9).
    var improvement: RandomGenerator

    init(seed: UInt64) {
        exploration = RandomGenerator(seed: seed, stream: 1)
        acting = RandomGenerator(seed: seed, stream: 2)
        training = RandomGenerator(seed: seed, stream: 3)
        episodeSeeds = RandomGenerator(seed: seed, stream: 5)
        evaluationSeeds = RandomGenerator(seed: seed, stream: 6)
        improvement = RandomGenerator(seed: seed, stream: 9)
    }

    /// The streams for evaluating a saved run with `seed` (`mbrl-run eval`).
    static func forEvaluation(seed: UInt64) -> RandomStreams {
        var streams = RandomStreams(seed: seed)
        streams.evaluationSeeds = RandomGenerator(seed: seed, stream: 7)
        streams.acting = RandomGenerator(seed: seed, stream: 8)
        return streams
    }
}

/// Where a run stands: saved in every checkpoint, restored on resume.
struct LoopPosition: Codable, Equatable {
    /// Exploration episodes completed.
    var explorationEpisodesDone = 0
    /// Training episodes completed.
    var trainingEpisodesDone = 0
    /// Environment steps stored (exploration and training).
    var totalSteps = 0
    var modelFits = 0
    /// `totalSteps` at the latest fit (so a fit is not repeated at the same step).
    var lastFitStep = -1
    var lastReport: ModelTrainingReport?
    /// Episode records covered by the checkpoint.
    var recordCount = 0
    var wallSecondsBefore = 0.0
    /// Set once a training episode reached `loop.stopAtReturn`.
    var reachedStopReturn = false
}
