#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MBRLCore

/// A softmax policy over the `n` actions of a `Discrete(n)` environment (PPO, TRPO and A2C on
/// discrete actions, as Stable-Baselines3's `CategoricalDistribution`): an MLP gives the logits
/// `[B, n]`, `p = softmax(logits)`. `[B, obs] -> [B, 1]`, each action row one entry holding the
/// index (the framework's discrete layout); samples are the same index rows.
///
/// `.exploration` samples from `p`; `.evaluation` takes the most probable action (the lowest
/// index among ties). Not a `DifferentiablePolicy`: a discrete draw has no reparameterisation;
/// its gradients come through log-probabilities (`logDensitiesWithPullback`).
///
/// ```swift
/// var generator = RandomGenerator(seed: 0)
/// let policy = try CategoricalMLPPolicy(config: .init(), observationSpace: cartPole.observationSpace,
///                                       actionSpace: cartPole.actionSpace, generator: &generator)
/// let draw = try policy.sample(for: observations, generator: &generator)   // draw.actions [B, 1]
/// ```
public struct CategoricalMLPPolicy: Sendable, Equatable {
    /// The logits network `[B, obs] -> [B, n]`.
    public internal(set) var network: MLP

    /// A policy around a logits network with one output per action (at least 1).
    public init(network: MLP) {
        self.network = network
    }

    /// A freshly initialised policy for an environment's spaces.
    ///
    /// - Throws: `MBRLError.incompatible` when the action space is not `Discrete` (use
    ///   `DiagonalGaussianMLPPolicy` or `SquashedGaussianMLPPolicy` for a `Box`) or the
    ///   observations are not a `Box`; `MBRLError.invalidArgument` for a bad config.
    public init(config: Config, observationSpace: Space, actionSpace: Space, generator: inout RandomGenerator) throws {
        let name = "CategoricalMLPPolicy"
        guard let discrete = actionSpace.discrete else {
            throw MBRLError.incompatible(
                "\(name) needs a Discrete action space; this environment's actions are a Box of \(actionSpace.flatSize) entries: use DiagonalGaussianMLPPolicy or SquashedGaussianMLPPolicy")
        }
        let observationSize = try PolicySupport.observationSize(of: observationSpace, policy: name)
        try PolicySupport.checkHiddenSizes(config.hiddenSizes, policy: name)
        self.network = try MLP(inputSize: observationSize, hiddenSizes: config.hiddenSizes, outputSize: discrete.count,
                               activation: config.activation, initializer: config.initializer, generator: &generator)
    }

    /// The number of entries in an observation row.
    public var observationSize: Int { network.inputSize }
    /// The number of actions `n`.
    public var actionCount: Int { network.outputSize }

    // MARK: - Internals

    /// The logits `[B, n]`, their log-softmax and softmax, and the network's tape.
    struct Head: Sendable {
        var logits: Matrix
        var logProbabilities: Matrix
        var probabilities: Matrix
        var tape: MLP.Tape
    }

    func head(for observations: Matrix) throws -> Head {
        try PolicySupport.checkObservations(observations, size: observationSize, policy: "CategoricalMLPPolicy")
        let (logits, tape) = try network.forward(observations)
        let logProbabilities = Self.logSoftmax(logits)
        return Head(logits: logits, logProbabilities: logProbabilities, probabilities: logProbabilities.map { expf($0) }, tape: tape)
    }

    /// `z - logsumexp(z)` per row, with the row's maximum subtracted first.
    static func logSoftmax(_ logits: Matrix) -> Matrix {
        var result = logits
        for row in 0..<logits.rows {
            var largest = -Float.infinity
            for column in 0..<logits.columns { largest = max(largest, logits[row, column]) }
            var total: Float = 0
            for column in 0..<logits.columns { total += expf(logits[row, column] - largest) }
            let logSum = largest + logf(total)
            for column in 0..<logits.columns { result[row, column] = logits[row, column] - logSum }
        }
        return result
    }

    /// The gradients from a gradient with respect to the logits `[B, n]`.
    func pullback(tape: MLP.Tape, logitGradient: Matrix) throws -> PolicyGradients {
        let (parameterGradients, inputGradient) = try network.backward(logitGradient, tape: tape, needsInputGradient: true)
        return PolicyGradients(parameters: parameterGradients,
                               observations: inputGradient ?? Matrix(rows: logitGradient.rows, columns: observationSize))
    }

    /// The action indices a `[B, 1]` matrix holds, or an error naming the first bad row.
    func indices(of samples: Matrix) throws -> [Int] {
        guard samples.columns == 1 else {
            throw MBRLError.shapeMismatch("CategoricalMLPPolicy takes action rows of 1 entry (the index), got \(samples.rows) x \(samples.columns)")
        }
        return try (0..<samples.rows).map { row in
            let value = samples[row, 0]
            guard value.isFinite, value == value.rounded(), value >= 0, Int(value) < actionCount else {
                throw MBRLError.invalidArgument("CategoricalMLPPolicy: row \(row) holds \(value), not an action index in 0..<\(actionCount)")
            }
            return Int(value)
        }
    }
}
