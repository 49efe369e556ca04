import Dispatch
import Foundation
import MBRLCore
import Models
import Planners

/// The outer loop every planning algorithm runs (collect, fit, plan, act, aggregate), built
/// from a `Recipe`. The lectures' versions and PETS are settings of `LoopConfig`, not separate
/// code.
///
/// ```swift
/// let registry = ComponentRegistry()
/// registerEnvironments(in: registry); registerModels(in: registry); registerPlanners(in: registry)
/// let loop = try MBRLLoop(recipe: try Recipe.load(from: url), registry: registry)
/// let summary = try loop.run()
/// print(summary.trainingReturns)
/// ```
public final class MBRLLoop {
    // MARK: - Components

    /// The recipe, with overrides applied.
    public let recipe: Recipe
    /// The recipe with every default written out, as `recipe.json` stores it.
    public let resolvedRecipe: JSONValue
    var environment: any Environment
    var model: any DynamicsModel
    var planner: any Planner
    let rewardFunction: (any RewardFunction)?
    let terminationFunction: (any TerminationFunction)?
    var planningModel: any PlanningModel
    var buffer: ReplayBuffer

    // MARK: - State saved in checkpoints

    struct Position: Codable, Equatable {
        /// Exploration episodes completed.
        var explorationEpisodesDone = 0
        /// Training episodes completed.
        var trainingEpisodesDone = 0
        var totalSteps = 0
        var modelFits = 0
        /// `totalSteps` at the latest fit (so a fit is not repeated at the same step).
        var lastFitStep = -1
        var lastReport: ModelTrainingReport?
        var recordCount = 0
        var wallSecondsBefore = 0.0
        /// Set once a training episode reached `loop.stopAtReturn` (optional so that checkpoints
        /// written before the setting existed still load).
        var reachedStopReturn: Bool? = nil
    }

    var position = Position()
    var explorationGenerator: RandomGenerator
    var planningGenerator: RandomGenerator
    var trainingGenerator: RandomGenerator
    var episodeSeedGenerator: RandomGenerator
    var evaluationSeedGenerator: RandomGenerator

    // MARK: - Building

    /// Builds and checks every component; incompatible components fail here, before any step.
    public init(recipe: Recipe, registry: ComponentRegistry) throws {
        if recipe.policyOptimizer != nil {
            throw RecipeError(path: "policyOptimizer", message: "this recipe acts with a policy optimizer; run it with PolicyOptimizerLoop (mbrl-run run does so)")
        }
        if case .null = recipe.model {
            throw RecipeError(path: "model", message: "planning needs a model; name one, for example \"gaussian-ensemble\"")
        }
        self.recipe = recipe
        let seed = recipe.seed
        var modelSeedGenerator = RandomGenerator(seed: seed, stream: 4)
        let (environment, environmentJSON) = try registry.environments.build(recipe.environment, context: .init(seed: seed), path: "environment")
        let (model, modelJSON) = try registry.models.build(
            recipe.model,
            context: .init(observationSpace: environment.observationSpace, actionSpace: environment.actionSpace,
                           seed: modelSeedGenerator.next()),
            path: "model")
        // A latent model predicts latent states but takes the environment's raw observations.
        let modelObservationSize = (model as? any LatentDynamicsModel)?.rawObservationSize ?? model.observationSize
        let (planner, plannerJSON) = try registry.planners.build(
            recipe.planner, context: .init(observationSize: modelObservationSize, actionSpace: environment.actionSpace), path: "planner")
        self.environment = environment
        self.model = model
        self.planner = planner

        if recipe.planning.reward == "environment" {
            guard let known = environment as? any KnownRewardEnvironment else {
                throw RecipeError(path: "planning.reward",
                                  message: "\(environment.id) has no known reward function; use \"learned\" with a model that has a reward head")
            }
            rewardFunction = known.rewardFunction
            terminationFunction = known.terminationFunction
        } else {
            guard model.predictsRewards else {
                throw RecipeError(path: "planning.reward", message: "\"learned\" needs a model with a reward head (enable it in the model's config)")
            }
            rewardFunction = nil
            terminationFunction = nil
        }
        guard modelObservationSize == environment.observationSize else {
            throw RecipeError(path: "model", message: "the model predicts \(modelObservationSize) observation entries but \(environment.id) has \(environment.observationSize)")
        }
        planningModel = try MBRLLoop.makePlanningModel(model: model, planner: planner, actionSpace: environment.actionSpace,
                                                       rewardFunction: rewardFunction, terminationFunction: terminationFunction,
                                                       planning: recipe.planning)
        do {
            try planner.checkCompatibility(with: planningModel)
        } catch {
            throw RecipeError(path: "planner", message: "\(error)")
        }
        buffer = ReplayBuffer(capacity: recipe.loop.bufferCapacity, observationSize: environment.observationSize,
                              actionSize: environment.actionSize)
        explorationGenerator = RandomGenerator(seed: seed, stream: 1)
        planningGenerator = RandomGenerator(seed: seed, stream: 2)
        trainingGenerator = RandomGenerator(seed: seed, stream: 3)
        episodeSeedGenerator = RandomGenerator(seed: seed, stream: 5)
        evaluationSeedGenerator = RandomGenerator(seed: seed, stream: 6)

        resolvedRecipe = .object([
            "name": .string(recipe.name), "description": .string(recipe.description), "seed": .number(Double(seed)),
            "environment": environmentJSON, "model": modelJSON, "planner": plannerJSON,
            "planning": try JSONValue(encoding: recipe.planning), "loop": try JSONValue(encoding: recipe.loop),
            "output": try JSONValue(encoding: recipe.output),
        ])
    }

