import Dispatch
import Foundation
import MBRLCore
import Models

/// The one outer loop every algorithm runs: collect, fit, improve, act, aggregate, evaluate.
/// An algorithm is a choice of components (environment, model, planner and/or policy optimizer,
/// who acts) and `LoopConfig` settings, never a loop of its own:
///
/// - planning (v0.5, v1.0, v1.5/MPC, PETS): a model and a planner, the planner acting;
/// - policy learning (Dyna-Q, and learners trained on model data or real data): a policy
///   optimizer, its policy acting, with or without a model;
/// - both: a planner acting while a policy optimizer learns from its data (imitation of MPC),
///   or an expert (a true-dynamics planner, a saved policy) collecting data.
///
/// A policy optimizer that works in stages says through its `actingRequest`, read at the start
/// of every episode, who acts in training (and evaluation) episodes: the recipe's planner or its
/// own policy; whether the planner labels every stored step's observation (`plannerLabel` in
/// the optimizer's context: DAgger's expert labels); and whether the model is still refitted.
/// MB-MF runs its three stages (MPC, DAgger imitation, model-free fine-tuning) this way.
///
/// Episodes are read top to bottom in `run` and `runEpisode`; `LoopComponents` builds the
/// pieces, `RandomStreams` and `LoopPosition` hold the state a checkpoint saves.
///
/// ```swift
/// let registry = ComponentRegistry()
/// registerEnvironments(in: registry); registerModels(in: registry); registerPlanners(in: registry)
/// let loop = try MBRLLoop(recipe: try Recipe.load(from: url), registry: registry)
/// let summary = try loop.run()
/// print(summary.trainingReturns)
/// ```
public final class MBRLLoop {
    /// The recipe, with overrides applied.
    public let recipe: Recipe
    /// The recipe with every default written out, as `recipe.json` stores it.
    public var resolvedRecipe: JSONValue { components.resolvedRecipe }
    var components: LoopComponents
    var agents: LoopAgents
    /// Every stored transition, or with `loop.modelData` `"expert-and-learner"` the expert data
    /// `D_expert` (exploration episodes and `loop.expertTransitions`).
    var buffer: ReplayBuffer
    /// With `"expert-and-learner"`: the training episodes' transitions, `D_learner`; empty otherwise.
    var learnerBuffer: ReplayBuffer
    var position = LoopPosition()
    var streams: RandomStreams

    /// Builds and checks every component; incompatible components fail here, before any step.
    public init(recipe: Recipe, registry: ComponentRegistry) throws {
        self.recipe = recipe
        components = try LoopComponents(recipe: recipe, registry: registry)
        agents = try LoopAgents(recipe: recipe, registry: registry, components: components)
        buffer = ReplayBuffer(capacity: recipe.loop.bufferCapacity, observationSize: components.environment.observationSize,
                              actionSize: components.environment.actionSize)
        learnerBuffer = ReplayBuffer(capacity: recipe.loop.bufferCapacity, observationSize: components.environment.observationSize,
                                     actionSize: components.environment.actionSize)
        if !recipe.loop.expertTransitions.isEmpty {
            let expert = try ExpertTransitionsFile.load(recipe.loop.expertTransitions, environment: components.environment)
            try buffer.append(expert.all())
        }
        if recipe.loop.separatesExpertData && components.optimizer != nil {
            throw RecipeError(path: "loop.modelData", message: "\"expert-and-learner\" splits the data of model fits, but a policy optimizer sees one replay buffer; use \"pooled\" with a policyOptimizer")
        }
        if recipe.loop.separatesExpertData && !(components.model is any TrainableDynamicsModel) {
            throw RecipeError(path: "loop.modelData", message: "\"expert-and-learner\" mixes the data of model fits, but the recipe has no trainable model")
        }
        streams = RandomStreams(seed: recipe.seed)
    }

    /// The kind of episode: its agent, whether its data is stored, its log name.
    enum Phase: String {
        case exploration, training, evaluation
    }

    // MARK: - Running

