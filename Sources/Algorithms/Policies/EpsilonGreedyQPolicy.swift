import MBRLCore

/// The epsilon-greedy policy of a Q-network over the `n` actions of a `Discrete(n)` environment
/// (DQN's behaviour policy, Mnih et al. 2015): an MLP gives the action values `Q(s, .)` `[B, n]`;
/// `.exploration` takes a uniformly random action with probability `epsilon` and otherwise a
/// maximal one, `.evaluation` always takes the maximal action (the lowest index among ties).
/// `[B, obs] -> [B, 1]`, each action row one entry holding the index (the framework's discrete
/// layout).
///
/// ```swift
/// var generator = RandomGenerator(seed: 0)
/// var policy = try EpsilonGreedyQPolicy(config: .init(), observationSpace: cartPole.observationSpace,
///                                       actionSpace: cartPole.actionSpace, generator: &generator)
/// policy.epsilon = 0.05
/// let actions = try policy.actions(for: observations, mode: .exploration, generator: &generator)  // [B, 1]
/// let values = try policy.actionValues(for: observations)                                         // [B, 2]
/// ```
public struct EpsilonGreedyQPolicy: Sendable, Equatable {
    /// The Q-network `[B, obs] -> [B, n]`.
    public internal(set) var network: MLP
    /// The probability of a uniformly random action in `.exploration` mode, in `0...1`.
    public var epsilon: Float

    /// A policy around a Q-network with one output per action.
    ///
    /// - Throws: `MBRLError.invalidArgument` when `epsilon` is outside `0...1`.
    public init(network: MLP, epsilon: Float = 1) throws {
        guard (0...1).contains(epsilon) else {
            throw MBRLError.invalidArgument("epsilon must be in 0...1, got \(epsilon)")
        }
        self.network = network
        self.epsilon = epsilon
    }

    /// A freshly initialised Q-network for an environment's spaces, exploring with `epsilon`.
    ///
    /// - Throws: `MBRLError.incompatible` when the action space is not `Discrete` (a Q-network
    ///   has one output per action; use `"sac"` or `"mbpo"` for a `Box`) or the observations are
    ///   not a `Box`; `MBRLError.invalidArgument` for a bad config.
    public init(config: Config, observationSpace: Space, actionSpace: Space, epsilon: Float = 1,
                generator: inout RandomGenerator) throws {
        let name = "EpsilonGreedyQPolicy"
        guard let discrete = actionSpace.discrete else {
            throw MBRLError.incompatible(
                "a Q-network needs a Discrete action space (one value per action); this environment's actions are a Box of \(actionSpace.flatSize) entries: use \"sac\" or \"mbpo\" for continuous actions")
        }
        let observationSize = try PolicySupport.observationSize(of: observationSpace, policy: name)
        try PolicySupport.checkHiddenSizes(config.hiddenSizes, policy: name)
        let network = try MLP(inputSize: observationSize, hiddenSizes: config.hiddenSizes, outputSize: discrete.count,
                              activation: config.activation, initializer: config.initializer, generator: &generator)
        try self.init(network: network, epsilon: epsilon)
    }

    /// The number of entries in an observation row.
    public var observationSize: Int { network.inputSize }
    /// The number of actions `n`.
    public var actionCount: Int { network.outputSize }

    /// The action values `Q(s, .)`, `[B, obs] -> [B, n]`.
    ///
    /// - Throws: `MBRLError.shapeMismatch` when the observations do not have `observationSize` columns.
    public func actionValues(for observations: Matrix) throws -> Matrix {
        try PolicySupport.checkObservations(observations, size: observationSize, policy: "EpsilonGreedyQPolicy")
        return try network(observations)
    }

    /// The index of the first maximal entry of each row of `values` `[B, n]`.
    public static func greedyActions(_ values: Matrix) -> [Int] {
        (0..<values.rows).map { row in
            var best = 0
            for column in 1..<max(1, values.columns) where values[row, column] > values[row, best] { best = column }
            return best
        }
    }
}
