import MBRLCore

/// MB-MF (Nagabandi et al. 2018, "Neural network dynamics for model-based deep reinforcement
/// learning with model-free fine-tuning") as a policy optimizer in three stages, each a setting
/// of the one loop through the optimizer's `actingRequest`:
///
/// 1. **planning**: the recipe's planner acts through the recipe's model (MPC, refitted on the
///    loop's schedule) for `plannerEpisodes` training episodes; every step's action is stored as
///    a label for its observation;
/// 2. **imitation** (DAgger, Ross et al. 2011): the policy is fitted to the labels by
///    `PolicyRegression`; then, `daggerIterations` times, the policy acts (its deterministic
///    action) for `episodesPerIteration` episodes while the planner labels every visited
///    observation, the labels are aggregated with the earlier ones, and the policy is refitted
///    on all of them (continuing from its weights and Adam moments);
/// 3. **fine-tuning**: the imitated policy is handed over to the model-free `fineTuner` (SAC or
///    TRPO) with a set initial standard deviation (`ImitationFineTunable` says how the mean maps
///    for each), and the fine-tuner learns from real steps alone; the model is no longer
///    refitted. With `criticWarmupSteps`, SAC's actor stays fixed for that many steps while its
///    critics learn from the data so far and the new steps.
///
/// The policy that acts in stage 2 is the fine-tuner's own network (a copy), so the hand-over is
/// exact: the fine-tuner's first deterministic action is the imitation's. SAC's replay buffer is
/// the loop's, so it also samples the planner's and the imitation's transitions. Logged:
/// `mbmfStage` (0, 1, 2), `imitationLoss` (the last refit's), `labelledRows`, and the
/// fine-tuner's metrics.
///
/// ```json
/// "policyOptimizer": {"type": "mb-mf", "plannerEpisodes": 5, "daggerIterations": 3,
///                     "fineTuner": {"type": "sac", "learningRate": 0.001}},
/// "planner": {"type": "cem"}, "model": {"type": "gaussian-ensemble"}
/// ```
public struct ModelBasedModelFree<FineTuner: ImitationFineTunable>: Sendable {
    /// The stages, in order.
    public enum Stage: Int, Sendable {
        case planning = 0, imitation = 1, fineTuning = 2
    }

    /// The settings.
    public let config: ModelBasedModelFreeConfig
    /// The model-free learner (untouched until the hand-over).
    public internal(set) var fineTuner: FineTuner
    /// The policy imitation trains (the fine-tuner's network, handed over at stage 3).
    public internal(set) var imitated: FineTuner.ImitatedPolicy
    /// The supervised regression (its Adam moments carry over between DAgger's refits).
    public internal(set) var regression: PolicyRegression
    /// The current stage.
    public internal(set) var stage = Stage.planning
    /// Labelled observations `[N, obs]`, row-major.
    public internal(set) var labelledObservations: [Float] = []
    /// The planner's actions at them `[N, act]`, row-major.
    public internal(set) var labels: [Float] = []
    /// Planner episodes finished.
    public internal(set) var plannerEpisodesDone = 0
    /// DAgger refits done after the first fit.
    public internal(set) var daggerIterationsDone = 0
    /// Episodes of the current DAgger iteration finished.
    var iterationEpisodesDone = 0
    /// Whether the current episode belongs to the loop's exploration phase.
    var episodeIsExploration = false
    /// Metrics of the last refit, reported with the next step.
    var pendingMetrics: [String: Double] = [:]
    /// The draws of the regression's minibatches.
    var generator: RandomGenerator

    /// An MB-MF optimizer around `fineTuner`.
    ///
    /// - Throws: `MBRLError.invalidArgument` for bad regression settings.
    public init(config: ModelBasedModelFreeConfig, fineTuner: FineTuner, seed: UInt64) throws {
        self.config = config
        self.fineTuner = fineTuner
        imitated = fineTuner.imitationPolicy
        regression = try PolicyRegression(learningRate: config.learningRate, epochs: config.epochs, batchSize: config.batchSize)
        generator = RandomGenerator(seed: seed, stream: 15)
    }

    /// The number of labelled rows.
    public var labelledRowCount: Int { labels.count / max(imitated.actionSize, 1) }

    /// Stores `label` for `observation`.
    ///
    /// - Throws: `MBRLError.shapeMismatch` naming both shapes when the planner's action or the
    ///   observation does not fit the policy.
    mutating func addLabel(_ label: [Float], for observation: [Float]) throws {
        guard label.count == imitated.actionSize else {
            throw MBRLError.shapeMismatch("mb-mf: the planner's action has \(label.count) entries ([\(label.count)]) but the policy acts with [\(imitated.actionSize)]")
        }
        guard observation.count == imitated.observationSize else {
            throw MBRLError.shapeMismatch("mb-mf: the observation has shape [\(observation.count)] but the policy takes [\(imitated.observationSize)]")
        }
        labelledObservations.append(contentsOf: observation)
        labels.append(contentsOf: label)
    }

    /// Fits the imitated policy to every label so far.
    mutating func refit() throws {
        let rows = labelledRowCount
        guard rows > 0 else {
            throw MBRLError.invalidArgument("mb-mf: no labelled states to imitate; the planner must act for at least one episode (plannerEpisodes)")
        }
        let observations = Matrix(rows: rows, columns: imitated.observationSize, values: labelledObservations)
        let targets = Matrix(rows: rows, columns: imitated.actionSize, values: labels)
        let loss = try regression.fit(&imitated, observations: observations, targets: targets, generator: &generator)
        pendingMetrics["imitationLoss"] = Double(loss)
    }

    /// Hands the imitated policy to the fine-tuner and starts stage 3.
    mutating func handOver() throws {
        try fineTuner.handOver(imitated, initialStandardDeviation: config.initialStandardDeviation)
        if config.criticWarmupSteps > 0 { fineTuner.holdPolicy(forSteps: config.criticWarmupSteps) }
        stage = .fineTuning
    }

    /// Ends an episode of the current stage: moves on when the stage's episodes are done.
    mutating func finishEpisode() throws {
        if episodeIsExploration {
            episodeIsExploration = false
            return
        }
        switch stage {
        case .planning:
            plannerEpisodesDone += 1
            guard plannerEpisodesDone >= config.plannerEpisodes else { return }
            try refit()
            if config.daggerIterations == 0 { try handOver() } else { stage = .imitation }
        case .imitation:
            iterationEpisodesDone += 1
            guard iterationEpisodesDone >= config.episodesPerIteration else { return }
            iterationEpisodesDone = 0
            try refit()
            daggerIterationsDone += 1
            if daggerIterationsDone >= config.daggerIterations { try handOver() }
        case .fineTuning:
            try fineTuner.endEpisode()
        }
    }
}
