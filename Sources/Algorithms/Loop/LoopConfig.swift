import MBRLCore

/// The outer loop's settings; each key means the same in every recipe, whoever acts (planner,
/// policy, expert) and whatever learns (a model, a policy optimizer, both). The lectures' MBRL
/// versions are settings of this one loop:
///
/// - v0.5: `aggregateData: false`: collect `explorationEpisodes` with random actions, fit once,
///   then act by planning without refitting.
/// - v1.0: `aggregateData: true, trainEvery: 0`: the planner's own data is added and the model
///   refit after every episode (fighting distribution shift).
/// - v1.5 (MPC): `replanEvery: 1` and `trainEvery: N`: replan every step, execute the first
///   action, refit every `N` environment steps. PETS is v1.5 with a probabilistic ensemble,
///   trajectory sampling and CEM.
/// - Policy learning (Dyna-Q, and optimizers trained on real or model data): a policy optimizer
///   is shown every stored step and every model fit; `trainEvery` paces the model fits it sees.
public struct LoopConfig: DocumentedConfig, Equatable {
    /// Episodes acted by the exploration agent (`acting.exploration`, random by default) before
    /// the first training episode.
    public var explorationEpisodes = 1
    /// Exploration steps collected before the first training episode, over as many episodes as it
    /// takes (the last one cut at exactly this many, as mbrl-lib's `initial_exploration_steps`);
    /// 0 for none.
    public var explorationSteps = 0

    /// The exploration episodes when their number is fixed (`explorationSteps` is 0), for
    /// progress lines; nil when the step count decides.
    var explorationEpisodesTotal: Int? { explorationSteps == 0 ? explorationEpisodes : nil }
    /// Training episodes after exploration, acted by `acting.training` (the planner, or the
    /// policy optimizer's policy).
    public var episodes = 10
    /// Stop after this many environment steps in all (exploration included); 0 for no limit.
    public var maxSteps = 0
    /// Cut every episode (exploration, training and evaluation) after this many steps; 0 keeps
    /// the environment's own limit. Needed for environments without a time limit (the Dyna
    /// mazes) when a deterministic policy could walk in a circle forever.
    public var maxEpisodeSteps = 0
    /// Store the training episodes' transitions in the replay buffer and refit on them (v1.0 and
    /// later); false keeps only the exploration data and fits once (v0.5). A policy optimizer is
    /// shown every step either way.
    public var aggregateData = true
    /// Refit the model every this many environment steps (counting exploration, as mbrl-lib's
    /// `freq_train_model`), during training episodes; 0 refits before every training episode
    /// instead. The first fit always comes before the first training episode. Ignored without a
    /// trainable model.
    public var trainEvery = 50
    /// A planning agent replans every this many steps, executing the plan's next actions (with
    /// iLQR's feedback gains) in between (1 is MPC).
    public var replanEvery = 1
    /// Evaluation episodes (acted by `acting.evaluation` in evaluation mode: no exploration
    /// noise; data neither stored nor shown to the optimizer) after every `evaluateEvery`
    /// training episodes; 0 for none.
    public var evaluationEpisodes = 0
    /// See `evaluationEpisodes`.
    public var evaluateEvery = 1
    /// Transitions the replay buffer holds.
    public var bufferCapacity = 1_000_000
    /// Write a checkpoint every this many episodes.
    public var checkpointEvery = 1
    /// Stop the run after the first training episode whose return reaches this value (for
    /// example 200 on cart-pole, to time a run to its first solved episode); `nil` runs every
    /// episode.
    public var stopAtReturn: Double? = nil
    /// Physical states that exploration and training episodes start from in turn (episode `i`,
    /// counting exploration and training together, from state `i mod count`), for tasks trained
    /// from a fixed set of initial conditions (guided policy search); empty (the default) keeps
    /// the environment's own reset distribution. Needs an environment that can start from a given
    /// state (`InitialStateEnvironment`); the agent is told the condition's index.
    public var initialStates: [[Double]] = []
    /// Physical states that the episodes of every evaluation round start from in turn (episode
    /// `j` of a round from state `j mod count`), for example held-out conditions; empty uses
    /// `initialStates` (and the reset distribution when that is empty too).
    public var evaluationInitialStates: [[Double]] = []
    /// Where model fits take their data: `"pooled"` (default) fits on every stored transition
    /// alike; `"expert-and-learner"` keeps the exploration agent's transitions (and
    /// `expertTransitions`) as the expert data `D_expert` and the training episodes' as the
    /// learner data `D_learner`, and every fit draws `expertFraction` of its training set from
    /// the first and the rest from the second (DAgger for models, Ross & Bagnell 2012). Needs a
    /// trainable model and no policy optimizer (which sees one buffer).
    ///
    /// ```json
    /// "loop": {"trainEvery": 0, "evaluationEpisodes": 2, "modelData": "expert-and-learner", "expertFraction": 0.5, "keepBestModel": true}
    /// ```
    public var modelData = "pooled"
    /// With `modelData` `"expert-and-learner"`: the share of every fit's training set drawn from
    /// the expert data, in `[0, 1]` (default 0.5; 1 fits on expert data only, 0 on learner data
    /// only once there is some). A fit before any learner data uses the expert data alone.
    public var expertFraction = 0.5
    /// A file of expert transitions added to the exploration data before the first episode
    /// (empty: none): a replay-buffer file (`expert-transitions.mbrl`, which
    /// `"expert-and-learner"` runs write, or any `ReplayBuffer.save(to:)` file), a run's
    /// `checkpoint.mbrl` (its stored transitions), or a run directory (its `checkpoint.mbrl`).
    public var expertTransitions = ""
    /// After every evaluation, keep the model of the iteration with the best mean evaluation
    /// return so far in the run directory's `best-model.mbrl` (`mbrl-run eval DIR --model best`
    /// plans with it); `summary.json` names the iteration either way.
    public var keepBestModel = false

