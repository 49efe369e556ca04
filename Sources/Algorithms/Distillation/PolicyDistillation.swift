import Foundation
import MBRLCore

/// Policy distillation (Rusu et al. 2015, "Policy Distillation"; lecture notes 5.7.3): one
/// student policy learns to match the action distributions of one or several teachers, loaded
/// from their run directories, by minimising `KL(teacher || student)` on states the teachers
/// label. One teacher and a smaller student is compression; several teachers, each trained on
/// its own task, and one student is multi-task distillation (the task must be visible in the
/// observation, as `PointMass-v0`'s goal is).
///
/// The steps, top to bottom in `run()`:
/// 1. load every teacher and refuse, before any step, a teacher whose observation or action
///    space differs from the environment's or from the first teacher's (naming both);
/// 2. build the student of the teachers' family (`DistillationTeacher.Kind`) and evaluate it
///    untrained;
/// 3. each round: collect `episodesPerRound` episodes per teacher with the actor `states` names
///    and label every visited state with that teacher's distribution; then `updatesPerRound`
///    Adam steps on minibatches drawn equally from each teacher's labelled states;
/// 4. evaluate teachers and student on every teacher's environment (same start states), and
///    save the student as a run directory (`"distilled-policy"`) that `mbrl-run eval` and the
///    `"saved-policy"` agent load, with the results in `distillation.json`.
///
/// ```swift
/// var config = PolicyDistillationConfig()
/// config.teachers = ["runs/sac-pendulum-seed0"]
/// config.student.hiddenSizes = [32, 32]
/// let result = try PolicyDistillation(config: config, registry: registry).run()
/// print(result.tasks[0].studentReturn, result.tasks[0].teacherReturn)
/// ```
public struct PolicyDistillation {
    /// The settings.
    public let config: PolicyDistillationConfig
    /// Builds environments and the teachers' saved policy optimizers.
    public let registry: ComponentRegistry
    /// Progress lines (round losses, evaluations); nil for silence.
    public var log: ((String) -> Void)?

    /// The teachers, loaded and checked.
    public let teachers: [DistillationTeacher]
    /// The environment specification of each teacher's task (its own or `config.environment`).
    public let taskEnvironments: [JSONValue]

    /// Loads and checks every teacher; nothing is collected or trained yet.
    ///
    /// - Throws: `RecipeError` at `teachers[i]` for a missing or unreadable run directory or a
    ///   policy that cannot teach; at `teachers[i]` or `environment` when spaces differ, naming
    ///   both shapes.
    public init(config: PolicyDistillationConfig, registry: ComponentRegistry, log: ((String) -> Void)? = nil) throws {
        self.config = config
        self.registry = registry
        self.log = log
        var teachers: [DistillationTeacher] = []
        for (index, path) in config.teachers.enumerated() {
            teachers.append(try DistillationTeacher.load(run: URL(fileURLWithPath: path), registry: registry,
                                                         temperature: config.temperature, path: "teachers[\(index)]"))
        }
        // The spaces every teacher must share: the configured environment's, else the first teacher's.
        let reference: (name: String, observations: Space, actions: Space)
        if let environment = config.environment {
            let built = try registry.environments.build(Recipe.normalizedEnvironment(environment), context: .init(seed: config.seed), path: "environment").product
            reference = ("the environment \(built.id)", built.observationSpace, built.actionSpace)
        } else {
            reference = ("teachers[0] (\(teachers[0].run.path), on \(teachers[0].environmentID))", teachers[0].observationSpace, teachers[0].actionSpace)
        }
        for (index, teacher) in teachers.enumerated() {
            let name = "teachers[\(index)] (\(teacher.run.path), trained on \(teacher.environmentID))"
            if teacher.observationSpace != reference.observations {
                throw RecipeError(path: "teachers[\(index)]", message:
                    "\(name) observes \(Self.describe(teacher.observationSpace)) but \(reference.name) observes \(Self.describe(reference.observations)); every teacher must share the student's spaces")
            }
            if teacher.actionSpace != reference.actions {
                throw RecipeError(path: "teachers[\(index)]", message:
                    "\(name) acts in \(Self.describe(teacher.actionSpace)) but \(reference.name) acts in \(Self.describe(reference.actions)); every teacher must share the student's spaces")
            }
            if teacher.kind != teachers[0].kind {
                throw RecipeError(path: "teachers[\(index)]", message:
                    "\(name) has a \(teacher.kind.rawValue) policy but teachers[0] has a \(teachers[0].kind.rawValue) one; one student learns from teachers of one family")
            }
        }
        self.teachers = teachers
        self.taskEnvironments = teachers.map { config.environment.map(Recipe.normalizedEnvironment) ?? $0.environmentSpecification }
    }

