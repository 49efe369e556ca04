import MBRLCore

/// One gradient step of DQN (Mnih et al. 2015) with double-DQN targets (van Hasselt et al.
/// 2016), in the order and with the formulas of Stable-Baselines3's `DQN.train()`
/// (`stable_baselines3/dqn/dqn.py`): the model-free learner of `"dqn"` and of `"dyna"`. It
/// knows nothing of where its batches come from (real, imagined, or both).
///
/// From a batch `(s, a, r, s', terminated)` of `B` rows, `update(on:)`:
/// 1. forms the TD targets `y = r + gamma * (1 - terminated) * Q'(s', a*)` with the target
///    network `Q'`, where `a* = argmax_a Q(s', a)` by the online network (double DQN) or
///    `argmax_a Q'(s', a)` (`doubleQ: false`, SB3 and the 2015 paper);
/// 2. takes the Huber loss between `Q(s, a)` and `y` (mean over the batch), clips the
///    gradients' global norm to `maxGradientNorm` and takes an Adam step.
///
/// The target network moves only when `updateTargetNetwork()` is called (SB3 calls it every
/// `target_update_interval` environment steps; the policy optimizers keep that cadence).
/// Bootstrapping stops on `terminated`, never on `truncated`.
///
/// ```swift
/// var generator = RandomGenerator(seed: 0)
/// let policy = try EpsilonGreedyQPolicy(config: .init(), observationSpace: cartPole.observationSpace,
///                                       actionSpace: cartPole.actionSpace, generator: &generator)
/// var learner = try DeepQNetworkUpdate(policy: policy, config: .init(learningRate: 2.3e-3))
/// let metrics = try learner.update(on: buffer.sample(batchSize: 64, generator: &generator))
/// try learner.updateTargetNetwork()
/// ```
public struct DeepQNetworkUpdate: Sendable {
    /// The settings' type.
    public typealias Config = DeepQNetworkConfig

    /// The settings.
    public let config: Config
    /// The online Q-network inside its epsilon-greedy policy.
    public internal(set) var policy: EpsilonGreedyQPolicy
    /// The target network `Q'`.
    public internal(set) var targetNetwork: MLP
    /// The Q-network's optimiser.
    public internal(set) var optimizer: Adam
    /// Gradient steps taken.
    public internal(set) var stepCount = 0
    /// Target-network updates made.
    public internal(set) var targetUpdateCount = 0

    /// A learner around `policy`'s Q-network; the target network starts as a copy of it.
    ///
    /// - Throws: `MBRLError.invalidArgument` for a bad config.
    public init(policy: EpsilonGreedyQPolicy, config: Config = .defaults) throws {
        try config.validate()
        self.config = config
        self.policy = policy
        self.targetNetwork = policy.network
        self.optimizer = try Adam(learningRate: config.learningRate)
    }

    // MARK: - The update

    /// One DQN gradient step on `batch` (see the type's documentation).
    ///
    /// - Throws: `MBRLError.shapeMismatch` when the batch does not fit the network,
    ///   `MBRLError.invalidArgument` for an action that is not an index of the network's actions,
    ///   `MBRLError.nonFinite` when the loss is NaN or Inf (the network is then left as it was).
    public mutating func update(on batch: TransitionBatch) throws -> DeepQNetworkMetrics {
        let actions = try Self.actionIndices(batch, actionCount: policy.actionCount)
        let targets = try Self.targets(batch: batch, online: policy.network, target: targetNetwork,
                                       discount: config.discount, doubleQ: config.doubleQ)
        var step = try Self.lossAndGradients(network: policy.network, observations: batch.observations,
                                             actions: actions, targets: targets, delta: config.huberDelta)
        guard step.loss.isFinite else {
            throw MBRLError.nonFinite(
                "DQN update \(stepCount + 1): the loss is \(step.loss); the network was not stepped with it. Check the rewards and observations for extreme values, or lower learningRate")
        }
        let norm = try GradientClipping.clipByGlobalNorm(&step.gradients, maxNorm: config.maxGradientNorm)
        try optimizer.step(&policy.network, gradients: step.gradients)
        stepCount += 1
        return DeepQNetworkMetrics(loss: step.loss, meanQ: step.meanQ, gradientNorm: norm)
    }

