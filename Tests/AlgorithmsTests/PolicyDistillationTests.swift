import Algorithms
import Envs
import Foundation
import MBRLCore
import MBRLTesting
import Models
import Planners
import Testing

/// Policy distillation: the KL losses and their gradients against finite differences, the
/// temperature softening, the refusals of bad teachers and configs, and a small distillation
/// that beats the untrained student.
@Suite struct PolicyDistillationTests {
    func registry() -> ComponentRegistry {
        let registry = ComponentRegistry()
        registerEnvironments(in: registry)
        registerModels(in: registry)
        registerPlanners(in: registry)
        registerPolicyOptimizers(in: registry)
        return registry
    }

    // MARK: - Losses

    @Test func gaussianLossIsTheClosedFormKLAndItsGradientMatchesFiniteDifferences() throws {
        var generator = RandomGenerator(seed: 1)
        let space = Space.box(Box(lowerBound: -1, upperBound: 1, size: 3))
        let actions = Space.box(Box(lowerBound: [-2, -1], upperBound: [2, 1]))
        let squashed = try SquashedGaussianMLPPolicy(config: .init(hiddenSizes: [5], activation: .tanh), observationSpace: space,
                                                     actionSpace: actions, generator: &generator)
        let diagonal = try DiagonalGaussianMLPPolicy(config: .init(hiddenSizes: [5], activation: .tanh), observationSpace: space,
                                                     actionSpace: actions, generator: &generator)
        let observations = TestData.uniform(6, 3, generator: &generator)
        let labels = TestData.uniform(6, 2, generator: &generator)
            .concatenatedColumns(TestData.uniform(6, 2, scale: 0.5, generator: &generator))      // [mean | logStd]
        try checkGaussian(squashed, observations: observations, labels: labels)
        try checkGaussian(diagonal, observations: observations, labels: labels)
    }

