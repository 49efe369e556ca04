#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MBRLCore

/// The deterministic actor of DDPG and TD3: an MLP, then `tanh`, then the affine map onto the
/// `Box` bounds, `low + (tanh(y) + 1) / 2 * (high - low)`. `[B, obs] -> [B, act]`.
///
/// `.evaluation` acts with that action; `.exploration` adds Gaussian noise of standard
/// deviation `explorationNoise` times the box's half-width and clips to the bounds, as
/// Fujimoto's TD3 (`main.py`: `normal(0, max_action * expl_noise)`, then `clip`). The pullback
/// of an exploring action holds the noise fixed and passes nothing through clipped entries.
///
/// ```swift
/// var generator = RandomGenerator(seed: 0)
/// let policy = try DeterministicMLPPolicy(config: .init(), observationSpace: environment.observationSpace,
///                                         actionSpace: environment.actionSpace, generator: &generator)
/// let (actions, pullback) = try policy.actionsWithPullback(for: observations, mode: .evaluation, generator: &generator)
/// let gradients = try pullback(actionGradient)   // DDPG's actor step: actionGradient = -dQ/da / B
/// ```
public struct DeterministicMLPPolicy: Sendable, Equatable {
    /// The network `[B, obs] -> [B, act]` before the `tanh`.
    public internal(set) var network: MLP
    /// The action bounds (finite).
    public let actionBounds: Box
    /// The exploration noise's standard deviation in units of the half-width (`>= 0`).
    public var explorationNoise: Float

    /// A policy around `network`, whose output must have one column per box entry.
    ///
    /// - Throws: `MBRLError.shapeMismatch` when the sizes differ, `MBRLError.incompatible` for an
    ///   unbounded box, `MBRLError.invalidArgument` for a negative or non-finite noise.
    public init(network: MLP, actionBounds: Box, explorationNoise: Float = 0.1) throws {
        let name = "DeterministicMLPPolicy"
        let box = try PolicySupport.boundedBox(of: .box(actionBounds), policy: name)
        guard network.outputSize == box.size else {
            throw MBRLError.shapeMismatch("\(name): the network gives \(network.outputSize) outputs but the action box has \(box.size) entries")
        }
        guard explorationNoise >= 0, explorationNoise.isFinite else {
            throw MBRLError.invalidArgument("\(name): explorationNoise must be finite and at least 0, got \(explorationNoise)")
        }
        self.network = network
        self.actionBounds = box
        self.explorationNoise = explorationNoise
    }

    /// A freshly initialised policy for an environment's spaces.
    ///
    /// - Throws: `MBRLError.incompatible` when the action space is not a bounded `Box` or the
    ///   observations are not a `Box`; `MBRLError.invalidArgument` for a bad config.
    public init(config: Config, observationSpace: Space, actionSpace: Space, generator: inout RandomGenerator) throws {
        let name = "DeterministicMLPPolicy"
        let box = try PolicySupport.boundedBox(of: actionSpace, policy: name)
        let observationSize = try PolicySupport.observationSize(of: observationSpace, policy: name)
        try PolicySupport.checkHiddenSizes(config.hiddenSizes, policy: name)
        let network = try MLP(inputSize: observationSize, hiddenSizes: config.hiddenSizes, outputSize: box.size,
                              activation: config.activation, initializer: config.initializer, generator: &generator)
        try self.init(network: network, actionBounds: box, explorationNoise: config.explorationNoise)
    }

    /// The number of entries in an observation row.
    public var observationSize: Int { network.inputSize }
    /// The number of entries in an action row.
    public var actionSize: Int { network.outputSize }
    /// `(high - low) / 2` per action entry.
    var halfWidth: [Float] { (0..<actionSize).map { (actionBounds.upperBound[$0] - actionBounds.lowerBound[$0]) / 2 } }

    /// `low + (t + 1) / 2 * (high - low)` for `t = tanh(y)` `[B, act]`.
    func mapped(_ t: Matrix) -> Matrix {
        var actions = t
        for row in 0..<t.rows {
            for column in 0..<t.columns {
                let low = actionBounds.lowerBound[column], high = actionBounds.upperBound[column]
                actions[row, column] = min(max(low + (t[row, column] + 1) / 2 * (high - low), low), high)
            }
        }
        return actions
    }

    /// Exploration noise `N(0, (explorationNoise * halfWidth)^2)` added to `actions` `[B, act]`,
    /// clipped to the box, with a mask of 1 where nothing was clipped.
    func explore(_ actions: Matrix, generator: inout RandomGenerator) -> (actions: Matrix, mask: Matrix) {
        var noise = Matrix(rows: actions.rows, columns: actions.columns)
        generator.fillStandardNormal(&noise)
        var result = actions, mask = Matrix(rows: actions.rows, columns: actions.columns, repeating: 1)
        let widths = halfWidth
        for row in 0..<actions.rows {
            for column in 0..<actions.columns {
                let low = actionBounds.lowerBound[column], high = actionBounds.upperBound[column]
                let value = actions[row, column] + explorationNoise * widths[column] * noise[row, column]
                if value < low || value > high { mask[row, column] = 0 }
                result[row, column] = min(max(value, low), high)
            }
        }
        return (result, mask)
    }
}