    /// Whether fits mix expert and learner data (`modelData` is `"expert-and-learner"`).
    public var separatesExpertData: Bool { modelData == "expert-and-learner" }

    public init() {}
    public static var defaults: Self { Self() }

    public static let keyDescriptions = [
        "explorationEpisodes": "episodes acted by the exploration agent (random by default) before the first training episode",
        "explorationSteps": "random steps before the first fit, over as many episodes as needed (0: none)",
        "episodes": "training episodes after exploration (acted by the planner or the policy)",
        "maxSteps": "stop after this many environment steps in all (0: no limit)",
        "maxEpisodeSteps": "cut every episode after this many steps (0: the environment's own limit)",
        "aggregateData": "store training episodes' data and refit (v1.0+); false fits once on exploration data (v0.5)",
        "trainEvery": "refit every N environment steps during training episodes (0: before every training episode)",
        "replanEvery": "replan every N steps (1: MPC)",
        "evaluationEpisodes": "noise-free evaluation episodes after every evaluateEvery episodes (0: none)",
        "evaluateEvery": "episodes between evaluations",
        "bufferCapacity": "transitions kept in the replay buffer",
        "checkpointEvery": "episodes between checkpoints",
        "stopAtReturn": "stop after the first training episode whose return reaches this (null: never)",
        "initialStates": "physical states exploration and training episodes start from in turn (empty: the reset distribution)",
        "evaluationInitialStates": "physical states each evaluation round's episodes start from in turn (empty: initialStates)",
        "modelData": "pooled (fit on all data alike) or expert-and-learner (fits mix exploration/expert data and training-episode data)",
        "expertFraction": "with expert-and-learner: share of every fit's training set drawn from the expert data (0 to 1)",
        "expertTransitions": "a file of expert transitions (replay-buffer file, checkpoint.mbrl or run directory) added to the exploration data (empty: none)",
        "keepBestModel": "keep the model of the iteration with the best mean evaluation return in best-model.mbrl",
    ]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case explorationEpisodes, explorationSteps, episodes, maxSteps, maxEpisodeSteps, aggregateData, trainEvery, replanEvery
        case evaluationEpisodes, evaluateEvery, bufferCapacity, checkpointEvery, stopAtReturn
        case initialStates, evaluationInitialStates
        case modelData, expertFraction, expertTransitions, keepBestModel
    }

    static let modelDataChoices = ["pooled", "expert-and-learner"]

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = LoopConfig()
        explorationEpisodes = try container.decode(Int.self, forKey: .explorationEpisodes, default: defaults.explorationEpisodes, in: 0...1_000_000)
        explorationSteps = try container.decode(Int.self, forKey: .explorationSteps, default: defaults.explorationSteps, in: 0...Int.max)
        episodes = try container.decode(Int.self, forKey: .episodes, default: defaults.episodes, in: 0...10_000_000)
        maxSteps = try container.decode(Int.self, forKey: .maxSteps, default: defaults.maxSteps, in: 0...Int.max)
        maxEpisodeSteps = try container.decode(Int.self, forKey: .maxEpisodeSteps, default: defaults.maxEpisodeSteps, in: 0...Int.max)
        aggregateData = try container.decode(Bool.self, forKey: .aggregateData, default: defaults.aggregateData)
        trainEvery = try container.decode(Int.self, forKey: .trainEvery, default: defaults.trainEvery, in: 0...Int.max)
        replanEvery = try container.decode(Int.self, forKey: .replanEvery, default: defaults.replanEvery, in: 1...100_000)
        evaluationEpisodes = try container.decode(Int.self, forKey: .evaluationEpisodes, default: defaults.evaluationEpisodes, in: 0...10_000)
        evaluateEvery = try container.decode(Int.self, forKey: .evaluateEvery, default: defaults.evaluateEvery, in: 1...1_000_000)
        bufferCapacity = try container.decode(Int.self, forKey: .bufferCapacity, default: defaults.bufferCapacity, in: 1...Int.max)
        checkpointEvery = try container.decode(Int.self, forKey: .checkpointEvery, default: defaults.checkpointEvery, in: 1...1_000_000)
        stopAtReturn = try container.decodeIfPresent(Double.self, forKey: .stopAtReturn)
        if let stopAtReturn, !stopAtReturn.isFinite {
            throw DecodingError.dataCorruptedError(forKey: .stopAtReturn, in: container,
                                                   debugDescription: "stopAtReturn must be a finite number or null")
        }
        modelData = try container.decode(String.self, forKey: .modelData, default: defaults.modelData)
        guard Self.modelDataChoices.contains(modelData) else {
            throw DecodingError.dataCorruptedError(forKey: .modelData, in: container,
                                                   debugDescription: "modelData must be \"pooled\" or \"expert-and-learner\", got \"\(modelData)\"\(NameSuggestions.hint(for: modelData, in: Self.modelDataChoices))")
        }
        expertFraction = try container.decode(Double.self, forKey: .expertFraction, default: defaults.expertFraction, in: 0...1)
        expertTransitions = try container.decode(String.self, forKey: .expertTransitions, default: defaults.expertTransitions)
        keepBestModel = try container.decode(Bool.self, forKey: .keepBestModel, default: defaults.keepBestModel)
        if keepBestModel && evaluationEpisodes == 0 {
            throw DecodingError.dataCorruptedError(forKey: .keepBestModel, in: container,
                                                   debugDescription: "keepBestModel picks the iteration by its evaluation return; set evaluationEpisodes to 1 or more")
        }
        initialStates = try container.decode([[Double]].self, forKey: .initialStates, default: [])
        evaluationInitialStates = try container.decode([[Double]].self, forKey: .evaluationInitialStates, default: [])
        for (key, states) in [(CodingKeys.initialStates, initialStates), (.evaluationInitialStates, evaluationInitialStates)] {
            if let bad = states.firstIndex(where: { $0.isEmpty || !$0.allSatisfy(\.isFinite) }) {
                throw DecodingError.dataCorruptedError(forKey: key, in: container,
                                                       debugDescription: "state \(bad) must be a non-empty list of finite numbers")
            }
        }
    }

    /// The initial state of an evaluation episode (index `index` within its round), or nil.
    func evaluationInitialState(_ index: Int) -> (condition: Int, state: [Double])? {
        let states = evaluationInitialStates.isEmpty ? initialStates : evaluationInitialStates
        guard !states.isEmpty else { return nil }
        return (index % states.count, states[index % states.count])
    }

    /// The initial state of the exploration or training episode that `episodesDone` episodes precede.
    func initialState(afterEpisodes episodesDone: Int) -> (condition: Int, state: [Double])? {
        guard !initialStates.isEmpty else { return nil }
        return (episodesDone % initialStates.count, initialStates[episodesDone % initialStates.count])
    }

    /// Encodes every key, `stopAtReturn` as `null` when unset, so a resolved recipe lists them all.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(explorationEpisodes, forKey: .explorationEpisodes)
        try container.encode(explorationSteps, forKey: .explorationSteps)
        try container.encode(episodes, forKey: .episodes)
        try container.encode(maxSteps, forKey: .maxSteps)
        try container.encode(maxEpisodeSteps, forKey: .maxEpisodeSteps)
        try container.encode(aggregateData, forKey: .aggregateData)
        try container.encode(trainEvery, forKey: .trainEvery)
        try container.encode(replanEvery, forKey: .replanEvery)
        try container.encode(evaluationEpisodes, forKey: .evaluationEpisodes)
        try container.encode(evaluateEvery, forKey: .evaluateEvery)
        try container.encode(bufferCapacity, forKey: .bufferCapacity)
        try container.encode(checkpointEvery, forKey: .checkpointEvery)
        if let stopAtReturn { try container.encode(stopAtReturn, forKey: .stopAtReturn) } else { try container.encodeNil(forKey: .stopAtReturn) }
        try container.encode(initialStates, forKey: .initialStates)
        try container.encode(evaluationInitialStates, forKey: .evaluationInitialStates)
        try container.encode(modelData, forKey: .modelData)
        try container.encode(expertFraction, forKey: .expertFraction)
        try container.encode(expertTransitions, forKey: .expertTransitions)
        try container.encode(keepBestModel, forKey: .keepBestModel)
    }
}