    /// A space in words with its shape: `Box of shape [3] in [-1, 1] x ...`, `Discrete(2)`.
    static func describe(_ space: Space) -> String {
        switch space {
        case .box(let box):
            let bounds = zip(box.lowerBound, box.upperBound).map { "[\(Self.format($0)), \(Self.format($1))]" }.joined(separator: " x ")
            return "Box of shape [\(box.size)] (\(bounds))"
        case .discrete(let discrete):
            return "Discrete(\(discrete.count))"
        }
    }

    static func format(_ value: Float) -> String {
        value == value.rounded() && abs(value) < 1e9 ? String(Int(value)) : String(value)
    }

    // MARK: - Running

    /// Collects, trains and evaluates as the config says, then saves the student in
    /// `config.outputDirectory` (refusing an existing run there unless `allowOverwrite`).
    public func run(allowOverwrite: Bool = false) throws -> PolicyDistillationResult {
        let outputDirectory = URL(fileURLWithPath: config.outputDirectory)
        if !allowOverwrite, FileManager.default.fileExists(atPath: outputDirectory.appendingPathComponent("recipe.json").path) {
            throw MBRLError.invalidArgument("\(outputDirectory.path) already holds a run; choose another --out or pass --overwrite")
        }
        var studentConfig = config.student
        studentConfig.policy = teachers[0].kind
        var generator = RandomGenerator(seed: config.seed, stream: 15)
        let observationSpace = teachers[0].observationSpace, actionSpace = teachers[0].actionSpace
        switch teachers[0].kind {
        case .squashedGaussian:
            let student = try SquashedGaussianMLPPolicy(
                config: .init(hiddenSizes: studentConfig.hiddenSizes, activation: studentConfig.activation, initializer: studentConfig.initializer),
                observationSpace: observationSpace, actionSpace: actionSpace, generator: &generator)
            return try train(student, studentConfig: studentConfig, generator: &generator, outputDirectory: outputDirectory, allowOverwrite: allowOverwrite)
        case .diagonalGaussian:
            let student = try DiagonalGaussianMLPPolicy(
                config: .init(hiddenSizes: studentConfig.hiddenSizes, activation: studentConfig.activation, initializer: studentConfig.initializer),
                observationSpace: observationSpace, actionSpace: actionSpace, generator: &generator)
            return try train(student, studentConfig: studentConfig, generator: &generator, outputDirectory: outputDirectory, allowOverwrite: allowOverwrite)
        case .categorical:
            let student = try CategoricalMLPPolicy(
                config: .init(hiddenSizes: studentConfig.hiddenSizes, activation: studentConfig.activation, initializer: studentConfig.initializer),
                observationSpace: observationSpace, actionSpace: actionSpace, generator: &generator)
            return try train(student, studentConfig: studentConfig, generator: &generator, outputDirectory: outputDirectory, allowOverwrite: allowOverwrite)
        }
    }

