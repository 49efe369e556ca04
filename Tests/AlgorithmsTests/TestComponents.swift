import Algorithms
import Envs
import Foundation
import MBRLCore
import Models

/// A linear model `s' = [s, a, 1] W` fitted by least squares (ridge 1e-6): trainable and
/// checkpointable, small enough for loop tests.
struct LeastSquaresModel: TrainableDynamicsModel {
    var observationSize: Int
    var actionSize: Int
    var weights: Matrix

    init(observationSize: Int, actionSize: Int) {
        self.observationSize = observationSize
        self.actionSize = actionSize
        weights = Matrix(rows: observationSize + actionSize + 1, columns: observationSize)
        for index in 0..<observationSize { weights[index, index] = 1 }
    }

    func features(_ observations: Matrix, _ actions: Matrix) -> Matrix {
        observations.concatenatedColumns(actions).concatenatedColumns(Matrix(rows: observations.rows, columns: 1, repeating: 1))
    }

    func predict(observations: Matrix, actions: Matrix, generator: inout RandomGenerator) throws -> ModelPrediction {
        try validateInputs(observations: observations, actions: actions)
        return ModelPrediction(nextObservations: features(observations, actions).matmul(weights))
    }

    mutating func train(on buffer: ReplayBuffer, generator: inout RandomGenerator) throws -> ModelTrainingReport {
        let data = buffer.all()
        let x = features(data.observations, data.actions)
        var gram = x.matmul(x, transposeSelf: true, transposeOther: false)
        for index in 0..<gram.rows { gram[index, index] += 1e-6 }
        let rhs = x.matmul(data.nextObservations, transposeSelf: true, transposeOther: false)
        weights = try Self.solve(gram, rhs)
        let residual = x.matmul(weights) - data.nextObservations
        let loss = residual.values.map { Double($0 * $0) }.reduce(0, +) / Double(residual.count)
        return ModelTrainingReport(epochs: 1, trainingLoss: loss, validationScore: nil)
    }

    func write(to writer: inout CheckpointWriter, prefix: String) throws {
        writer.add(name: "\(prefix).weights", matrix: weights)
    }

    mutating func read(from checkpoint: Checkpoint, prefix: String) throws {
        weights = try checkpoint.matrix(named: "\(prefix).weights", rows: weights.rows, columns: weights.columns)
    }

    /// Gaussian elimination with partial pivoting in Double.
    static func solve(_ a: Matrix, _ b: Matrix) throws -> Matrix {
        let n = a.rows, m = b.columns
        var left = (0..<n).map { row in (0..<n).map { Double(a[row, $0]) } }
        var right = (0..<n).map { row in (0..<m).map { Double(b[row, $0]) } }
        for column in 0..<n {
            let pivot = (column..<n).max { abs(left[$0][column]) < abs(left[$1][column]) } ?? column
            left.swapAt(column, pivot); right.swapAt(column, pivot)
            guard abs(left[column][column]) > 1e-12 else { throw MBRLError.invalidArgument("singular system") }
            for row in 0..<n where row != column {
                let factor = left[row][column] / left[column][column]
                for k in 0..<n { left[row][k] -= factor * left[column][k] }
                for k in 0..<m { right[row][k] -= factor * right[column][k] }
            }
        }
        var result = Matrix(rows: n, columns: m)
        for row in 0..<n { for k in 0..<m { result[row, k] = Float(right[row][k] / left[row][row]) } }
        return result
    }
}

