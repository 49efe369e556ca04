import Dispatch
import Foundation
import MBRLCore

/// The outer loop for recipes with a `policyOptimizer` instead of a planner (Dyna-Q, prioritized
/// sweeping, and optimizers that train a policy through a learned model): act with the
/// optimizer's policy, store each real transition, refit the recipe's model (if it has one)
/// every `trainEvery` steps, and call `improve` after every real step.
///
/// It writes the same run directory as `MBRLLoop` (recipe.json, metrics.csv, events.jsonl,
/// summary.json, checkpoint.mbrl, learning_curve.svg). Runs resume from their checkpoint when the
/// optimizer is `Codable` (the built-in ones are); the checkpoint holds the optimizer's state,
/// the replay buffer, the model, the generators and the loop position.
///
/// ```swift
/// let registry = ComponentRegistry()
/// registerEnvironments(in: registry); registerPolicyOptimizers(in: registry)
/// let recipe = try Recipe(json: try JSONValue(parsing: """
///     {"environment": "DynaMaze-v0", "policyOptimizer": {"type": "dyna-q", "planningSteps": 50},
///      "loop": {"explorationEpisodes": 0, "episodes": 50}}
///     """))
/// let summary = try PolicyOptimizerLoop(recipe: recipe, registry: registry).run()
/// print(summary.trainingReturns)
/// ```
public final class PolicyOptimizerLoop {
    /// The recipe, with overrides applied.
    public let recipe: Recipe
    /// The recipe with every default written out, as `recipe.json` stores it.
    public let resolvedRecipe: JSONValue
    var environment: any Environment
    var optimizer: any PolicyOptimizer
    var model: (any DynamicsModel)?
    var buffer: ReplayBuffer

    struct Position: Codable, Equatable {
        var explorationEpisodesDone = 0
        var trainingEpisodesDone = 0
        var totalSteps = 0
        var modelFits = 0
        var lastFitStep = -1
        var lastReport: ModelTrainingReport?
        var recordCount = 0
        var wallSecondsBefore = 0.0
        var reachedStopReturn: Bool? = nil
    }

    var position = Position()
    var explorationGenerator: RandomGenerator
    var actingGenerator: RandomGenerator
    var trainingGenerator: RandomGenerator
    var episodeSeedGenerator: RandomGenerator
    var evaluationSeedGenerator: RandomGenerator
    var improvementGenerator: RandomGenerator