    func train<Student: DistillationStudent>(_ initial: Student, studentConfig: DistilledPolicyConfig, generator: inout RandomGenerator,
                                            outputDirectory: URL, allowOverwrite: Bool) throws -> PolicyDistillationResult {
        let start = Date()
        var student = initial
        var environments = try taskEnvironments.enumerated().map { index, specification in
            try registry.environments.build(specification, context: .init(seed: config.seed &+ UInt64(index)), path: "teachers[\(index)] environment").product
        }
        let untrained = try evaluate(student, environments: &environments)

        // MARK: Collect, label, train
        var memories = [LabelledStates](repeating: LabelledStates(), count: teachers.count)
        var adam = try Adam(learningRate: config.learningRate)
        var rounds: [PolicyDistillationResult.Round] = []
        var episodeSeed = config.seed &* 1_000_003 &+ 17
        for round in 0..<config.rounds {
            var collectedReturns: [Double] = []
            for (index, teacher) in teachers.enumerated() {
                let actor: any Policy = switch config.states {
                case .teacher: teacher.policy
                case .student: student
                case .mixed: round == 0 ? teacher.policy : student
                }
                for _ in 0..<config.episodesPerRound {
                    let episode = try DistillationRollouts.play(actor, in: &environments[index], seed: episodeSeed,
                                                                mode: config.actingMode, generator: &generator)
                    episodeSeed &+= 1
                    collectedReturns.append(episode.episodeReturn)
                    try memories[index].append(observations: episode.observations, labels: teacher.labels(for: episode.observations))
                }
            }
            var lossTotal = 0.0
            let share = config.batchSize / teachers.count
            for _ in 0..<config.updatesPerRound {
                var observations: Matrix?
                var labels: Matrix?
                for memory in memories {
                    let rows = (0..<share).map { _ in generator.nextInt(below: memory.count) }
                    let batch = (memory.observations.gatherRows(rows), memory.labels.gatherRows(rows))
                    observations = observations.map { $0.concatenatedRows(batch.0) } ?? batch.0
                    labels = labels.map { $0.concatenatedRows(batch.1) } ?? batch.1
                }
                guard let observations, let labels else { break }
                let (loss, gradients) = try PolicyDistillationLoss.lossAndGradients(student: student, observations: observations, labels: labels)
                guard loss.isFinite else {
                    throw MBRLError.nonFinite("the distillation loss became \(loss) in round \(round + 1); lower learningRate (now \(config.learningRate))")
                }
                try adam.step(&student, gradients: gradients)
                lossTotal += Double(loss)
            }
            let states = memories.map(\.count).reduce(0, +)
            let meanLoss = config.updatesPerRound > 0 ? lossTotal / Double(config.updatesPerRound) : .nan
            rounds.append(.init(round: round + 1, states: states, meanLoss: meanLoss,
                                collectionReturn: collectedReturns.reduce(0, +) / Double(max(1, collectedReturns.count))))
            log?(String(format: "round %d/%d: %d labelled states, mean KL(teacher || student) %.4f, collection return %.1f",
                        round + 1, config.rounds, states, meanLoss, rounds.last?.collectionReturn ?? 0))
        }

        // MARK: Evaluate and save
        let trained = try evaluate(student, environments: &environments)
        var teacherScores: [DistillationRollouts.Score] = []
        for (index, teacher) in teachers.enumerated() {
            teacherScores.append(try DistillationRollouts.score(teacher.policy, in: &environments[index], episodes: config.evaluationEpisodes,
                                                                seed: Self.evaluationSeed, generator: &generator))
        }
        let tasks = teachers.indices.map { index in
            PolicyDistillationResult.Task(
                teacher: teachers[index].run.path, environment: taskEnvironments[index],
                teacherReturn: teacherScores[index].meanReturn, teacherTerminationRate: teacherScores[index].terminationRate,
                untrainedStudentReturn: untrained[index].meanReturn, untrainedStudentTerminationRate: untrained[index].terminationRate,
                studentReturn: trained[index].meanReturn, studentTerminationRate: trained[index].terminationRate)
        }
        for task in tasks {
            log?(String(format: "%@: teacher %.1f (terminated %.2f), student %.1f (terminated %.2f), untrained student %.1f",
                        task.teacher, task.teacherReturn, task.teacherTerminationRate, task.studentReturn, task.studentTerminationRate,
                        task.untrainedStudentReturn))
        }
        let result = PolicyDistillationResult(
            name: config.name, seed: config.seed, kind: teachers[0].kind, studentParameterCount: student.parameters.map(\.count).reduce(0, +),
            rounds: rounds, tasks: tasks, wallSeconds: Date().timeIntervalSince(start), directory: outputDirectory.path)
        try saveStudent(student, studentConfig: studentConfig, result: result, in: outputDirectory, allowOverwrite: allowOverwrite)
        return result
    }

