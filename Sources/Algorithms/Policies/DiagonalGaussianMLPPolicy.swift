#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MBRLCore

/// The Gaussian policy of TRPO and PPO: an MLP gives the mean `[B, act]`, and a
/// state-independent vector of log standard deviations (one per action entry, a parameter
/// initialised to `logStandardDeviationInit`, 0 by default) gives the spread, as
/// Stable-Baselines3's `DiagGaussianDistribution` with `log_std_init = 0`.
///
/// **Clipping.** Samples are `mean + std * eps`, unbounded. `actions(for:mode:generator:)`,
/// `PolicySample.actions` and `actionsWithPullback` clip them to the `Box` for the environment
/// (as SB3 clips when acting), while every log-density is of the *unclipped* Gaussian sample
/// (`PolicySample.samples`, what SB3 stores in its rollout buffer): store and pass back the
/// samples, not the clipped actions. Gradients through a clipped action entry are zero. An
/// unbounded box clips nothing. `.evaluation` acts with the clipped mean.
///
/// ```swift
/// var generator = RandomGenerator(seed: 0)
/// let policy = try DiagonalGaussianMLPPolicy(config: .init(), observationSpace: environment.observationSpace,
///                                            actionSpace: environment.actionSpace, generator: &generator)
/// let draw = try policy.sample(for: observations, generator: &generator)   // act with draw.actions
/// let product = try policy.fisherVectorProduct(direction, for: observations, damping: 0.1)   // TRPO's CG
/// ```
public struct DiagonalGaussianMLPPolicy: Sendable, Equatable {
    /// The mean network `[B, obs] -> [B, act]`.
    public internal(set) var network: MLP
    /// The log standard deviations, `[1, act]` (a parameter, shared by every observation).
    public internal(set) var logStandardDeviation: Matrix
    /// The action box samples are clipped to (bounds may be infinite).
    public let actionBounds: Box

    /// A policy from a mean network and initial log standard deviations (one per action entry).
    ///
    /// - Throws: `MBRLError.shapeMismatch` when the network's output, the log standard
    ///   deviations and the box disagree in size; `MBRLError.invalidArgument` when a bound has
    ///   `low >= high` or a log standard deviation is not finite.
    public init(network: MLP, logStandardDeviation: [Float], actionBounds: Box) throws {
        let name = "DiagonalGaussianMLPPolicy"
        let box = try PolicySupport.boundedBox(of: .box(actionBounds), policy: name, requireBounded: false)
        guard network.outputSize == box.size, logStandardDeviation.count == box.size else {
            throw MBRLError.shapeMismatch(
                "\(name): the network gives \(network.outputSize) means and there are \(logStandardDeviation.count) log standard deviations, but the action box has \(box.size) entries")
        }
        guard logStandardDeviation.allSatisfy(\.isFinite) else {
            throw MBRLError.invalidArgument("\(name): log standard deviations must be finite, got \(logStandardDeviation)")
        }
        self.network = network
        self.logStandardDeviation = Matrix(row: logStandardDeviation)
        self.actionBounds = box
    }

    /// A freshly initialised policy for an environment's spaces.
    ///
    /// - Throws: `MBRLError.incompatible` when the action space is not a `Box` (use
    ///   `CategoricalMLPPolicy` for `Discrete`) or the observations are not a `Box`;
    ///   `MBRLError.invalidArgument` for a bad config.
    public init(config: Config, observationSpace: Space, actionSpace: Space, generator: inout RandomGenerator) throws {
        let name = "DiagonalGaussianMLPPolicy"
        let box = try PolicySupport.boundedBox(of: actionSpace, policy: name, requireBounded: false)
        let observationSize = try PolicySupport.observationSize(of: observationSpace, policy: name)
        try PolicySupport.checkHiddenSizes(config.hiddenSizes, policy: name)
        let network = try MLP(inputSize: observationSize, hiddenSizes: config.hiddenSizes, outputSize: box.size,
                              activation: config.activation, initializer: config.initializer, generator: &generator)
        try self.init(network: network, logStandardDeviation: Array(repeating: config.logStandardDeviationInit, count: box.size),
                      actionBounds: box)
    }

    /// The number of entries in an observation row.
    public var observationSize: Int { network.inputSize }
    /// The number of entries in an action row.
    public var actionSize: Int { network.outputSize }

    // MARK: - Internals

    /// The means `[B, act]`, the network's tape, and the log standard deviations repeated per row.
    func head(for observations: Matrix) throws -> (mean: Matrix, tape: MLP.Tape, logStandardDeviation: Matrix) {
        try PolicySupport.checkObservations(observations, size: observationSize, policy: "DiagonalGaussianMLPPolicy")
        let (mean, tape) = try network.forward(observations)
        let repeated = Matrix(rows: observations.rows, columns: actionSize).addingRow(logStandardDeviation.values)
        return (mean, tape, repeated)
    }

    /// The gradients from gradients with respect to the means and the (repeated) log standard
    /// deviations, both `[B, act]`.
    func pullback(tape: MLP.Tape, meanGradient: Matrix, logStandardDeviationGradient: Matrix) throws -> PolicyGradients {
        let (networkGradients, inputGradient) = try network.backward(meanGradient, tape: tape, needsInputGradient: true)
        return PolicyGradients(
            parameters: networkGradients + [Matrix(row: logStandardDeviationGradient.columnSums())],
            observations: inputGradient ?? Matrix(rows: meanGradient.rows, columns: observationSize))
    }

    /// `values` clipped to the box, and a mask `[B, act]` of 1 where nothing was clipped.
    func clipped(_ values: Matrix) -> (actions: Matrix, mask: Matrix) {
        var actions = values, mask = Matrix(rows: values.rows, columns: values.columns, repeating: 1)
        for row in 0..<values.rows {
            for column in 0..<values.columns {
                let value = values[row, column]
                let low = actionBounds.lowerBound[column], high = actionBounds.upperBound[column]
                if value < low { actions[row, column] = low; mask[row, column] = 0 }
                if value > high { actions[row, column] = high; mask[row, column] = 0 }
            }
        }
        return (actions, mask)
    }
}
