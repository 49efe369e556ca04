#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MBRLCore

/// SAC's tanh-squashed Gaussian policy: one MLP gives the mean and the log standard deviation
/// of a diagonal Gaussian over `u`, and the action is `center + halfWidth * tanh(u)`, so every
/// action lies inside the `Box` bounds. `[B, obs] -> [B, act]`.
///
/// This follows pranz24's SAC (`model.py`, `GaussianPolicy`, the SAC mbrl-lib uses for MBPO)
/// and Stable-Baselines3's `SquashedDiagGaussianDistribution`:
/// - the network's last layer has `2 * act` outputs, the mean then the raw log standard
///   deviation, which is clamped to `[-20, 2]` (pranz24's `LOG_SIG_MIN`, `LOG_SIG_MAX`); the
///   clamp passes no gradient outside that range;
/// - `u = mean + exp(logStd) * eps` with `eps ~ N(0, I)` (reparameterised);
/// - `log p(a) = log N(u; mean, std^2) - sum_j log(halfWidth_j * (1 - tanh(u_j)^2) + 1e-6)`,
///   the change of variables with pranz24's `epsilon = 1e-6` (SB3 adds the same 1e-6);
/// - `.evaluation` acts with `center + halfWidth * tanh(mean)`.
///
/// The distribution's samples (`PolicySample.samples`) are the pre-squash values `u`;
/// `logDensitiesWithPullback(of:for:)` takes them. `logDensitiesWithPullback(ofActions:for:)`
/// takes actions instead and inverts the squashing with a clipped `atanh`. The entropy has no
/// closed form: `entropiesWithPullback` returns the one-sample estimate `-log p(a)`. KL
/// divergences are those of the Gaussians over `u` (the squashing is the same bijection for
/// both policies, so this equals the KL of the squashed distributions up to the 1e-6).
///
/// ```swift
/// var generator = RandomGenerator(seed: 0)
/// let policy = try SquashedGaussianMLPPolicy(config: .init(), observationSpace: environment.observationSpace,
///                                            actionSpace: environment.actionSpace, generator: &generator)
/// let (draw, pullback) = try policy.sampleWithPullback(for: observations, generator: &generator)
/// let gradients = try pullback(actionGradient, logDensityWeights)   // SAC's actor loss
/// ```
public struct SquashedGaussianMLPPolicy: Sendable, Equatable {
    /// The network `[B, obs] -> [B, 2 * act]`: means, then raw log standard deviations.
    public internal(set) var network: MLP
    /// The action bounds (finite).
    public let actionBounds: Box
    /// `(low + high) / 2` per action entry.
    public let center: [Float]
    /// `(high - low) / 2` per action entry.
    public let halfWidth: [Float]

    /// The range the log standard deviation is clamped to (pranz24's `LOG_SIG_MIN`, `LOG_SIG_MAX`).
    public static let logStandardDeviationRange: ClosedRange<Float> = -20...2
    /// The constant inside the log of the squashing correction (pranz24's `epsilon`).
    public static let squashingEpsilon: Float = 1e-6

    /// A policy around `network`, whose output must have twice as many columns as the box.
    ///
    /// - Throws: `MBRLError.shapeMismatch` when the network's output is not `2 * act`,
    ///   `MBRLError.incompatible` when a bound is infinite or `low >= high` somewhere.
    public init(network: MLP, actionBounds: Box) throws {
        let box = try PolicySupport.boundedBox(of: .box(actionBounds), policy: "SquashedGaussianMLPPolicy")
        guard network.outputSize == 2 * box.size else {
            throw MBRLError.shapeMismatch(
                "SquashedGaussianMLPPolicy needs a network with 2 * \(box.size) = \(2 * box.size) outputs (means and log standard deviations), got \(network.outputSize)")
        }
        self.network = network
        self.actionBounds = box
        self.center = (0..<box.size).map { (box.lowerBound[$0] + box.upperBound[$0]) / 2 }
        self.halfWidth = (0..<box.size).map { (box.upperBound[$0] - box.lowerBound[$0]) / 2 }
    }

