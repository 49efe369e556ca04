import MBRLCore

/// Supervised regression of a differentiable policy toward target actions: minibatches of
/// `(observation, target action)` rows, the mean squared error between the policy's
/// deterministic (`.evaluation`) action and the target, Adam steps through the policy's
/// pullback. Behaviour cloning and DAgger's refits (MB-MF) use it; so can any learner that
/// distils labels into a policy.
///
/// The action is in the environment's units, so a tanh-squashed policy is fitted through its
/// squashing (`center + halfWidth * tanh(mean)`) and a clipped Gaussian through its clipping
/// (no gradient where the mean lies outside the box).
///
/// ```swift
/// var regression = try PolicyRegression(learningRate: 1e-3, epochs: 50, batchSize: 64)
/// let loss = try regression.fit(&policy, observations: states, targets: expertActions, generator: &generator)
/// ```
public struct PolicyRegression: Sendable, Equatable {
    /// Passes over the data per `fit`.
    public var epochs: Int
    /// Rows per minibatch (the last minibatch of an epoch may be smaller).
    public var batchSize: Int
    /// The optimiser; its moments carry over between fits (DAgger's refits continue training).
    public internal(set) var optimizer: Adam

    /// A regression with Adam at `learningRate`.
    ///
    /// - Throws: `MBRLError.invalidArgument` for a non-positive epoch count or batch size, or a
    ///   bad learning rate.
    public init(learningRate: Float = 1e-3, epochs: Int = 50, batchSize: Int = 64) throws {
        guard epochs > 0, batchSize > 0 else {
            throw MBRLError.invalidArgument("policy regression needs positive epochs and batch size, got \(epochs) and \(batchSize)")
        }
        self.epochs = epochs
        self.batchSize = batchSize
        optimizer = try Adam(learningRate: learningRate)
    }

    /// The loss `mean((pi(s) - target)^2)` over every entry of `[B, act]` and its gradient with
    /// respect to the policy's parameters (in the order of `policy.parameters`).
    ///
    /// - Throws: `MBRLError.shapeMismatch` when the observations, targets and policy disagree.
    public static func lossAndGradients<LearnedPolicy: DifferentiablePolicy>(
        policy: LearnedPolicy, observations: Matrix, targets: Matrix
    ) throws -> (loss: Float, gradients: [Matrix]) {
        guard observations.rows == targets.rows, observations.columns == policy.observationSize,
              targets.columns == policy.actionSize else {
            throw MBRLError.shapeMismatch(
                "policy regression: observations [\(observations.rows), \(observations.columns)] and targets [\(targets.rows), \(targets.columns)] do not fit a policy of \(policy.observationSize) observation and \(policy.actionSize) action entries")
        }
        var unused = RandomGenerator(seed: 0)
        let (actions, pullback) = try policy.actionsWithPullback(for: observations, mode: .evaluation, generator: &unused)
        let (loss, gradient) = try MeanSquaredError.lossAndGradient(prediction: actions, target: targets)
        return (loss, try pullback(gradient).parameters)
    }

    /// Fits `policy` to the rows for `epochs` passes of shuffled minibatches; returns the mean
    /// minibatch loss of the last pass.
    ///
    /// - Throws: `MBRLError.shapeMismatch` as `lossAndGradients`; `MBRLError.invalidArgument`
    ///   for an empty dataset; `MBRLError.nonFinite` when a loss is not finite (the policy is
    ///   left at the last finite step).
    @discardableResult
    public mutating func fit<LearnedPolicy: DifferentiablePolicy>(
        _ policy: inout LearnedPolicy, observations: Matrix, targets: Matrix, generator: inout RandomGenerator
    ) throws -> Float {
        guard observations.rows > 0 else {
            throw MBRLError.invalidArgument("policy regression needs at least one labelled row")
        }
        var lastEpochLoss: Float = 0
        for _ in 0..<epochs {
            let order = generator.permutation(count: observations.rows)
            var total: Float = 0, batches = 0
            var start = 0
            while start < order.count {
                let indices = Array(order[start..<min(start + batchSize, order.count)])
                start += batchSize
                let (loss, gradients) = try Self.lossAndGradients(policy: policy, observations: observations.gatherRows(indices),
                                                                  targets: targets.gatherRows(indices))
                guard loss.isFinite else {
                    throw MBRLError.nonFinite("policy regression: the loss is \(loss) after \(optimizer.stepCount) steps")
                }
                try optimizer.step(&policy, gradients: gradients)
                total += loss
                batches += 1
            }
            lastEpochLoss = total / Float(max(batches, 1))
        }
        return lastEpochLoss
    }
}
