import Algorithms
import Foundation
import MBRLCore

/// A linear policy `a = [s, 1] W`, clamped to the action box.
struct LinearPolicy: Policy {
    var weights: Matrix
    var box: Box

    func actions(for observations: Matrix, mode: ActionMode, generator: inout RandomGenerator) throws -> Matrix {
        let features = observations.concatenatedColumns(Matrix(rows: observations.rows, columns: 1, repeating: 1))
        var actions = features.matmul(weights)
        for row in 0..<actions.rows { actions.setRow(row, to: box.clamp(actions.row(row))) }
        return actions
    }
}

/// A policy optimizer for loop tests: after every model fit it regresses a linear policy on the
/// buffer's (observation, action) pairs by least squares (imitating whoever acted), and it counts
/// the real steps it was shown. Its state is binary (weights) plus counters.
struct RegressionPolicyOptimizer: PolicyOptimizer {
    var policy: LinearPolicy
    var stepsSeen = 0
    var fitsSeen = 0
    var requirementSet: PolicyOptimizerRequirements
    var name: String

    init(observationSize: Int, box: Box, requirements: PolicyOptimizerRequirements, name: String) {
        policy = LinearPolicy(weights: Matrix(rows: observationSize + 1, columns: box.size), box: box)
        requirementSet = requirements
        self.name = name
    }

    var requirements: PolicyOptimizerRequirements { requirementSet }

    mutating func improve(after transition: Transition, context: PolicyOptimizerContext,
                          generator: inout RandomGenerator) throws -> [String: Double] {
        stepsSeen += 1
        return ["stepsSeen": Double(stepsSeen)]
    }

    mutating func modelDidFit(context: PolicyOptimizerContext, generator: inout RandomGenerator) throws -> [String: Double] {
        let data = context.buffer.all()
        let features = data.observations.concatenatedColumns(Matrix(rows: data.observations.rows, columns: 1, repeating: 1))
        var gram = features.matmul(features, transposeSelf: true, transposeOther: false)
        for index in 0..<gram.rows { gram[index, index] += 1e-3 }
        let rhs = features.matmul(data.actions, transposeSelf: true, transposeOther: false)
        policy.weights = try LeastSquaresModel.solve(gram, rhs)
        fitsSeen += 1
        let residual = features.matmul(policy.weights) - data.actions
        return ["regressionError": residual.values.map { Double($0 * $0) }.reduce(0, +) / Double(max(residual.count, 1))]
    }

    func write(to writer: inout CheckpointWriter, prefix: String) throws {
        writer.add(name: "\(prefix).weights", matrix: policy.weights)
        writer.add(name: "\(prefix).counts", integers: [stepsSeen, fitsSeen])
    }

    mutating func read(from checkpoint: Checkpoint, prefix: String) throws {
        policy.weights = try checkpoint.matrix(named: "\(prefix).weights", rows: policy.weights.rows, columns: policy.weights.columns)
        let counts = try checkpoint.integers(named: "\(prefix).counts", shape: [2])
        stepsSeen = counts[0]
        fitsSeen = counts[1]
    }
}

/// Registers `"test-regression"` (needs a model and continuous actions) and `"needs-ensemble"`
/// (the same optimizer, requiring an ensemble model).
func registerTestPolicyOptimizers(in registry: ComponentRegistry) {
    for (name, requirements) in [("test-regression", [.model, .continuousActions] as PolicyOptimizerRequirements),
                                 ("needs-ensemble", [.ensembleModel])] {
        registry.policyOptimizers.register(name, summary: "linear policy regressed on the acting agent's data (tests)",
                                           config: EmptyConfig.self) { _, context in
            guard case .box(let box) = context.actionSpace else {
                throw MBRLError.incompatible("\(name) needs a Box action space")
            }
            return RegressionPolicyOptimizer(observationSize: context.observationSpace.flatSize, box: box,
                                             requirements: requirements, name: name)
        }
    }
}
