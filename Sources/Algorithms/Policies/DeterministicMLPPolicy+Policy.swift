#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MBRLCore

extension DeterministicMLPPolicy: Policy {
    /// `.evaluation`: `low + (tanh(y) + 1) / 2 * (high - low)`; `.exploration`: that plus
    /// Gaussian noise, clipped to the box. `[B, obs] -> [B, act]`.
    public func actions(for observations: Matrix, mode: ActionMode, generator: inout RandomGenerator) throws -> Matrix {
        try PolicySupport.checkObservations(observations, size: observationSize, policy: "DeterministicMLPPolicy")
        let actions = mapped(try network(observations).map { tanhf($0) })
        return mode == .exploration ? explore(actions, generator: &generator).actions : actions
    }
}