    /// Runs the recipe to the end, writing the run directory; with `resume`, continues from the
    /// directory's last checkpoint.
    public func run(resume: Bool = false, allowOverwrite: Bool = false) throws -> RunSummary {
        let recorder = try RunRecorder(directory: recipe.runDirectory)
        let progress = ProgressReporter(setting: recipe.output.progress)
        if resume {
            try restore(from: recorder)
            progress.note("resuming \(recipe.name) at training episode \(position.trainingEpisodesDone + 1) (\(position.totalSteps) steps done)")
        } else {
            try recorder.start(resolvedRecipe: resolvedRecipe, allowOverwrite: allowOverwrite)
        }
        let started = Date()
        let loop = recipe.loop
        func wallSeconds() -> Double { position.wallSecondsBefore + Date().timeIntervalSince(started) }
        var secondsPerStep: Double?

        while position.trainingEpisodesDone < loop.episodes && !position.reachedStopReturn {
            if loop.maxSteps > 0 && position.totalSteps >= loop.maxSteps { break }
            let phase: Phase = position.explorationEpisodesDone < loop.explorationEpisodes
                || position.totalSteps < loop.explorationSteps ? .exploration : .training
            let episodeNumber = phase == .exploration ? position.explorationEpisodesDone + 1 : position.trainingEpisodesDone + 1
            var metrics = MetricAccumulator()

            // MARK: Fit before the episode (the first fit, or every episode with trainEvery 0)
            if phase == .training, needsFitBeforeEpisode() {
                metrics.add(try fitModel())
            }

            // MARK: Act, store, improve (and refit every trainEvery steps)
            var stepsLeft = Double(loop.episodes - position.trainingEpisodesDone) * Double(max(1, meanEpisodeLength(recorder)))
            if loop.maxSteps > 0 { stepsLeft = min(stepsLeft, Double(max(0, loop.maxSteps - position.totalSteps))) }
            let start = loop.initialState(afterEpisodes: position.explorationEpisodesDone + position.trainingEpisodesDone)
            let outcome = try runEpisode(phase, seed: streams.episodeSeeds.next(), start: start, episodeNumber: episodeNumber, metrics: &metrics,
                                         progress: progress, secondsPerStep: secondsPerStep, stepsLeft: stepsLeft)
            if phase == .exploration { position.explorationEpisodesDone += 1 } else { position.trainingEpisodesDone += 1 }
            if let perStep = outcome.secondsPerStep { secondsPerStep = perStep }
            let record = makeRecord(episode: episodeNumber, phase: phase, outcome: outcome, metrics: metrics.means,
                                    wallSeconds: wallSeconds())
            try recorder.append(record)
            // Episodes left: by the episode count, or by the step budget when it ends the run first.
            var trainingEpisodesLeft = Double(loop.episodes - position.trainingEpisodesDone)
            if loop.maxSteps > 0 {
                trainingEpisodesLeft = min(trainingEpisodesLeft,
                                           Double(max(0, loop.maxSteps - position.totalSteps)) / Double(max(1, meanEpisodeLength(recorder))))
            }
            let secondsLeft = secondsPerTrainingEpisode(recorder).map { $0 * trainingEpisodesLeft }
                ?? secondsPerStep.map { $0 * trainingEpisodesLeft * Double(max(1, meanEpisodeLength(recorder))) }
            progress.finished(record, of: phase == .exploration ? loop.explorationEpisodesTotal : loop.episodes, secondsLeft: secondsLeft)
            if phase == .training, let target = loop.stopAtReturn, outcome.episodeReturn >= target {
                position.reachedStopReturn = true
                progress.note("training episode \(episodeNumber) reached the return \(outcome.episodeReturn) >= stopAtReturn \(target); stopping")
            }

            // MARK: Evaluate
            if phase == .training, loop.evaluationEpisodes > 0, episodeNumber % loop.evaluateEvery == 0 {
                for evaluationIndex in 0..<loop.evaluationEpisodes {
                    var evaluationMetrics = MetricAccumulator()
                    let evaluation = try runEpisode(.evaluation, seed: streams.evaluationSeeds.next(),
                                                    start: loop.evaluationInitialState(evaluationIndex), episodeNumber: episodeNumber,
                                                    metrics: &evaluationMetrics, progress: progress, secondsPerStep: nil, stepsLeft: 0)
                    let evaluationRecord = makeRecord(episode: episodeNumber, phase: .evaluation, outcome: evaluation,
                                                      metrics: evaluationMetrics.means, wallSeconds: wallSeconds())
                    try recorder.append(evaluationRecord)
                    progress.finished(evaluationRecord, of: loop.episodes, evaluation: (evaluationIndex + 1, loop.evaluationEpisodes),
                                     secondsLeft: nil)
                }
                // MARK: Keep the best iteration's model
                if loop.keepBestModel, let best = BestIteration.select(from: recorder.records), best.episode == episodeNumber {
                    try saveBestModel(best, to: recorder)
                    progress.note("iteration \(episodeNumber) has the best mean evaluation return so far (\(best.meanReturn)); its model is in \(BestModelFile.fileName)")
                }
            }

            // MARK: Checkpoint
            position.recordCount = recorder.records.count
            let episodesDone = position.explorationEpisodesDone + position.trainingEpisodesDone
            if episodesDone % loop.checkpointEvery == 0 || position.trainingEpisodesDone == loop.episodes || position.reachedStopReturn {
                try saveCheckpoint(to: recorder, wallSeconds: wallSeconds())
            }
        }
        let wall = wallSeconds()
        position.recordCount = recorder.records.count
        try saveCheckpoint(to: recorder, wallSeconds: wall)
        if loop.separatesExpertData {
            try buffer.save(to: recorder.directory.appendingPathComponent(ExpertTransitionsFile.fileName))
        }
        let summary = RunSummary(recipe: recipe.name, seed: recipe.seed, records: recorder.records,
                                 modelFits: position.modelFits, wallSeconds: wall)
        try recorder.finish(summary: summary, title: recipe.name)
        progress.note("run finished: \(summary.trainingEpisodes) episodes, \(summary.totalSteps) steps, outputs in \(recorder.directory.path)")
        return summary
    }