/// How plans are scored through the model.
public struct PlanningConfig: DocumentedConfig, Equatable {
    /// Particles per candidate sequence.
    public var particleCount = 20
    /// How particles use an ensemble's members.
    public var propagation = "random-model"
    /// Reward source of imagined steps, for planners and for policy optimizers' model rollouts:
    /// `"environment"` (the environment's known reward function) or `"learned"` (the model's
    /// reward head; terminations then come from the model's termination head when it has one,
    /// otherwise from the environment's known termination rule, for example the MuJoCo tasks'
    /// rules in `GymnasiumTerminationFunctions`), or `"goal-image"` (planners score a sequence
    /// by the latent similarity of its predicted states to the goal image's encoding, on an
    /// environment whose observations end with a goal image; `GoalImagePlanningModel`).
    public var reward = "environment"
    /// Discount of later rewards within the horizon.
    public var discount: Float = 1

    public init() {}
    public static var defaults: Self { Self() }

    public static let keyDescriptions = [
        "particleCount": "particles per candidate action sequence",
        "propagation": "random-model (TS1), fixed-model (TS-infinity) or expectation",
        "reward": "reward of imagined steps (planners and policy optimizers): environment (the known reward function), learned (the model's reward head) or goal-image (latent similarity to the observation's goal image)",
        "discount": "discount of later rewards within the planning horizon",
    ]