    func checkGaussian<Student: DistillationStudent>(_ student: Student, observations: Matrix, labels: Matrix) throws {
        let (loss, gradients) = try PolicyDistillationLoss.lossAndGradients(student: student, observations: observations, labels: labels)
        // The closed form, row by row, from the student's own [mean | logStd].
        let own = try student.distillationLabels(for: observations)
        var expected = 0.0
        for row in 0..<observations.rows {
            for column in 0..<2 {
                let teacherMean = Double(labels[row, column]), teacherLogStd = Double(labels[row, column + 2])
                let studentMean = Double(own[row, column]), studentLogStd = Double(own[row, column + 2])
                let teacherVariance = exp(2 * teacherLogStd), studentVariance = exp(2 * studentLogStd)
                expected += studentLogStd - teacherLogStd
                    + (teacherVariance + (teacherMean - studentMean) * (teacherMean - studentMean)) / (2 * studentVariance) - 0.5
            }
        }
        expected /= Double(observations.rows)
        #expect(abs(Double(loss) - expected) < 1e-4 * max(1, abs(expected)), "\(Student.self): loss \(loss), closed form \(expected)")
        #expect(loss > 0)
        // Matching itself costs nothing.
        #expect(try abs(PolicyDistillationLoss.lossAndGradients(student: student, observations: observations, labels: own).loss) < 1e-5)
        let reports = try GradientCheck(step: 1e-2, relativeTolerance: 2e-2, absoluteTolerance: 1e-3).checkParameters(of: student, analytic: gradients) {
            Double(try PolicyDistillationLoss.lossAndGradients(student: $0, observations: observations, labels: labels).loss)
        }
        for report in reports { #expect(report.passed, "\(Student.self) \(report)") }
    }

    @Test func categoricalLossIsTheKLOfSoftenedQValuesAndItsGradientMatchesFiniteDifferences() throws {
        var generator = RandomGenerator(seed: 2)
        let student = try CategoricalMLPPolicy(config: .init(hiddenSizes: [5], activation: .tanh),
                                               observationSpace: .box(Box(lowerBound: -1, upperBound: 1, size: 4)),
                                               actionSpace: .discrete(Discrete(count: 3)), generator: &generator)
        let observations = TestData.uniform(5, 4, generator: &generator)
        let qValues = TestData.uniform(5, 3, scale: 2, generator: &generator)
        let temperature: Float = 0.5
        let labels = try PolicyDistillationLoss.softenedLogits(qValues, temperature: temperature)
        let (loss, gradients) = try PolicyDistillationLoss.lossAndGradients(student: student, observations: observations, labels: labels)
        let teacher = try PolicyDistillationLoss.softenedProbabilities(qValues, temperature: temperature)
        let studentProbabilities = try student.distribution(for: observations).probabilities
        var expected = 0.0
        for row in 0..<5 {
            for action in 0..<3 {
                let p = Double(teacher[row, action]), q = Double(studentProbabilities[row, action])
                expected += p * (log(p) - log(q))
            }
        }
        expected /= 5
        #expect(abs(Double(loss) - expected) < 1e-4, "loss \(loss), sum p log(p / q) \(expected)")
        let reports = try GradientCheck(step: 1e-2, relativeTolerance: 2e-2, absoluteTolerance: 1e-3).checkParameters(of: student, analytic: gradients) {
            Double(try PolicyDistillationLoss.lossAndGradients(student: $0, observations: observations, labels: labels).loss)
        }
        for report in reports { #expect(report.passed, "\(report)") }
    }

    @Test func temperatureSoftensOrSharpensTheTeacher() throws {
        let q = Matrix(row: [0, Float(log(2.0)), -1])
        // T = 1: softmax(q) = [1, 2, e^-1] / (3 + e^-1).
        let plain = try PolicyDistillationLoss.softenedProbabilities(q, temperature: 1)
        let total = 3 + exp(-1.0)
        for (index, value) in [1, 2, exp(-1.0)].enumerated() { #expect(abs(Double(plain[0, index]) - value / total) < 1e-6) }
        // T = 1/2 squares the odds: [1, 4, e^-2] / (5 + e^-2).
        let sharp = try PolicyDistillationLoss.softenedProbabilities(q, temperature: 0.5)
        #expect(abs(Double(sharp[0, 1]) - 4 / (5 + exp(-2.0))) < 1e-6)
        // Small temperatures approach the greedy action, large ones the uniform distribution.
        #expect(try PolicyDistillationLoss.softenedProbabilities(q, temperature: 0.01)[0, 1] > 0.999)
        let flat = try PolicyDistillationLoss.softenedProbabilities(q, temperature: 1000)
        #expect((0..<3).allSatisfy { abs(flat[0, $0] - 1 / 3) < 1e-3 })
        for bad: Float in [0, -1, .nan, .infinity] {
            #expect(throws: MBRLError.self) { try PolicyDistillationLoss.softenedLogits(q, temperature: bad) }
        }
    }

    // MARK: - Teachers for the tests

    /// A hand-made point-mass controller as a linear squashed Gaussian: mean force
    /// `3 (goal - position) - velocity` per axis (before the tanh), log std -1.
    func controller() throws -> SquashedGaussianMLPPolicy {
        var weight = Matrix(rows: 6, columns: 4)
        for axis in 0..<2 {
            weight[axis, axis] = -3          // position
            weight[axis + 2, axis] = -1      // velocity
            weight[axis + 4, axis] = 3       // goal
        }
        return try SquashedGaussianMLPPolicy(network: MLP(layers: [Dense(weight: weight, bias: [0, 0, -1, -1])]),
                                             actionBounds: Box(lowerBound: -1, upperBound: 1, size: 2))
    }

    /// Saves the controller as a run directory (a `"distilled-policy"` with no hidden layer).
    func saveController(in directory: URL, environment: JSONValue, registry: ComponentRegistry) throws {
        try PolicyDistillation.saveRun(of: controller(), config: .init(policy: .squashedGaussian, hiddenSizes: []),
                                       environment: environment, name: "controller", directory: directory, registry: registry)
    }

    /// A tiny SAC run (20 steps) on `environment`, a teacher of the right kind and spaces.
    func tinySACRun(environment: String, in directory: URL, registry: ComponentRegistry) throws {
        let recipe = try Recipe(json: try JSONValue(parsing: """
            {"name": "tiny", "seed": 0, "environment": "\(environment)", "model": null,
             "policyOptimizer": {"type": "sac", "learningStarts": 10, "batchSize": 8, "actor": {"hiddenSizes": [8]}, "critics": {"hiddenSizes": [8]}},
             "loop": {"explorationSteps": 0, "episodes": 1, "maxEpisodeSteps": 20, "evaluationEpisodes": 0},
             "output": {"directory": "\(directory.path)", "progress": "quiet"}}
            """))
        _ = try MBRLLoop(recipe: recipe, registry: registry).run()
    }

    func config(_ json: String) throws -> PolicyDistillationConfig {
        try JSONValue(parsing: json).decode(PolicyDistillationConfig.self)
    }

    func message(of body: () throws -> Void) -> String {
        do {
            try body()
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    @Test func aDQNTeacherLabelsWithItsQValuesOverTheTemperature() throws {
        let root = temporaryDirectory("distill-dqn")
        defer { try? FileManager.default.removeItem(at: root) }
        let registry = registry()
        let run = root.appendingPathComponent("dqn")
        let recipe = try Recipe(json: try JSONValue(parsing: """
            {"name": "tiny-dqn", "seed": 0, "environment": "CartPole-v1", "model": null,
             "policyOptimizer": {"type": "dqn", "learningStarts": 10, "batchSize": 8, "qNetwork": {"hiddenSizes": [8]}},
             "loop": {"explorationSteps": 0, "episodes": 1, "maxEpisodeSteps": 30, "evaluationEpisodes": 0},
             "output": {"directory": "\(run.path)", "progress": "quiet"}}
            """))
        _ = try MBRLLoop(recipe: recipe, registry: registry).run()
        let teacher = try DistillationTeacher.load(run: run, registry: registry, temperature: 0.25, path: "teachers[0]")
        #expect(teacher.kind == .categorical)
        let network = try #require(teacher.policy as? EpsilonGreedyQPolicy)
        var generator = RandomGenerator(seed: 5)
        let observations = TestData.uniform(4, 4, scale: 0.1, generator: &generator)
        let labels = try teacher.labels(for: observations)
        #expect(labels.maxAbsoluteDifference(try network.actionValues(for: observations).map { $0 / 0.25 }) < 1e-6)
    }

    // MARK: - Refusals

    @Test func teachersWhoseSpacesDifferAreRefusedNamingBothShapes() throws {
        let root = temporaryDirectory("distill-spaces")
        defer { try? FileManager.default.removeItem(at: root) }
        let registry = registry()
        let pendulum = root.appendingPathComponent("pendulum"), car = root.appendingPathComponent("car")
        try tinySACRun(environment: "Pendulum-v1", in: pendulum, registry: registry)
        try tinySACRun(environment: "MountainCarContinuous-v0", in: car, registry: registry)
        // A teacher against the configured environment.
        let againstEnvironment = message {
            _ = try PolicyDistillation(config: config("""
                {"teachers": ["\(pendulum.path)"], "environment": "PointMass-v0"}
                """), registry: registry)
        }
        #expect(againstEnvironment.contains("teachers[0]") && againstEnvironment.contains("Box of shape [3]")
                && againstEnvironment.contains("Box of shape [6]") && againstEnvironment.contains("PointMass-v0"), "\(againstEnvironment)")
        // Two teachers against each other.
        let againstTeacher = message {
            _ = try PolicyDistillation(config: config("""
                {"teachers": ["\(pendulum.path)", "\(car.path)"]}
                """), registry: registry)
        }
        #expect(againstTeacher.contains("teachers[1]") && againstTeacher.contains("Box of shape [2]")
                && againstTeacher.contains("Box of shape [3]"), "\(againstTeacher)")
        // The same teacher twice is accepted.
        _ = try PolicyDistillation(config: config("""
            {"teachers": ["\(pendulum.path)", "\(pendulum.path)"]}
            """), registry: registry)
    }

    @Test func missingOrCorruptRunDirectoriesAreRefusedNamingTheFile() throws {
        let root = temporaryDirectory("distill-files")
        defer { try? FileManager.default.removeItem(at: root) }
        let registry = registry()
        let good = root.appendingPathComponent("good")
        try tinySACRun(environment: "Pendulum-v1", in: good, registry: registry)
        func refusal(_ run: URL) -> String {
            message { _ = try PolicyDistillation(config: config("{\"teachers\": [\"\(run.path)\"]}"), registry: registry) }
        }
        let missing = root.appendingPathComponent("nowhere")
        #expect(refusal(missing).contains("\(missing.path) does not exist"), "\(refusal(missing))")

        let noCheckpoint = root.appendingPathComponent("no-checkpoint")
        try FileManager.default.copyItem(at: good, to: noCheckpoint)
        try FileManager.default.removeItem(at: noCheckpoint.appendingPathComponent("checkpoint.mbrl"))
        #expect(refusal(noCheckpoint).contains("checkpoint.mbrl is missing"), "\(refusal(noCheckpoint))")

        let corrupt = root.appendingPathComponent("corrupt")
        try FileManager.default.copyItem(at: good, to: corrupt)
        try Data("not a checkpoint".utf8).write(to: corrupt.appendingPathComponent("checkpoint.mbrl"))
        let corruptMessage = refusal(corrupt)
        #expect(corruptMessage.contains(corrupt.appendingPathComponent("checkpoint.mbrl").path) && corruptMessage.contains("cannot be loaded"), "\(corruptMessage)")

        let badRecipe = root.appendingPathComponent("bad-recipe")
        try FileManager.default.copyItem(at: good, to: badRecipe)
        try Data("{\"environment\": ".utf8).write(to: badRecipe.appendingPathComponent("recipe.json"))
        #expect(refusal(badRecipe).contains(badRecipe.appendingPathComponent("recipe.json").path), "\(refusal(badRecipe))")
    }

    @Test func configKeysAreStrict() throws {
        let typo = message { _ = try config("{\"teachers\": [\"a\"], \"temprature\": 0.1}") }
        #expect(typo.contains("temprature") && typo.contains("temperature"), "\(typo)")
        let nested = message { _ = try config("{\"teachers\": [\"a\"], \"student\": {\"hiddenSize\": [8]}}") }
        #expect(nested.contains("hiddenSize") && nested.contains("hiddenSizes"), "\(nested)")
        let none = message { _ = try config("{\"rounds\": 2}") }
        #expect(none.contains("teachers"), "\(none)")
        let states = message { _ = try config("{\"teachers\": [\"a\"], \"states\": \"expert\"}") }
        #expect(states.contains("states"), "\(states)")
        // A distillation config given to 'mbrl-run run' points to 'mbrl-run distill'.
        let asRecipe = message { _ = try Recipe(json: JSONValue(parsing: "{\"teachers\": [\"a\"]}")) }
        #expect(asRecipe.contains("mbrl-run distill"), "\(asRecipe)")
    }

    // MARK: - Learning

    @Test func aSmallDistillationBeatsTheUntrainedStudentAndSavesALoadableRun() throws {
        let root = temporaryDirectory("distill-learning")
        defer { try? FileManager.default.removeItem(at: root) }
        let registry = registry()
        let teacher = root.appendingPathComponent("teacher")
        try saveController(in: teacher, environment: .string("PointMass-v0"), registry: registry)
        let student = root.appendingPathComponent("student")
        let distillation = try PolicyDistillation(config: config("""
            {"teachers": ["\(teacher.path)"], "student": {"hiddenSizes": [16], "activation": "tanh"}, "states": "mixed",
             "rounds": 2, "episodesPerRound": 4, "updatesPerRound": 400, "batchSize": 64, "learningRate": 0.003,
             "evaluationEpisodes": 10, "output": "\(student.path)"}
            """), registry: registry)
        let result = try distillation.run()
        let task = try #require(result.tasks.first)
        #expect(task.teacherTerminationRate >= 0.9, "the hand-made controller should reach the goal: \(task)")
        #expect(task.studentReturn > task.untrainedStudentReturn + 5, "\(task)")
        #expect(task.studentTerminationRate > task.untrainedStudentTerminationRate, "\(task)")
        #expect(result.rounds.count == 2 && result.rounds[1].meanLoss < result.rounds[0].meanLoss, "\(result.rounds)")
        // The student's run directory loads in the loop (as `mbrl-run eval` loads it) and as a teacher.
        var recipe = try Recipe.load(from: student.appendingPathComponent("recipe.json"))
        recipe.output.progress = "quiet"
        let records = try MBRLLoop(recipe: recipe, registry: registry).evaluateSaved(directory: student, episodes: 2, seed: 1000)
        #expect(records.count == 2)
        _ = try SavedPolicyLoader.agent(run: student, registry: registry, environment: EnvironmentCatalog.make("PointMass-v0", seed: 0),
                                        path: "acting.training")
        let reloaded = try DistillationTeacher.load(run: student, registry: registry, temperature: 1, path: "teachers[0]")
        #expect(reloaded.kind == .squashedGaussian)
        #expect(FileManager.default.fileExists(atPath: student.appendingPathComponent("distillation.json").path))
        // An existing run is not overwritten by accident.
        #expect(throws: MBRLError.self) { _ = try distillation.run() }
        // No rounds and no evaluation: the untrained student is saved, with NaN means written out.
        let empty = try PolicyDistillation(config: config("""
            {"teachers": ["\(teacher.path)"], "rounds": 0, "evaluationEpisodes": 0, "output": "\(root.appendingPathComponent("empty").path)"}
            """), registry: registry).run()
        #expect(empty.rounds.isEmpty && empty.tasks[0].studentReturn.isNaN)
    }
}