    struct EpisodeOutcome {
        var episodeReturn: Double
        var length: Int
        /// Seconds the agent took per action.
        var secondsPerAction: Double
        /// Wall seconds per step of a training episode (for the time-left estimate).
        var secondsPerStep: Double?
    }

    /// One episode with the phase's agent. Exploration and training steps are stored (training
    /// steps only with `aggregateData`), counted, and passed to the policy optimizer; training
    /// episodes refit the model every `trainEvery` steps. Evaluation steps are neither. With
    /// `start`, the episode begins from that initial condition's physical state and the agent and
    /// the optimizer are told the condition's index.
    func runEpisode(_ phase: Phase, seed: UInt64, start: (condition: Int, state: [Double])? = nil, episodeNumber: Int,
                    metrics: inout MetricAccumulator, progress: ProgressReporter, secondsPerStep: Double?,
                    stepsLeft: Double) throws -> EpisodeOutcome {
        let loop = recipe.loop
        let stores = phase != .evaluation
        let request = phase == .exploration ? ActingRequest.recipe : components.optimizer?.optimizer.actingRequest ?? .recipe
        let actingAgent = try requestedAgent(phase, request: request)
        let labels = stores && request.plannerLabels && phase != .exploration
        if labels && agents.planner == nil {
            throw RecipeError(path: "planner", message: "the policy optimizer asks the recipe's planner to label states, but the recipe names no planner and model")
        }
        var observation: [Float]
        if let start {
            guard var startable = components.environment as? any InitialStateEnvironment else {
                throw RecipeError(path: "loop.initialStates", message: "\(components.environment.id) cannot start from a given state")
            }
            observation = try startable.reset(seed: seed, initialState: start.state)
            components.environment = startable
        } else {
            observation = try components.environment.reset(seed: seed)
        }
        // Values fixed for this episode (a domain-randomized environment's drawn parameters).
        if let reporting = components.environment as? any EpisodeParameterReporting {
            metrics.add(Dictionary(uniqueKeysWithValues: reporting.episodeParameters.map { ("env.\($0.key)", $0.value) }))
        }
        try withAgent(phase, actingAgent) { try $0.reset(observation: observation, condition: start?.condition) }
        if labels && actingAgent != .planner { try agents.planner?.reset(observation: observation, condition: start?.condition) }
        var episodeReturn = 0.0, lastReward = 0.0, length = 0, actingSeconds = 0.0, improvementSeconds = 0.0, labellingSeconds = 0.0
        var terminated = false
        let episodeStart = DispatchTime.now().uptimeNanoseconds
        while true {
            // MARK: Refit every trainEvery steps (training episodes)
            if phase == .training && loop.aggregateData && loop.trainEvery > 0 && request.modelFits
                && position.totalSteps % loop.trainEvery == 0 && position.lastFitStep != position.totalSteps
                && components.model is any TrainableDynamicsModel {
                metrics.add(try fitModel())
            }

            // MARK: Act
            let actStart = DispatchTime.now().uptimeNanoseconds
            let action: [Float] = try withAgent(phase, actingAgent) { agent in
                if var synchronized = agent as? any EnvironmentSynchronizedAgent {
                    try synchronized.synchronize(with: components.environment)
                    agent = synchronized
                }
                if phase == .exploration {
                    return try agent.act(on: observation, mode: .exploration, generator: &streams.exploration)
                }
                return try agent.act(on: observation, mode: phase == .evaluation ? .evaluation : .exploration, generator: &streams.acting)
            }
            let agentMetrics = try withAgent(phase, actingAgent) { $0.actionMetrics }
            if !agentMetrics.isEmpty { metrics.add(agentMetrics) }
            actingSeconds += Double(DispatchTime.now().uptimeNanoseconds - actStart) / 1e9

            // MARK: Label (the planner's action at this observation, for an imitating optimizer)
            var label: [Float]?
            if labels {
                if actingAgent == .planner {
                    label = action
                } else if var planner = agents.planner {
                    let labelStart = DispatchTime.now().uptimeNanoseconds
                    label = try planner.act(on: observation, mode: .evaluation, generator: &streams.acting)
                    agents.planner = planner
                    labellingSeconds += Double(DispatchTime.now().uptimeNanoseconds - labelStart) / 1e9
                }
            }
            let step = try components.environment.step(action)

            // MARK: Store and improve
            if stores {
                let transition = Transition(observation: observation, action: action, step: step)
                if phase == .exploration {
                    try buffer.append(transition)
                } else if loop.aggregateData {
                    if loop.separatesExpertData { try learnerBuffer.append(transition) } else { try buffer.append(transition) }
                }
                position.totalSteps += 1
                if let handle = components.optimizer {
                    let improveStart = DispatchTime.now().uptimeNanoseconds
                    var context = optimizerContext(isExploration: phase == .exploration)
                    context.plannerLabel = label
                    context.episodeCondition = start?.condition
                    context.episodeStep = length
                    metrics.add(try handle.optimizer.improve(after: transition, context: context, generator: &streams.improvement))
                    improvementSeconds += Double(DispatchTime.now().uptimeNanoseconds - improveStart) / 1e9
                }
            }
            episodeReturn += Double(step.reward)
            lastReward = Double(step.reward)
            length += 1
            observation = step.observation
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - episodeStart) / 1e9
            progress.update(episode: episodeNumber, phase: phase.rawValue, step: length, episodeReturn: episodeReturn,
                            stepsPerSecond: Double(length) / max(elapsed, 1e-9),
                            secondsLeft: secondsPerStep.map { $0 * max(0, stepsLeft - Double(length)) })

            // MARK: End of episode
            terminated = step.terminated
            if step.isDone { break }
            if loop.maxEpisodeSteps > 0 && length >= loop.maxEpisodeSteps { break }
            if stores && loop.maxSteps > 0 && position.totalSteps >= loop.maxSteps { break }
            // Exploration stops at exactly `explorationSteps` once the episode count is met, as
            // mbrl-lib's initial `rollout_agent_trajectories` does.
            if phase == .exploration && position.explorationEpisodesDone + 1 >= loop.explorationEpisodes
                && loop.explorationSteps > 0 && position.totalSteps >= loop.explorationSteps { break }
        }
        if stores { try components.optimizer?.optimizer.endEpisode() }
        // 1 when the episode ended in a terminal state (a goal reached, a pole fallen), 0 when it
        // was cut by a time limit or the loop.
        metrics.add(["terminated": terminated ? 1 : 0])
        // The reward of the episode's last step (how close a reaching task ended to its goal).
        metrics.add(["finalReward": lastReward])
        if stores && components.optimizer != nil { metrics.add(["improvementSecondsPerStep": improvementSeconds / Double(max(length, 1))]) }
        if labels && actingAgent != .planner { metrics.add(["labellingSecondsPerStep": labellingSeconds / Double(max(length, 1))]) }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - episodeStart) / 1e9
        return EpisodeOutcome(episodeReturn: episodeReturn, length: length, secondsPerAction: actingSeconds / Double(max(length, 1)),
                              secondsPerStep: phase == .training ? elapsed / Double(max(length, 1)) : nil)
    }

    /// The agent the optimizer's `request` names for an episode of `phase`: training episodes,
    /// and evaluation episodes when the recipe names no evaluation agent; nil for the recipe's.
    func requestedAgent(_ phase: Phase, request: ActingRequest) throws -> ActingRequest.RequestedAgent? {
        guard let requested = request.agent, phase == .training || (phase == .evaluation && recipe.acting.evaluation == nil) else {
            return nil
        }
        if requested == .planner && agents.planner == nil {
            throw RecipeError(path: "planner", message: "the policy optimizer asks the recipe's planner to act, but the recipe names no planner and model")
        }
        return requested
    }

    /// Runs `body` on the agent `requested` names, else on the agent of `phase`, in place.
    func withAgent<Result>(_ phase: Phase, _ requested: ActingRequest.RequestedAgent? = nil,
                           _ body: (inout any Agent) throws -> Result) throws -> Result {
        if let requested {
            let keyPath: WritableKeyPath<LoopAgents, (any Agent)?> = requested == .planner ? \.planner : \.policy
            guard var agent = agents[keyPath: keyPath] else {
                throw RecipeError(path: "acting", message: "the policy optimizer asks for its \(requested.rawValue) to act, but the recipe has none")
            }
            defer { agents[keyPath: keyPath] = agent }
            return try body(&agent)
        }
        switch phase {
        case .exploration: return try body(&agents.exploration)
        case .training: return try body(&agents.training)
        case .evaluation: return try body(&agents.evaluation)
        }
    }

    /// What the policy optimizer sees at a call.
    func optimizerContext(isExploration: Bool) -> PolicyOptimizerContext {
        PolicyOptimizerContext(buffer: buffer, model: components.model, rewardFunction: components.rewardFunction,
                               terminationFunction: components.terminationFunction,
                               observationSpace: components.environment.observationSpace,
                               actionSpace: components.environment.actionSpace,
                               totalSteps: position.totalSteps, modelFits: position.modelFits, isExploration: isExploration,
                               stepsBetweenModelFits: recipe.loop.aggregateData ? recipe.loop.trainEvery : 0)
    }

    func makeRecord(episode: Int, phase: Phase, outcome: EpisodeOutcome, metrics: [String: Double], wallSeconds: Double) -> EpisodeRecord {
        EpisodeRecord(episode: episode, phase: phase.rawValue, episodeReturn: outcome.episodeReturn, length: outcome.length,
                      totalSteps: position.totalSteps, modelFits: position.modelFits,
                      trainingLoss: position.lastReport?.trainingLoss, validationScore: position.lastReport?.validationScore,
                      planningSecondsPerAction: phase == .exploration ? 0 : outcome.secondsPerAction, wallSeconds: wallSeconds,
                      metrics: metrics)
    }

    // MARK: - Model fitting

    /// Whether the model must be fitted before the next training episode: it was never fitted,
    /// or the loop refits after every episode (`trainEvery == 0`) with data aggregation on.
    func needsFitBeforeEpisode() -> Bool {
        guard components.model is any TrainableDynamicsModel else { return false }
        if position.modelFits == 0 { return true }
        let request = components.optimizer?.optimizer.actingRequest ?? .recipe
        return recipe.loop.aggregateData && recipe.loop.trainEvery == 0 && request.modelFits
    }

    /// Fits the model to everything in the buffer, tells the agents and the policy optimizer,
    /// and returns the fit's metrics (`modelFitEpochs`) with the optimizer's.
    func fitModel() throws -> [String: Double] {
        guard var trainable = components.model as? any TrainableDynamicsModel else { return [:] }
        guard !buffer.isEmpty || !learnerBuffer.isEmpty else {
            throw RecipeError(path: "loop.explorationEpisodes", message: "the model has no data to fit; collect data first (explorationEpisodes or explorationSteps)")
        }
        var sourceMetrics: [String: Double] = [:]
        let report: ModelTrainingReport
        if recipe.loop.separatesExpertData {
            let data = try modelTrainingSet()
            sourceMetrics = ["modelFitExpertRows": Double(data.firstRows), "modelFitLearnerRows": Double(data.secondRows)]
            report = try trainable.train(on: data.buffer, generator: &streams.training)
        } else {
            report = try trainable.train(on: buffer, generator: &streams.training)
        }
        components.model = trainable
        position.modelFits += 1
        position.lastFitStep = position.totalSteps
        position.lastReport = report
        try modelDidChange()
        var fitMetrics = ["modelFitEpochs": Double(report.epochs)].merging(sourceMetrics) { _, new in new }
        if let latent = trainable as? any LatentDynamicsModel, latent.hasDecoder {
            try ReconstructionGallery.write(model: latent, buffer: buffer, title: "\(recipe.name): model fit \(position.modelFits)",
                                            to: recipe.runDirectory.appendingPathComponent(ReconstructionGallery.fileName))
        }
        if let handle = components.optimizer {
            let optimizerMetrics = try handle.optimizer.modelDidFit(context: optimizerContext(isExploration: false),
                                                                    generator: &streams.improvement)
            fitMetrics.merge(optimizerMetrics) { _, new in new }
        }
        return fitMetrics
    }

    /// The training set of the next fit with `"expert-and-learner"`: as many rows as both sources
    /// hold, `loop.expertFraction` of them from the expert data and the rest from the learner's
    /// (expert data alone before the first training episode). Draws from `streams.training`.
    func modelTrainingSet() throws -> TwoSourceDataset.TrainingSet {
        let data = try TwoSourceDataset(first: buffer, second: learnerBuffer, firstFraction: Float(recipe.loop.expertFraction))
        return try data.trainingSet(generator: &streams.training)
    }

    /// Hands the current model to every agent (planners rebuild their planning model).
    func modelDidChange() throws {
        guard let model = components.model else { return }
        try agents.modelDidChange(model)
    }

    // MARK: - Time estimates

    /// The mean wall time between the ends of the last four training episodes (model fits
    /// included, which dominate with some models), or nil before two have ended.
    func secondsPerTrainingEpisode(_ recorder: RunRecorder) -> Double? {
        let ends = recorder.records.filter { $0.phase == "training" }.suffix(4).map(\.wallSeconds)
        guard ends.count >= 2, let first = ends.first, let last = ends.last, last > first else { return nil }
        return (last - first) / Double(ends.count - 1)
    }

    /// The mean length of recent training episodes (exploration episodes when there are none
    /// yet), for the time-left estimate.
    func meanEpisodeLength(_ recorder: RunRecorder) -> Int {
        let training = recorder.records.filter { $0.phase == "training" }.suffix(3).map(\.length)
        let lengths = training.isEmpty ? recorder.records.filter { $0.phase == "exploration" }.map(\.length) : training
        return lengths.isEmpty ? 200 : lengths.reduce(0, +) / lengths.count
    }
}