    /// The planning model a planner consumes: a tree-search simulator for planners that step
    /// discrete actions, otherwise the particle-based sequence scorer (in the latent space, with
    /// the learned reward, for a latent model).
    static func makePlanningModel(model: any DynamicsModel, planner: any Planner, actionSpace: Space,
                                  rewardFunction: (any RewardFunction)?, terminationFunction: (any TerminationFunction)?,
                                  planning: PlanningConfig) throws -> any PlanningModel {
        if let latent = model as? any LatentDynamicsModel {
            guard rewardFunction == nil else {
                throw RecipeError(path: "planning.reward", message: "a latent model plans with its learned reward head; set planning.reward to \"learned\"")
            }
            guard planner.requirements.isSubset(of: [.sequenceScoring]) else {
                throw RecipeError(path: "planner", message: "planner \"\(planner.name)\" needs \(planner.requirements); a latent model offers scoring action sequences (use cem, icem, mppi or random-shooting)")
            }
            guard let propagation = PropagationMode(rawValue: planning.propagation)
                ?? (try? JSONValue.string(planning.propagation).decode(PropagationMode.self)) else {
                throw RecipeError(path: "planning.propagation",
                                  message: "unknown propagation \"\(planning.propagation)\"; valid: random-model, fixed-model, expectation")
            }
            return try latent.latentPlanningModel(actionSpace: actionSpace, particleCount: planning.particleCount,
                                                  propagation: propagation, discount: planning.discount)
        }
        func open<M: DynamicsModel>(_ model: M) throws -> any PlanningModel {
            if planner.requirements.contains(.discreteSimulation) {
                return try LearnedModelSimulator(model: model, actionSpace: actionSpace, rewardFunction: rewardFunction,
                                                 terminationFunction: terminationFunction)
            }
            if planner.requirements.contains(.linearization) {
                guard let rewardFunction else {
                    throw RecipeError(path: "planning.reward", message: "iLQR needs the environment's reward function (\"environment\")")
                }
                return try ModelLinearization(model: model, actionSpace: actionSpace, rewardFunction: rewardFunction)
            }
            guard let propagation = PropagationMode(rawValue: planning.propagation)
                ?? (try? JSONValue.string(planning.propagation).decode(PropagationMode.self)) else {
                throw RecipeError(path: "planning.propagation",
                                  message: "unknown propagation \"\(planning.propagation)\"; valid: random-model, fixed-model, expectation")
            }
            return try ModelEnvironment(model: model, actionSpace: actionSpace, rewardFunction: rewardFunction,
                                        terminationFunction: terminationFunction,
                                        config: .init(particleCount: planning.particleCount, propagation: propagation, discount: planning.discount))
        }
        return try open(model)
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
        var secondsPerStep: Double?

        while position.trainingEpisodesDone < loop.episodes {
            if loop.maxSteps > 0 && position.totalSteps >= loop.maxSteps { break }
            if position.reachedStopReturn == true { break }
            let isExploration = position.explorationEpisodesDone < loop.explorationEpisodes
                || position.totalSteps < loop.explorationSteps
            let episodeNumber = isExploration ? position.explorationEpisodesDone + 1 : position.trainingEpisodesDone + 1
            let episodesLeft = loop.episodes - position.trainingEpisodesDone
            let stepsLeftEstimate = Double(episodesLeft) * Double(max(1, meanEpisodeLength(recorder)))

            // MARK: Fit before planning
            if !isExploration, needsFitBeforeEpisode() {
                try fitModel(progress: progress)
            }

            // MARK: Collect one episode
            let outcome = try runEpisode(explore: isExploration, evaluate: false,
                                         seed: episodeSeedGenerator.next(), progress: progress, episodeNumber: episodeNumber,
                                         secondsPerStep: secondsPerStep, stepsLeft: stepsLeftEstimate)
            if isExploration { position.explorationEpisodesDone += 1 } else { position.trainingEpisodesDone += 1 }
            if let perStep = outcome.secondsPerStep { secondsPerStep = perStep }
            let record = EpisodeRecord(
                episode: episodeNumber, phase: isExploration ? "exploration" : "training",
                episodeReturn: outcome.episodeReturn, length: outcome.length, totalSteps: position.totalSteps,
                modelFits: position.modelFits, trainingLoss: position.lastReport?.trainingLoss,
                validationScore: position.lastReport?.validationScore,
                planningSecondsPerAction: outcome.planningSecondsPerAction,
                wallSeconds: position.wallSecondsBefore + Date().timeIntervalSince(started))
            try recorder.append(record)
            let trainingEpisodesLeft = Double(loop.episodes - position.trainingEpisodesDone)
            let secondsLeft = secondsPerTrainingEpisode(recorder).map { $0 * trainingEpisodesLeft }
                ?? secondsPerStep.map { $0 * trainingEpisodesLeft * Double(max(1, meanEpisodeLength(recorder))) }
            progress.finished(record, of: isExploration ? loop.explorationEpisodesTotal : loop.episodes, secondsLeft: secondsLeft)
            if !isExploration, let target = loop.stopAtReturn, outcome.episodeReturn >= target {
                position.reachedStopReturn = true
                progress.note("training episode \(episodeNumber) reached the return \(outcome.episodeReturn) >= stopAtReturn \(target); stopping")
            }

            // MARK: Evaluate
            if !isExploration, loop.evaluationEpisodes > 0, episodeNumber % loop.evaluateEvery == 0 {
                for evaluationIndex in 0..<loop.evaluationEpisodes {
                    let evaluation = try runEpisode(explore: false, evaluate: true, seed: evaluationSeedGenerator.next(),
                                                    progress: progress, episodeNumber: episodeNumber, secondsPerStep: nil, stepsLeft: 0)
                    let evaluationRecord = EpisodeRecord(
                        episode: episodeNumber, phase: "evaluation", episodeReturn: evaluation.episodeReturn,
                        length: evaluation.length, totalSteps: position.totalSteps, modelFits: position.modelFits,
                        trainingLoss: position.lastReport?.trainingLoss, validationScore: position.lastReport?.validationScore,
                        planningSecondsPerAction: evaluation.planningSecondsPerAction,
                        wallSeconds: position.wallSecondsBefore + Date().timeIntervalSince(started))
                    try recorder.append(evaluationRecord)
                    progress.finished(evaluationRecord, of: loop.episodes, evaluation: (evaluationIndex + 1, loop.evaluationEpisodes),
                                     secondsLeft: nil)
                }
            }

            // MARK: Checkpoint
            position.recordCount = recorder.records.count
            let episodesDone = position.explorationEpisodesDone + position.trainingEpisodesDone
            if episodesDone % loop.checkpointEvery == 0 || position.trainingEpisodesDone == loop.episodes
                || position.reachedStopReturn == true {
                try saveCheckpoint(to: recorder, wallSeconds: position.wallSecondsBefore + Date().timeIntervalSince(started))
            }
        }
        let wall = position.wallSecondsBefore + Date().timeIntervalSince(started)
        position.recordCount = recorder.records.count
        try saveCheckpoint(to: recorder, wallSeconds: wall)
        let summary = RunSummary(recipe: recipe.name, seed: recipe.seed, records: recorder.records,
                                 modelFits: position.modelFits, wallSeconds: wall)
        try recorder.finish(summary: summary, title: recipe.name)
        progress.note("run finished: \(summary.trainingEpisodes) episodes, \(summary.totalSteps) steps, outputs in \(recorder.directory.path)")
        return summary
    }

