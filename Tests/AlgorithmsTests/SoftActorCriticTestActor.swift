#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MBRLCore
import Algorithms

/// A small tanh-squashed Gaussian actor for the SAC update's tests, independent of the policy
/// library: an MLP gives mean and log standard deviation (no clamp), `a = tanh(mean + std * eps)`,
/// `log p = sum_j [log N(eps_j) - logStd_j - log(1 - a_j^2 + 1e-6)]`.
struct SoftActorCriticTestActor: SoftActorCriticActor, Equatable {
    var network: MLP

    init(observationSize: Int, actionSize: Int, hiddenSizes: [Int], generator: inout RandomGenerator) throws {
        network = try MLP(inputSize: observationSize, hiddenSizes: hiddenSizes, outputSize: 2 * actionSize,
                          activation: .tanh, initializer: .glorotUniform, generator: &generator)
    }

    var observationSize: Int { network.inputSize }
    var actionSize: Int { network.outputSize / 2 }

    func reparameterizedSample(for observations: Matrix, generator: inout RandomGenerator) throws -> SoftActorCriticActorSample {
        let (output, tape) = try network.forward(observations)
        let rows = observations.rows, size = actionSize
        var noise = Matrix(rows: rows, columns: size)
        generator.fillStandardNormal(&noise)
        var actions = Matrix(rows: rows, columns: size)
        var logDensities = [Float](repeating: 0, count: rows)
        for row in 0..<rows {
            for column in 0..<size {
                let logStd = output[row, size + column]
                let u = output[row, column] + expf(logStd) * noise[row, column]
                let action = tanhf(u)
                actions[row, column] = action
                logDensities[row] += -0.5 * noise[row, column] * noise[row, column] - logStd - 0.5 * logf(2 * .pi)
                    - logf(1 - action * action + 1e-6)
            }
        }
        let network = self.network
        let frozenActions = actions, frozenNoise = noise
        return SoftActorCriticActorSample(actions: actions, logDensities: logDensities) { actionGradient, logDensityGradient in
            var outputGradient = Matrix(rows: rows, columns: 2 * size)
            for row in 0..<rows {
                let weight = logDensityGradient?[row] ?? 0
                for column in 0..<size {
                    let action = frozenActions[row, column]
                    let slope = 1 - action * action
                    var du = (actionGradient?[row, column] ?? 0) * slope
                    du += weight * 2 * action * slope / (slope + 1e-6)
                    let std = expf(output[row, size + column])
                    outputGradient[row, column] = du
                    outputGradient[row, size + column] = du * std * frozenNoise[row, column] - weight
                }
            }
            return try network.backward(outputGradient, tape: tape, needsInputGradient: false).parameterGradients
        }
    }

    func sampleWithLogDensities(for observations: Matrix, generator: inout RandomGenerator) throws -> (actions: Matrix, logDensities: [Float]) {
        let draw = try reparameterizedSample(for: observations, generator: &generator)
        return (draw.actions, draw.logDensities)
    }

    var parameterNames: [String] { network.parameterNames }
    var parameters: [Matrix] { network.parameters }
    mutating func updateParameters<Result>(_ body: (inout [Matrix]) throws -> Result) rethrows -> Result {
        try network.updateParameters(body)
    }

    func write(to writer: inout CheckpointWriter, prefix: String) throws { writeParameters(to: &writer, prefix: prefix) }
    mutating func read(from checkpoint: Checkpoint, prefix: String) throws { try readParameters(from: checkpoint, prefix: prefix) }
}
