import MBRLCore

/// Pieces shared by the planners that score whole action sequences (random shooting, CEM, iCEM,
/// MPPI, gradient shooting).
enum SequencePlanning {
    /// `model` as a sequence scorer, or an `incompatible` error naming the planner.
    static func evaluator(_ model: any PlanningModel, planner: String, actionSpace: Space) throws -> any TrajectoryEvaluator {
        guard let evaluator = model as? any TrajectoryEvaluator else {
            throw MBRLError.incompatible(
                "planner \"\(planner)\" scores action sequences, which \(type(of: model)) cannot do (it offers \(model.capabilities))")
        }
        try checkActionSpace(of: model, matches: actionSpace, planner: planner)
        return evaluator
    }

    /// Throws `shapeMismatch` when the model's action space is not the planner's.
    static func checkActionSpace(of model: any PlanningModel, matches actionSpace: Space, planner: String) throws {
        guard model.actionSpace == actionSpace else {
            throw MBRLError.shapeMismatch(
                "planner \"\(planner)\" was built for actions in \(actionSpace) but the model acts in \(model.actionSpace)")
        }
    }

    /// Checks that the observation is finite (a NaN start would silently score every sequence alike).
    static func checkObservation(_ observation: [Float], planner: String) throws {
        guard observation.allSatisfy(\.isFinite) else {
            throw MBRLError.nonFinite("planner \"\(planner)\" was asked to plan from the observation \(observation)")
        }
    }

    /// Replaces NaN scores by `-1e10` so they are never chosen.
    static func sanitized(_ values: [Float]) -> [Float] {
        values.map { $0.isNaN ? -1e10 : $0 }
    }

    /// The indices of the `count` largest values, largest first; ties keep the lower index first,
    /// so the choice does not depend on the sort algorithm.
    static func topIndices(_ values: [Float], count: Int) -> [Int] {
        let order = values.indices.sorted { values[$0] > values[$1] || (values[$0] == values[$1] && $0 < $1) }
        return Array(order.prefix(count))
    }

    /// The mean and the biased variance (dividing by the count, as `torch.var(unbiased=False)`)
    /// of the rows `indices` of `population`, column by column.
    static func meanAndVariance(of population: Matrix, rows indices: [Int]) -> (mean: [Float], variance: [Float]) {
        let width = population.columns
        var mean = [Double](repeating: 0, count: width)
        var squares = [Double](repeating: 0, count: width)
        population.withUnsafeBufferPointer { buffer in
            for row in indices {
                for column in 0..<width {
                    let value = Double(buffer[row * width + column])
                    mean[column] += value
                }
            }
            let count = Double(indices.count)
            for column in 0..<width { mean[column] /= count }
            for row in indices {
                for column in 0..<width {
                    let deviation = Double(buffer[row * width + column]) - mean[column]
                    squares[column] += deviation * deviation
                }
            }
            for column in 0..<width { squares[column] /= count }
        }
        return (mean.map(Float.init), squares.map(Float.init))
    }

    /// `sequence` (`[H * A]`) moved one step earlier, with `fill` (`[A]`) as the new last step:
    /// mbrl-lib's warm start (`previous_solution.roll(-1)` with the last step reset).
    static func shifted(_ sequence: [Float], actionSize: Int, fill: [Float]) -> [Float] {
        var result = Array(sequence.dropFirst(actionSize))
        result.append(contentsOf: fill)
        return result
    }

    /// mbrl-lib's initial CEM variance `(upper - lower)^2 / 16` (a standard deviation of a quarter
    /// of the range), entry by entry.
    static func initialVariance(lower: [Float], upper: [Float]) -> [Float] {
        zip(lower, upper).map { lower, upper -> Float in
            let range = upper - lower
            return range * range / 16
        }
    }

    /// A sequence as a plan's action matrix `[H, A]`.
    static func actionMatrix(_ sequence: [Float], actionSize: Int) -> Matrix {
        Matrix(rows: sequence.count / actionSize, columns: actionSize, values: sequence)
    }
}