    /// A freshly initialised policy for an environment's spaces.
    ///
    /// - Throws: `MBRLError.incompatible` when the action space is not a bounded `Box` or the
    ///   observations are not a `Box`; `MBRLError.invalidArgument` for a bad config.
    public init(config: Config, observationSpace: Space, actionSpace: Space, generator: inout RandomGenerator) throws {
        let name = "SquashedGaussianMLPPolicy"
        let box = try PolicySupport.boundedBox(of: actionSpace, policy: name)
        let observationSize = try PolicySupport.observationSize(of: observationSpace, policy: name)
        try PolicySupport.checkHiddenSizes(config.hiddenSizes, policy: name)
        let network = try MLP(inputSize: observationSize, hiddenSizes: config.hiddenSizes, outputSize: 2 * box.size,
                              activation: config.activation, initializer: config.initializer, generator: &generator)
        try self.init(network: network, actionBounds: box)
    }

    /// The number of entries in an observation row.
    public var observationSize: Int { network.inputSize }
    /// The number of entries in an action row.
    public var actionSize: Int { center.count }

    // MARK: - The network's head

    /// The forward pass of the network split into the Gaussian's parameters.
    struct Head: Sendable {
        /// `[B, act]`.
        var mean: Matrix
        /// `[B, act]`, before the clamp.
        var rawLogStandardDeviation: Matrix
        /// `[B, act]`, clamped to `logStandardDeviationRange`.
        var logStandardDeviation: Matrix
        /// The network's tape.
        var tape: MLP.Tape
        /// The Gaussian over `u`.
        var distribution: DiagonalGaussianDistribution {
            DiagonalGaussianDistribution(uncheckedMean: mean, logStandardDeviation: logStandardDeviation)
        }
    }

    /// The network's forward pass for `[B, obs]`, split into mean and clamped log standard deviation.
    func head(for observations: Matrix) throws -> Head {
        try PolicySupport.checkObservations(observations, size: observationSize, policy: "SquashedGaussianMLPPolicy")
        let (output, tape) = try network.forward(observations)
        let (mean, raw) = PolicySupport.splitColumns(output, at: actionSize)
        let range = Self.logStandardDeviationRange
        let clamped = raw.map { min(max($0, range.lowerBound), range.upperBound) }
        return Head(mean: mean, rawLogStandardDeviation: raw, logStandardDeviation: clamped, tape: tape)
    }

    /// The parameter and observation gradients from gradients with respect to the mean and the
    /// clamped log standard deviation (`[B, act]` each).
    func pullback(_ head: Head, meanGradient: Matrix, logStandardDeviationGradient: Matrix) throws -> PolicyGradients {
        let range = Self.logStandardDeviationRange
        let passed = head.rawLogStandardDeviation.zipMap(logStandardDeviationGradient) { raw, gradient in
            range.contains(raw) ? gradient : 0
        }
        let (parameterGradients, inputGradient) = try network.backward(
            meanGradient.concatenatedColumns(passed), tape: head.tape, needsInputGradient: true)
        return PolicyGradients(parameters: parameterGradients,
                               observations: inputGradient ?? Matrix(rows: head.mean.rows, columns: observationSize))
    }

    /// `center + halfWidth * tanh(u)` for `u` `[B, act]`, and `tanh(u)`. The actions are clamped
    /// to the bounds afterwards: when `tanh` rounds to 1 the Float sum can land one ulp outside
    /// (the pullbacks ignore this rounding-level clamp).
    func squash(_ u: Matrix) -> (actions: Matrix, tanh: Matrix) {
        let t = u.map { tanhf($0) }
        var actions = t
        for row in 0..<t.rows {
            for column in 0..<t.columns {
                let action = center[column] + halfWidth[column] * t[row, column]
                actions[row, column] = min(max(action, actionBounds.lowerBound[column]), actionBounds.upperBound[column])
            }
        }
        return (actions, t)
    }

    /// `sum_j log(halfWidth_j * (1 - t_j^2) + 1e-6)` per row: the log-determinant of the
    /// squashing's Jacobian (with pranz24's epsilon).
    func squashingCorrections(tanh t: Matrix) -> [Float] {
        (0..<t.rows).map { row in
            var total: Float = 0
            for column in 0..<t.columns {
                let value = t[row, column]
                total += logf(halfWidth[column] * (1 - value * value) + Self.squashingEpsilon)
            }
            return total
        }
    }
}