    /// Moves the target network toward the online one: `Q' = (1 - tau) Q' + tau Q` (a copy with
    /// the default `tau` 1).
    public mutating func updateTargetNetwork() throws {
        try targetNetwork.polyakUpdate(toward: policy.network, rate: config.tau)
        targetUpdateCount += 1
    }

    // MARK: - The pieces (public for tests and for learners that reuse them)

    /// The TD targets `y_b = r_b + gamma * (1 - terminated_b) * Q'(s'_b, a*_b)`, `[B]`, with
    /// `a*` the online network's greedy action (`doubleQ`) or the target network's.
    ///
    /// - Throws: `MBRLError.shapeMismatch` when the next observations do not fit the networks.
    public static func targets(batch: TransitionBatch, online: MLP, target: MLP, discount: Float, doubleQ: Bool) throws -> [Float] {
        let targetValues = try target(batch.nextObservations)                       // [B, n]
        let chooser = doubleQ ? try online(batch.nextObservations) : targetValues
        let chosen = EpsilonGreedyQPolicy.greedyActions(chooser)
        var result = [Float](repeating: 0, count: batch.count)
        for row in 0..<batch.count {
            let bootstrap = batch.terminated[row] ? 0 : discount * targetValues[row, chosen[row]]
            result[row] = batch.rewards[row] + bootstrap
        }
        return result
    }

    /// The Huber loss `mean_b huber(Q(s_b, a_b) - y_b)` and its gradients with respect to the
    /// network's parameters (only the taken action's output receives a gradient).
    ///
    /// - Parameters:
    ///   - observations: `[B, obs]`.
    ///   - actions: `B` action indices.
    ///   - targets: `[B]`, held fixed.
    /// - Throws: `MBRLError.shapeMismatch` when the shapes do not fit.
    public static func lossAndGradients(network: MLP, observations: Matrix, actions: [Int], targets: [Float],
                                        delta: Float = 1) throws -> (loss: Float, gradients: [Matrix], meanQ: Float) {
        let rows = observations.rows
        guard actions.count == rows, targets.count == rows, rows > 0 else {
            throw MBRLError.shapeMismatch("a DQN loss needs one action and one target per observation row and at least one row; got \(rows) rows, \(actions.count) actions, \(targets.count) targets")
        }
        let (values, tape) = try network.forward(observations)                      // [B, n]
        var taken = Matrix(rows: rows, columns: 1)
        for row in 0..<rows { taken[row, 0] = values[row, actions[row]] }
        let (loss, takenGradient) = try HuberLoss.lossAndGradient(
            prediction: taken, target: Matrix(rows: rows, columns: 1, values: targets), delta: delta)
        var outputGradient = Matrix(rows: rows, columns: values.columns)
        for row in 0..<rows { outputGradient[row, actions[row]] = takenGradient[row, 0] }
        let gradients = try network.backward(outputGradient, tape: tape, needsInputGradient: false).parameterGradients
        let meanQ = taken.values.reduce(0.0) { $0 + Double($1) } / Double(rows)
        return (loss, gradients, Float(meanQ))
    }

    /// The batch's actions as indices in `0..<actionCount`, or an error naming the first bad row.
    static func actionIndices(_ batch: TransitionBatch, actionCount: Int) throws -> [Int] {
        guard batch.actions.columns == 1 else {
            throw MBRLError.shapeMismatch("a DQN batch holds one action entry per row (the index), got \(batch.actions.columns)")
        }
        guard batch.terminated.count == batch.count, batch.observations.rows == batch.count,
              batch.nextObservations.rows == batch.count, batch.actions.rows == batch.count else {
            throw MBRLError.shapeMismatch("the batch's parts disagree in their number of rows")
        }
        return try (0..<batch.count).map { row in
            let value = batch.actions[row, 0]
            guard value.isFinite, value == value.rounded(), value >= 0, value < Float(actionCount) else {
                throw MBRLError.invalidArgument("row \(row) of the batch holds action \(value); a DQN takes action indices in 0..<\(actionCount)")
            }
            return Int(value)
        }
    }
}