    enum CodingKeys: String, CodingKey, CaseIterable { case particleCount, propagation, reward, discount }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        particleCount = try container.decode(Int.self, forKey: .particleCount, default: 20, in: 1...100_000)
        propagation = try container.decode(String.self, forKey: .propagation, default: "random-model")
        reward = try container.decode(String.self, forKey: .reward, default: "environment")
        discount = try container.decode(Float.self, forKey: .discount, default: 1, in: 0.000_001...1)
        guard ["environment", "learned", "goal-image"].contains(reward) else {
            throw DecodingError.dataCorruptedError(forKey: .reward, in: container,
                                                   debugDescription: "reward must be \"environment\", \"learned\" or \"goal-image\", got \"\(reward)\"")
        }
    }
}

/// Where and how a run writes its outputs.
public struct OutputConfig: DocumentedConfig, Equatable {
    /// The run directory; empty for `runs/<recipe name>-seed<seed>`.
    public var directory = ""
    /// Progress display: `"auto"` (a progress line on a terminal, log lines otherwise), `"lines"`
    /// or `"quiet"`.
    public var progress = "auto"

    public init() {}
    public static var defaults: Self { Self() }

    public static let keyDescriptions = [
        "directory": "the run directory (empty: runs/<recipe name>-seed<seed>)",
        "progress": "auto, lines or quiet",
    ]

    enum CodingKeys: String, CodingKey, CaseIterable { case directory, progress }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        directory = try container.decode(String.self, forKey: .directory, default: "")
        progress = try container.decode(String.self, forKey: .progress, default: "auto")
        guard ["auto", "lines", "quiet"].contains(progress) else {
            throw DecodingError.dataCorruptedError(forKey: .progress, in: container,
                                                   debugDescription: "progress must be auto, lines or quiet, got \"\(progress)\"")
        }
    }
}