    /// Builds the environment, the optimizer and the model (if the recipe names one).
    ///
    /// - Throws: `RecipeError` when the recipe has no `policyOptimizer` or a component does not
    ///   fit the environment.
    public init(recipe: Recipe, registry: ComponentRegistry) throws {
        guard let optimizerSpecification = recipe.policyOptimizer else {
            throw RecipeError(path: "policyOptimizer", message: "this recipe has no policyOptimizer; run it with MBRLLoop (a planner)")
        }
        self.recipe = recipe
        let seed = recipe.seed
        var modelSeedGenerator = RandomGenerator(seed: seed, stream: 4)
        let (environment, environmentJSON) = try registry.environments.build(recipe.environment, context: .init(seed: seed), path: "environment")
        var modelJSON = JSONValue.null
        if case .null = recipe.model {
            model = nil
        } else {
            let (built, resolved) = try registry.models.build(
                recipe.model,
                context: .init(observationSpace: environment.observationSpace, actionSpace: environment.actionSpace,
                               seed: modelSeedGenerator.next()),
                path: "model")
            guard built.observationSize == environment.observationSize else {
                throw RecipeError(path: "model", message: "the model predicts \(built.observationSize) observation entries but \(environment.id) has \(environment.observationSize)")
            }
            model = built
            modelJSON = resolved
        }
        let (optimizer, optimizerJSON) = try registry.policyOptimizers.build(
            optimizerSpecification,
            context: .init(observationSpace: environment.observationSpace, actionSpace: environment.actionSpace, seed: seed),
            path: "policyOptimizer")
        self.environment = environment
        self.optimizer = optimizer
        buffer = ReplayBuffer(capacity: recipe.loop.bufferCapacity, observationSize: environment.observationSize,
                              actionSize: environment.actionSize)
        explorationGenerator = RandomGenerator(seed: seed, stream: 1)
        actingGenerator = RandomGenerator(seed: seed, stream: 2)
        trainingGenerator = RandomGenerator(seed: seed, stream: 3)
        episodeSeedGenerator = RandomGenerator(seed: seed, stream: 5)
        evaluationSeedGenerator = RandomGenerator(seed: seed, stream: 6)
        improvementGenerator = RandomGenerator(seed: seed, stream: 9)
        resolvedRecipe = .object([
            "name": .string(recipe.name), "description": .string(recipe.description), "seed": .number(Double(seed)),
            "environment": environmentJSON, "model": modelJSON, "policyOptimizer": optimizerJSON,
            "loop": try JSONValue(encoding: recipe.loop), "output": try JSONValue(encoding: recipe.output),
        ])
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
        while position.trainingEpisodesDone < loop.episodes {
            if loop.maxSteps > 0 && position.totalSteps >= loop.maxSteps { break }
            if position.reachedStopReturn == true { break }
            let isExploration = position.explorationEpisodesDone < loop.explorationEpisodes
                || position.totalSteps < loop.explorationSteps
            let episodeNumber = isExploration ? position.explorationEpisodesDone + 1 : position.trainingEpisodesDone + 1
            let outcome = try runEpisode(explore: isExploration, evaluate: false, seed: episodeSeedGenerator.next(),
                                         progress: progress, episodeNumber: episodeNumber)
            if isExploration { position.explorationEpisodesDone += 1 } else { position.trainingEpisodesDone += 1 }
            let record = EpisodeRecord(
                episode: episodeNumber, phase: isExploration ? "exploration" : "training",
                episodeReturn: outcome.episodeReturn, length: outcome.length, totalSteps: position.totalSteps,
                modelFits: position.modelFits, trainingLoss: position.lastReport?.trainingLoss,
                validationScore: position.lastReport?.validationScore, planningSecondsPerAction: outcome.improvementSecondsPerStep,
                wallSeconds: position.wallSecondsBefore + Date().timeIntervalSince(started))
            try recorder.append(record)
            progress.finished(record, of: isExploration ? loop.explorationEpisodesTotal : loop.episodes, secondsLeft: nil)
            if !isExploration, let target = loop.stopAtReturn, outcome.episodeReturn >= target {
                position.reachedStopReturn = true
                progress.note("training episode \(episodeNumber) reached the return \(outcome.episodeReturn) >= stopAtReturn \(target); stopping")
            }

            if !isExploration, loop.evaluationEpisodes > 0, episodeNumber % loop.evaluateEvery == 0 {
                for evaluationIndex in 0..<loop.evaluationEpisodes {
                    let evaluation = try runEpisode(explore: false, evaluate: true, seed: evaluationSeedGenerator.next(),
                                                    progress: progress, episodeNumber: episodeNumber)
                    let evaluationRecord = EpisodeRecord(
                        episode: episodeNumber, phase: "evaluation", episodeReturn: evaluation.episodeReturn,
                        length: evaluation.length, totalSteps: position.totalSteps, modelFits: position.modelFits,
                        trainingLoss: position.lastReport?.trainingLoss, validationScore: position.lastReport?.validationScore,
                        planningSecondsPerAction: 0, wallSeconds: position.wallSecondsBefore + Date().timeIntervalSince(started))
                    try recorder.append(evaluationRecord)
                    progress.finished(evaluationRecord, of: loop.episodes, evaluation: (evaluationIndex + 1, loop.evaluationEpisodes),
                                     secondsLeft: nil)
                }
            }

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
        var improvementSecondsPerStep: Double
    }

    /// One episode: random actions when exploring, the optimizer's policy otherwise (its
    /// evaluation mode when evaluating). Exploration and training steps are stored and
    /// improve the optimizer; evaluation steps are neither.
    func runEpisode(explore: Bool, evaluate: Bool, seed: UInt64, progress: ProgressReporter, episodeNumber: Int) throws -> EpisodeOutcome {
        let loop = recipe.loop
        var observation = try environment.reset(seed: seed)
        var episodeReturn = 0.0, length = 0, improvementSeconds = 0.0
        let randomPolicy = RandomPolicy(actionSpace: environment.actionSpace)
        let episodeStart = DispatchTime.now().uptimeNanoseconds
        while true {
            if !evaluate, model != nil, loop.trainEvery > 0, position.totalSteps > 0,
               position.totalSteps % loop.trainEvery == 0, position.lastFitStep != position.totalSteps {
                try fitModel()
            }
            let action: [Float]
            if explore {
                action = try randomPolicy.action(for: observation, mode: .exploration, generator: &explorationGenerator)
            } else {
                action = try optimizer.policy.action(for: observation, mode: evaluate ? .evaluation : .exploration,
                                                     generator: &actingGenerator)
            }
            let step = try environment.step(action)
            if !evaluate {
                let transition = Transition(observation: observation, action: action, step: step)
                try buffer.append(transition)
                position.totalSteps += 1
                let improveStart = DispatchTime.now().uptimeNanoseconds
                _ = try optimizer.improve(after: transition, buffer: buffer, model: model, generator: &improvementGenerator)
                improvementSeconds += Double(DispatchTime.now().uptimeNanoseconds - improveStart) / 1e9
            }
            episodeReturn += Double(step.reward)
            length += 1
            observation = step.observation
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - episodeStart) / 1e9
            progress.update(episode: episodeNumber, phase: evaluate ? "evaluation" : explore ? "exploration" : "training",
                            step: length, episodeReturn: episodeReturn, stepsPerSecond: Double(length) / max(elapsed, 1e-9),
                            secondsLeft: nil)
            if step.isDone { break }
            if loop.maxEpisodeSteps > 0 && length >= loop.maxEpisodeSteps { break }
            if !evaluate && loop.maxSteps > 0 && position.totalSteps >= loop.maxSteps { break }
            if explore && position.explorationEpisodesDone + 1 >= loop.explorationEpisodes
                && loop.explorationSteps > 0 && position.totalSteps >= loop.explorationSteps { break }
        }
        if !evaluate { optimizer.endEpisode() }
        return EpisodeOutcome(episodeReturn: episodeReturn, length: length,
                              improvementSecondsPerStep: evaluate ? 0 : improvementSeconds / Double(max(length, 1)))
    }

