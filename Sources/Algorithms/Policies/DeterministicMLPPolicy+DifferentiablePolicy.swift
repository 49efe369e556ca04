#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MBRLCore

extension DeterministicMLPPolicy: DifferentiablePolicy {
    /// The actions `[B, act]` (with clipped exploration noise in `.exploration`) and the pullback
    /// through the affine map, the `tanh` and the network; the noise is held fixed and clipped
    /// entries pass no gradient.
    public func actionsWithPullback(for observations: Matrix, mode: ActionMode, generator: inout RandomGenerator) throws
        -> (actions: Matrix, pullback: @Sendable (Matrix) throws -> PolicyGradients) {
        try PolicySupport.checkObservations(observations, size: observationSize, policy: "DeterministicMLPPolicy")
        let (output, tape) = try network.forward(observations)
        let t = output.map { tanhf($0) }
        var actions = mapped(t)
        var mask = Matrix(rows: actions.rows, columns: actions.columns, repeating: 1)
        if mode == .exploration { (actions, mask) = explore(actions, generator: &generator) }
        let policy = self, finalMask = mask, widths = halfWidth
        return (actions, { actionGradient in
            try PolicySupport.checkShape(actionGradient, rows: t.rows, columns: t.columns, role: "dL/d actions")
            var outputGradient = actionGradient
            for row in 0..<t.rows {
                for column in 0..<t.columns {
                    let value = t[row, column]
                    outputGradient[row, column] *= finalMask[row, column] * widths[column] * (1 - value * value)
                }
            }
            let (parameterGradients, inputGradient) = try policy.network.backward(outputGradient, tape: tape, needsInputGradient: true)
            return PolicyGradients(parameters: parameterGradients,
                                   observations: inputGradient ?? Matrix(rows: t.rows, columns: policy.observationSize))
        })
    }
}