/// Random shooting for tests: `candidates` uniform sequences, best by expected return. When
/// `failAfterPlans` is set it throws after that many plans by this planner and its copies (the
/// loop's agents hold copies of one built planner), to test resume. The count lives in a shared
/// reference made when the planner is built, so tests running in parallel do not disturb it.
struct TestShootingPlanner: Planner {
    struct Config: DocumentedConfig, Equatable {
        var candidates = 64
        var horizon = 10
        var failAfterPlans = 0
        init() {}
        static var defaults: Self { Self() }
        static let keyDescriptions = ["candidates": "sequences per plan", "horizon": "steps per sequence",
                                      "failAfterPlans": "throw after this many plans (0: never)"]
        enum CodingKeys: String, CodingKey, CaseIterable { case candidates, horizon, failAfterPlans }
        init(from decoder: Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let container = try decoder.container(keyedBy: CodingKeys.self)
            candidates = try container.decode(Int.self, forKey: .candidates, default: 64, in: 1...100_000)
            horizon = try container.decode(Int.self, forKey: .horizon, default: 10, in: 1...1000)
            failAfterPlans = try container.decode(Int.self, forKey: .failAfterPlans, default: 0, in: 0...Int.max)
        }
    }

    /// Plans made by one built planner and all its copies.
    final class PlanCount: @unchecked Sendable {
        var value = 0
    }

    let config: Config
    let actionSpace: Space
    var name: String { "test-shooting" }
    let plansMade = PlanCount()
    var requirements: PlanningCapabilities { [.sequenceScoring] }

    mutating func plan(from observation: [Float], model: any PlanningModel, generator: inout RandomGenerator) throws -> Plan {
        plansMade.value += 1
        if config.failAfterPlans > 0 && plansMade.value > config.failAfterPlans {
            throw MBRLError.environmentFailure("planned failure after \(config.failAfterPlans) plans")
        }
        guard let evaluator = model as? any TrajectoryEvaluator, let box = actionSpace.box else {
            throw MBRLError.incompatible("test planner needs a sequence scorer and a box action space")
        }
        let width = config.horizon * box.size
        var sequences = Matrix(rows: config.candidates, columns: width)
        for row in 0..<config.candidates {
            for column in 0..<width {
                let dimension = column % box.size
                sequences[row, column] = generator.nextUniformFloat(in: box.lowerBound[dimension], box.upperBound[dimension])
            }
        }
        let returns = try evaluator.evaluate(from: observation, actionSequences: sequences, horizon: config.horizon, generator: &generator)
        let best = returns.indices.max { returns[$0] < returns[$1] } ?? 0
        return Plan(actions: sequences.rows(best..<(best + 1)).reshaped(rows: config.horizon, columns: box.size),
                    expectedReturn: returns[best], modelEvaluations: config.candidates * config.horizon)
    }

    mutating func reset() {}
}

struct LeastSquaresConfig: DocumentedConfig, Equatable {
    init() {}
    static var defaults: Self { Self() }
    static let keyDescriptions: [String: String] = [:]
}

/// A registry with the built-in environments and the test components.
func makeTestRegistry() -> ComponentRegistry {
    let registry = ComponentRegistry()
    registerEnvironments(in: registry)
    registry.models.register("least-squares", summary: "linear least squares", config: EmptyConfig.self) { _, context in
        LeastSquaresModel(observationSize: context.observationSpace.flatSize, actionSize: context.actionSpace.flatSize)
    }
    registry.planners.register("test-shooting", summary: "random shooting for tests", config: TestShootingPlanner.Config.self) { config, context in
        TestShootingPlanner(config: config, actionSpace: context.actionSpace)
    }
    registerTestPolicyOptimizers(in: registry)
    return registry
}

/// A fresh temporary directory.
func temporaryDirectory(_ name: String) -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("mbrl-\(name)-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// The test registry with every shipped model and policy optimizer registered too.
func makeTestRegistryWithShippedComponents() -> ComponentRegistry {
    let registry = makeTestRegistry()
    registerModels(in: registry)
    registerPolicyOptimizers(in: registry)
    return registry
}

/// The error a recipe's loop is refused with when it is built, or nil when it is accepted.
func buildRefusal(_ recipe: String, registry: ComponentRegistry = makeTestRegistryWithShippedComponents()) -> String? {
    do {
        _ = try MBRLLoop(recipe: try Recipe(json: try JSONValue(parsing: recipe)), registry: registry)
        return nil
    } catch {
        return "\(error)"
    }
}