    /// Fits the recipe's model to everything in the buffer.
    func fitModel() throws {
        guard var trainable = model as? any TrainableDynamicsModel else { return }
        let report = try trainable.train(on: buffer, generator: &trainingGenerator)
        model = trainable
        position.modelFits += 1
        position.lastFitStep = position.totalSteps
        position.lastReport = report
    }

    // MARK: - Checkpoints

    func saveCheckpoint(to recorder: RunRecorder, wallSeconds: Double) throws {
        var writer = CheckpointWriter()
        buffer.add(to: &writer, prefix: "replayBuffer")
        if let trainable = model as? any TrainableDynamicsModel, position.modelFits > 0 {
            try trainable.write(to: &writer, prefix: "model")
        }
        if let codable = optimizer as? any Encodable {
            writer.setMetadata(codable, forKey: "policyOptimizer")
        }
        var saved = position
        saved.wallSecondsBefore = wallSeconds
        writer.setMetadata(saved, forKey: "position")
        writer.setMetadata([explorationGenerator, actingGenerator, trainingGenerator, episodeSeedGenerator,
                            evaluationSeedGenerator, improvementGenerator], forKey: "generators")
        writer.setMetadata(resolvedRecipe, forKey: "recipe")
        try writer.write(to: recorder.checkpointURL)
    }

