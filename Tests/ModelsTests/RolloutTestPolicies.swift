import Foundation
import MBRLCore

/// Acts with the same action on every row.
struct ConstantPolicy: Policy {
    var action: [Float]
    func actions(for observations: Matrix, mode: ActionMode, generator: inout RandomGenerator) throws -> Matrix {
        var result = Matrix(rows: observations.rows, columns: action.count)
        for row in 0..<observations.rows { result.setRow(row, to: action) }
        return result
    }
}

/// `a = scale * tanh(s · W + b)`: a small differentiable policy for the rollout tests.
struct TanhLinearPolicy: DifferentiablePolicy {
    var weight: Matrix   // [obs, act]
    var bias: Matrix     // [1, act]
    var scale: Float = 1
    var observationSize: Int { weight.rows }
    var actionSize: Int { weight.columns }

    init(observationSize: Int, actionSize: Int, scale: Float = 1, generator: inout RandomGenerator) {
        weight = Matrix(rows: observationSize, columns: actionSize)
        bias = Matrix(rows: 1, columns: actionSize)
        generator.fillUniform(&weight, lower: -0.8, upper: 0.8)
        generator.fillUniform(&bias, lower: -0.3, upper: 0.3)
        self.scale = scale
    }

    func actions(for observations: Matrix, mode: ActionMode, generator: inout RandomGenerator) throws -> Matrix {
        try actionsWithPullback(for: observations, mode: mode, generator: &generator).actions
    }

    func actionsWithPullback(for observations: Matrix, mode: ActionMode, generator: inout RandomGenerator) throws
        -> (actions: Matrix, pullback: @Sendable (Matrix) throws -> PolicyGradients) {
        let hidden = observations.matmul(weight).addingRow(bias.row(0)).map { Float(tanh(Double($0))) }
        let actions = hidden * scale
        let weight = self.weight, scale = self.scale
        return (actions, { upstream in
            let preActivation = upstream.zipMap(hidden) { gradient, value in gradient * scale * (1 - value * value) }
            let weightGradient = observations.matmul(preActivation, transposeSelf: true, transposeOther: false)
            let biasGradient = Matrix(row: preActivation.columnSums())
            let observationGradient = preActivation.matmul(weight, transposeSelf: false, transposeOther: true)
            return PolicyGradients(parameters: [weightGradient, biasGradient], observations: observationGradient)
        })
    }

    var parameters: [Matrix] { [weight, bias] }
    var parameterNames: [String] { ["weight", "bias"] }
    mutating func updateParameters<Result>(_ body: (inout [Matrix]) throws -> Result) rethrows -> Result {
        var list = [weight, bias]
        defer { weight = list[0]; bias = list[1] }
        return try body(&list)
    }
    func write(to writer: inout CheckpointWriter, prefix: String) throws { writeParameters(to: &writer, prefix: prefix) }
    mutating func read(from checkpoint: Checkpoint, prefix: String) throws { try readParameters(from: checkpoint, prefix: prefix) }
}
