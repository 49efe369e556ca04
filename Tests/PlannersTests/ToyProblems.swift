import MBRLCore

/// A sequence score with a known optimum: the return of `a` is `-sum_t sum_j (a[t, j] - target[t, j])^2`,
/// whatever the observation. Differentiable, so gradient shooting can use it.
struct QuadraticTargetEvaluator: DifferentiableTrajectoryEvaluator {
    var target: [Float]            // [H * A]
    var actionSpace: Space
    var observationSize: Int { 1 }
    var capabilities: PlanningCapabilities { [.sequenceScoring, .returnGradients] }

    func evaluate(from observation: [Float], actionSequences: Matrix, horizon: Int,
                  generator: inout RandomGenerator) throws -> [Float] {
        try evaluateWithGradients(from: observation, actionSequences: actionSequences, horizon: horizon, generator: &generator).returns
    }

    func evaluateWithGradients(from observation: [Float], actionSequences: Matrix, horizon: Int,
                               generator: inout RandomGenerator) throws -> (returns: [Float], gradients: Matrix) {
        precondition(actionSequences.columns == target.count)
        var gradients = Matrix(rows: actionSequences.rows, columns: target.count)
        let returns = (0..<actionSequences.rows).map { row -> Float in
            var total: Float = 0
            for column in 0..<target.count {
                let difference = actionSequences[row, column] - target[column]
                total -= difference * difference
                gradients[row, column] = -2 * difference
            }
            return total
        }
        return (returns, gradients)
    }
}

/// A sequence scorer that only offers scoring (no gradients), to test compatibility checks.
struct ScoringOnlyEvaluator: TrajectoryEvaluator {
    var actionSpace: Space
    var observationSize: Int { 1 }
    var capabilities: PlanningCapabilities { [.sequenceScoring] }
    func evaluate(from observation: [Float], actionSequences: Matrix, horizon: Int,
                  generator: inout RandomGenerator) throws -> [Float] {
        Array(repeating: 0, count: actionSequences.rows)
    }
}

/// The largest absolute difference between two arrays.
func largestDifference(_ a: [Float], _ b: [Float]) -> Float {
    zip(a, b).map { abs($0 - $1) }.max() ?? 0
}