    func restore(from recorder: RunRecorder) throws {
        guard FileManager.default.fileExists(atPath: recorder.checkpointURL.path) else {
            throw MBRLError.invalidArgument("\(recorder.directory.path) has no checkpoint to resume from (checkpoint.mbrl)")
        }
        let checkpoint = try Checkpoint(contentsOf: recorder.checkpointURL)
        try restoreOptimizer(from: checkpoint)
        let saved = try checkpoint.metadata(Position.self, forKey: "position")
        buffer = try ReplayBuffer(checkpoint: checkpoint, prefix: "replayBuffer")
        if saved.modelFits > 0, var trainable = model as? any TrainableDynamicsModel {
            try trainable.read(from: checkpoint, prefix: "model")
            model = trainable
        }
        let generators = try checkpoint.metadata([RandomGenerator].self, forKey: "generators")
        guard generators.count == 6 else { throw MBRLError.fileFormat("checkpoint holds \(generators.count) generators, expected 6") }
        explorationGenerator = generators[0]
        actingGenerator = generators[1]
        trainingGenerator = generators[2]
        episodeSeedGenerator = generators[3]
        evaluationSeedGenerator = generators[4]
        improvementGenerator = generators[5]
        position = saved
        try recorder.truncate(toRecords: saved.recordCount)
    }

    /// Replaces the optimizer with the state saved in `checkpoint`.
    func restoreOptimizer(from checkpoint: Checkpoint) throws {
        func decode<Optimizer: PolicyOptimizer>(_ current: Optimizer) throws -> any PolicyOptimizer {
            guard let decodable = Optimizer.self as? any (PolicyOptimizer & Decodable).Type else {
                throw MBRLError.incompatible(
                    "the policy optimizer \"\(current.name)\" is not Codable, so its state is not saved and the run cannot be resumed; run it again from the start")
            }
            guard checkpoint.containsMetadata(forKey: "policyOptimizer") else {
                throw MBRLError.fileFormat("the checkpoint holds no policy-optimizer state")
            }
            func read<Saved: PolicyOptimizer & Decodable>(_ type: Saved.Type) throws -> any PolicyOptimizer {
                try checkpoint.metadata(Saved.self, forKey: "policyOptimizer")
            }
            return try read(decodable)
        }
        optimizer = try decode(optimizer)
    }

    // MARK: - Evaluating a saved agent

    /// Loads the optimizer saved in `directory`'s checkpoint and runs `episodes` evaluation
    /// episodes with its policy's evaluation mode (data not stored, no improvement).
    public func evaluateSaved(directory: URL, episodes: Int, seed: UInt64) throws -> [EpisodeRecord] {
        let recorder = try RunRecorder(directory: directory)
        guard FileManager.default.fileExists(atPath: recorder.checkpointURL.path) else {
            throw MBRLError.invalidArgument("\(directory.path) has no checkpoint.mbrl to evaluate")
        }
        let checkpoint = try Checkpoint(contentsOf: recorder.checkpointURL)
        try restoreOptimizer(from: checkpoint)
        let saved = try checkpoint.metadata(Position.self, forKey: "position")
        evaluationSeedGenerator = RandomGenerator(seed: seed, stream: 7)
        actingGenerator = RandomGenerator(seed: seed, stream: 8)
        let progress = ProgressReporter(setting: recipe.output.progress)
        var records: [EpisodeRecord] = []
        for index in 0..<episodes {
            let outcome = try runEpisode(explore: false, evaluate: true, seed: evaluationSeedGenerator.next(),
                                         progress: progress, episodeNumber: index + 1)
            let record = EpisodeRecord(episode: index + 1, phase: "evaluation", episodeReturn: outcome.episodeReturn,
                                       length: outcome.length, totalSteps: saved.totalSteps, modelFits: saved.modelFits,
                                       trainingLoss: nil, validationScore: nil, planningSecondsPerAction: 0, wallSeconds: 0)
            progress.finished(record, of: episodes, secondsLeft: nil)
            records.append(record)
        }
        return records
    }
}