    struct EpisodeOutcome {
        var episodeReturn: Double
        var length: Int
        var planningSecondsPerAction: Double
        var secondsPerStep: Double?
    }

    /// One episode: random actions when exploring, otherwise planned (replanning every
    /// `replanEvery` steps). Training episodes store their data and may refit mid-episode.
    func runEpisode(explore: Bool, evaluate: Bool, seed: UInt64, progress: ProgressReporter, episodeNumber: Int,
                    secondsPerStep: Double?, stepsLeft: Double) throws -> EpisodeOutcome {
        let loop = recipe.loop
        var observation = try environment.reset(seed: seed)
        planner.reset()
        var episodeReturn = 0.0, length = 0, planningSeconds = 0.0, plannedActions = 0
        var plan: Plan?
        var planRow = 0
        // A latent model that sees several observations at once plans from their history.
        let historyLength = (model as? LatentModel)?.historyLength ?? 1
        var history = [[Float]](repeating: observation, count: historyLength)
        let episodeStart = DispatchTime.now().uptimeNanoseconds
        let randomPolicy = RandomPolicy(actionSpace: environment.actionSpace)
        while true {
            if !explore && !evaluate && loop.aggregateData && loop.trainEvery > 0
                && position.totalSteps % loop.trainEvery == 0 && position.lastFitStep != position.totalSteps {
                try fitModel(progress: progress)
                plan = nil
            }
            let action: [Float]
            if explore {
                action = try randomPolicy.action(for: observation, mode: .exploration, generator: &explorationGenerator)
            } else {
                if plan == nil || planRow >= loop.replanEvery || planRow >= (plan?.actions.rows ?? 0) {
                    let planStart = DispatchTime.now().uptimeNanoseconds
                    plan = try planner.plan(from: historyLength > 1 ? history.flatMap { $0 } : observation,
                                            model: planningModel, generator: &planningGenerator)
                    planningSeconds += Double(DispatchTime.now().uptimeNanoseconds - planStart) / 1e9
                    planRow = 0
                }
                action = plan?.actions.row(planRow) ?? []
                planRow += 1
                plannedActions += 1
            }
            let step = try environment.step(action)
            if !evaluate {
                if explore || loop.aggregateData {
                    try buffer.append(Transition(observation: observation, action: action, step: step))
                }
                position.totalSteps += 1
            }
            episodeReturn += Double(step.reward)
            length += 1
            observation = step.observation
            if historyLength > 1 { history = Array(history.dropFirst()) + [observation] }
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - episodeStart) / 1e9
            let rate = Double(length) / max(elapsed, 1e-9)
            progress.update(episode: episodeNumber, phase: evaluate ? "evaluation" : explore ? "exploration" : "training",
                            step: length, episodeReturn: episodeReturn, stepsPerSecond: rate,
                            secondsLeft: secondsPerStep.map { $0 * max(0, stepsLeft - Double(length)) })
            if step.isDone { break }
            if loop.maxEpisodeSteps > 0 && length >= loop.maxEpisodeSteps { break }
            if !evaluate && loop.maxSteps > 0 && position.totalSteps >= loop.maxSteps { break }
            // Exploration stops at exactly `explorationSteps` once the episode count is met, as
            // mbrl-lib's initial `rollout_agent_trajectories` does.
            if explore && position.explorationEpisodesDone + 1 >= loop.explorationEpisodes
                && loop.explorationSteps > 0 && position.totalSteps >= loop.explorationSteps { break }
        }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - episodeStart) / 1e9
        return EpisodeOutcome(episodeReturn: episodeReturn, length: length,
                              planningSecondsPerAction: plannedActions > 0 ? planningSeconds / Double(plannedActions) : 0,
                              secondsPerStep: explore || evaluate ? nil : elapsed / Double(max(length, 1)))
    }

    // MARK: - Model fitting

    /// Whether the model must be fitted before the next training episode: it was never fitted,
    /// or the loop refits after every episode (`trainEvery == 0`) with data aggregation on.
    func needsFitBeforeEpisode() -> Bool {
        guard model is any TrainableDynamicsModel else { return false }
        if position.modelFits == 0 { return true }
        return recipe.loop.aggregateData && recipe.loop.trainEvery == 0
    }

    /// Fits the model to everything in the buffer and rebuilds the planning model around it.
    func fitModel(progress: ProgressReporter) throws {
        guard var trainable = model as? any TrainableDynamicsModel else { return }
        guard !buffer.isEmpty else {
            throw RecipeError(path: "loop.explorationEpisodes", message: "the model has no data to fit; collect random data first (explorationEpisodes or explorationSteps)")
        }
        let report = try trainable.train(on: buffer, generator: &trainingGenerator)
        model = trainable
        position.modelFits += 1
        position.lastFitStep = position.totalSteps
        position.lastReport = report
        planningModel = try MBRLLoop.makePlanningModel(model: model, planner: planner, actionSpace: environment.actionSpace,
                                                       rewardFunction: rewardFunction, terminationFunction: terminationFunction,
                                                       planning: recipe.planning)
        if let latent = model as? any LatentDynamicsModel {
            try ReconstructionGallery.write(model: latent, buffer: buffer, title: "\(recipe.name): model fit \(position.modelFits)",
                                            to: recipe.runDirectory.appendingPathComponent(ReconstructionGallery.fileName))
        }
    }

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

    // MARK: - Checkpoints

    func saveCheckpoint(to recorder: RunRecorder, wallSeconds: Double) throws {
        var writer = CheckpointWriter()
        buffer.add(to: &writer, prefix: "replayBuffer")
        if let trainable = model as? any TrainableDynamicsModel, position.modelFits > 0 {
            try trainable.write(to: &writer, prefix: "model")
        }
        var saved = position
        saved.wallSecondsBefore = wallSeconds
        writer.setMetadata(saved, forKey: "position")
        writer.setMetadata([explorationGenerator, planningGenerator, trainingGenerator, episodeSeedGenerator, evaluationSeedGenerator],
                           forKey: "generators")
        writer.setMetadata(resolvedRecipe, forKey: "recipe")
        try writer.write(to: recorder.checkpointURL)
    }

    func restore(from recorder: RunRecorder) throws {
        guard FileManager.default.fileExists(atPath: recorder.checkpointURL.path) else {
            throw MBRLError.invalidArgument("\(recorder.directory.path) has no checkpoint to resume from (checkpoint.mbrl)")
        }
        let checkpoint = try Checkpoint(contentsOf: recorder.checkpointURL)
        let saved = try checkpoint.metadata(Position.self, forKey: "position")
        buffer = try ReplayBuffer(checkpoint: checkpoint, prefix: "replayBuffer")
        if saved.modelFits > 0, var trainable = model as? any TrainableDynamicsModel {
            try trainable.read(from: checkpoint, prefix: "model")
            model = trainable
            planningModel = try MBRLLoop.makePlanningModel(model: model, planner: planner, actionSpace: environment.actionSpace,
                                                           rewardFunction: rewardFunction, terminationFunction: terminationFunction,
                                                           planning: recipe.planning)
        }
        let generators = try checkpoint.metadata([RandomGenerator].self, forKey: "generators")
        guard generators.count == 5 else { throw MBRLError.fileFormat("checkpoint holds \(generators.count) generators, expected 5") }
        explorationGenerator = generators[0]
        planningGenerator = generators[1]
        trainingGenerator = generators[2]
        episodeSeedGenerator = generators[3]
        evaluationSeedGenerator = generators[4]
        position = saved
        try recorder.truncate(toRecords: saved.recordCount)
    }
}