    /// Evaluation episodes start from these seeds (`seed`, `seed + 1`, ...), the same for the
    /// teacher, the untrained and the trained student.
    static let evaluationSeed: UInt64 = 1000

    func evaluate<Student: DistillationStudent>(_ student: Student, environments: inout [any Environment]) throws -> [DistillationRollouts.Score] {
        var generator = RandomGenerator(seed: config.seed, stream: 16)
        return try environments.indices.map { index in
            try DistillationRollouts.score(student, in: &environments[index], episodes: config.evaluationEpisodes,
                                           seed: Self.evaluationSeed, generator: &generator)
        }
    }

    // MARK: - The student's run directory

    /// Writes `recipe.json` (the first task's environment and a `"distilled-policy"`),
    /// `checkpoint.mbrl` and `distillation.json` (the result).
    func saveStudent<Student: DistillationStudent>(_ student: Student, studentConfig: DistilledPolicyConfig, result: PolicyDistillationResult,
                                                   in directory: URL, allowOverwrite: Bool) throws {
        let description = config.description.isEmpty
            ? "a student distilled from \(teachers.count) teacher(s) by mbrl-run distill" : config.description
        try Self.saveRun(of: student, config: studentConfig, environment: taskEnvironments[0], name: config.name, description: description,
                         seed: config.seed, evaluationEpisodes: min(config.evaluationEpisodes, 10), directory: directory,
                         registry: registry, allowOverwrite: allowOverwrite)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        // No rounds or no evaluation episodes leave NaN means.
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        try encoder.encode(result).write(to: directory.appendingPathComponent("distillation.json"), options: .atomic)
    }

    /// Saves `policy` as a run directory of a `"distilled-policy"` on `environment` (a registry
    /// specification): `recipe.json` and `checkpoint.mbrl`, written through the outer loop, so
    /// `mbrl-run eval`, the `"saved-policy"` agent and `mbrl-run distill` (as a teacher) load it.
    ///
    /// ```swift
    /// try PolicyDistillation.saveRun(of: policy, config: .init(policy: .squashedGaussian, hiddenSizes: []),
    ///                                environment: .string("PointMass-v0"), name: "controller", directory: url,
    ///                                registry: registry)
    /// ```
    ///
    /// - Throws: `MBRLError.invalidArgument` when `directory` holds a run and not
    ///   `allowOverwrite`; `RecipeError` when `config` does not describe `policy`'s network.
    public static func saveRun<Student: DistillationStudent>(
        of policy: Student, config: DistilledPolicyConfig, environment: JSONValue, name: String, description: String = "",
        seed: UInt64 = 0, evaluationEpisodes: Int = 10, directory: URL, registry: ComponentRegistry, allowOverwrite: Bool = false
    ) throws {
        var policyOptimizer = try JSONValue(encoding: config)
        try policyOptimizer.set(path: ["type"], to: .string("distilled-policy"))
        let recipeJSON = JSONValue.object([
            "name": .string(name),
            "description": .string(description),
            "seed": .number(Double(seed)),
            "environment": environment,
            "model": .null,
            "policyOptimizer": policyOptimizer,
            "loop": .object(["explorationSteps": .number(0), "explorationEpisodes": .number(0), "episodes": .number(0),
                             "evaluationEpisodes": .number(Double(evaluationEpisodes))]),
            "output": .object(["directory": .string(directory.path)]),
        ])
        let loop = try MBRLLoop(recipe: try Recipe(json: recipeJSON), registry: registry)
        var writer = CheckpointWriter()
        try policy.write(to: &writer, prefix: "policyOptimizer.policy")
        do {
            try loop.restoreComponents(from: Checkpoint(data: writer.encodedData(), source: "the policy to save"), modelFits: 0)
        } catch {
            throw RecipeError(path: "policyOptimizer", message: "the policy does not fit the \"distilled-policy\" settings \(policyOptimizer.formatted()): \(error)")
        }
        let recorder = try RunRecorder(directory: directory)
        try recorder.start(resolvedRecipe: loop.resolvedRecipe, allowOverwrite: allowOverwrite)
        try loop.saveCheckpoint(to: recorder, wallSeconds: 0)
    }
}