// MARK: - Evaluating a saved agent

extension MBRLLoop {
    /// Loads the model from `directory`'s checkpoint and runs `episodes` evaluation episodes
    /// (planning without exploration, data not stored), returning their records.
    public func evaluateSaved(directory: URL, episodes: Int, seed: UInt64) throws -> [EpisodeRecord] {
        let recorder = try RunRecorder(directory: directory)
        guard FileManager.default.fileExists(atPath: recorder.checkpointURL.path) else {
            throw MBRLError.invalidArgument("\(directory.path) has no checkpoint.mbrl to evaluate")
        }
        let checkpoint = try Checkpoint(contentsOf: recorder.checkpointURL)
        let saved = try checkpoint.metadata(Position.self, forKey: "position")
        if saved.modelFits > 0, var trainable = model as? any TrainableDynamicsModel {
            try trainable.read(from: checkpoint, prefix: "model")
            model = trainable
            planningModel = try MBRLLoop.makePlanningModel(model: model, planner: planner, actionSpace: environment.actionSpace,
                                                           rewardFunction: rewardFunction, terminationFunction: terminationFunction,
                                                           planning: recipe.planning)
        }
        evaluationSeedGenerator = RandomGenerator(seed: seed, stream: 7)
        planningGenerator = RandomGenerator(seed: seed, stream: 8)
        let progress = ProgressReporter(setting: recipe.output.progress)
        var records: [EpisodeRecord] = []
        for index in 0..<episodes {
            let outcome = try runEpisode(explore: false, evaluate: true, seed: evaluationSeedGenerator.next(), progress: progress,
                                         episodeNumber: index + 1, secondsPerStep: nil, stepsLeft: 0)
            let record = EpisodeRecord(episode: index + 1, phase: "evaluation", episodeReturn: outcome.episodeReturn,
                                       length: outcome.length, totalSteps: saved.totalSteps, modelFits: saved.modelFits,
                                       trainingLoss: saved.lastReport?.trainingLoss, validationScore: saved.lastReport?.validationScore,
                                       planningSecondsPerAction: outcome.planningSecondsPerAction, wallSeconds: 0)
            progress.finished(record, of: episodes, secondsLeft: nil)
            records.append(record)
        }
        return records
    }
}
