#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MBRLCore

/// One gradient step of soft actor-critic (Haarnoja et al., 2018) with automatic entropy
/// tuning, in the order and with the formulas of Stable-Baselines3's `SAC.train()`
/// (`stable_baselines3/sac/sac.py`): the model-free learner inside MBPO and Dyna-style policy
/// optimisers. It knows nothing of where its batches come from.
///
/// From a batch `(s, a, r, s', terminated)` of `B` rows, `update(on:generator:)`:
/// 1. samples `a~ ~ pi(.|s)` with the reparameterisation trick and its `log pi(a~|s)`;
/// 2. (temperature) with `alpha = exp(log alpha)` read before the step, takes an Adam step on
///    `-mean(log alpha * (log pi(a~|s) + targetEntropy))`, `targetEntropy = -|A|` by default;
/// 3. (critics) samples `a' ~ pi(.|s')`, forms the targets
///    `y = r + gamma * (1 - terminated) * (min_k Q'_k(s', a') - alpha * log pi(a'|s'))` with the
///    target critics `Q'`, and takes an Adam step on `0.5 * sum_k mean_b (Q_k(s, a) - y)^2`;
/// 4. (actor) takes an Adam step on `mean(alpha * log pi(a~|s) - min_k Q_k(s, a~))`, with the
///    critics just updated, differentiated through the critics' action input and through the
///    actor's sample and log-density (the noise held fixed);
/// 5. (targets) every `targetUpdateInterval` steps, `Q' = (1 - tau) Q' + tau Q`.
///
/// ```swift
/// var generator = RandomGenerator(seed: 0)
/// let actor = try SquashedGaussianMLPPolicy(config: .init(), observationSpace: observationSpace,
///                                           actionSpace: actionSpace, generator: &generator)
/// var learner = try SoftActorCriticUpdate(actor: actor, generator: &generator)
/// for _ in 0..<updates {
///     let batch = try buffer.sample(batchSize: 256, generator: &generator)
///     let metrics = try learner.update(on: batch, generator: &generator)
/// }
/// ```
public struct SoftActorCriticUpdate<Actor: SoftActorCriticActor>: Sendable {
    /// The settings' type.
    public typealias Config = SoftActorCriticConfig

    /// The settings.
    public let config: Config
    /// The policy being learned.
    public internal(set) var actor: Actor
    /// The online critics `Q_k`.
    public internal(set) var critics: ActionValueCritics
    /// The target critics `Q'_k`, Polyak averages of `critics`.
    public internal(set) var targetCritics: ActionValueCritics
    /// The temperature's logarithm, `log alpha`.
    public internal(set) var logAlpha: Float
    /// The actor's optimiser.
    public internal(set) var actorOptimizer: Adam
    /// The critics' optimiser.
    public internal(set) var criticOptimizer: Adam
    /// The temperature's optimiser (unused when `config.learnsTemperature` is false).
    public internal(set) var temperatureOptimizer: Adam
    /// The number of updates taken.
    public internal(set) var stepCount: Int
    /// The entropy the temperature is tuned toward: `config.targetEntropy`, or `-|A|`.
    public let targetEntropy: Float

    /// The temperature `alpha = exp(log alpha)`.
    public var alpha: Float { expf(logAlpha) }

    /// A learner around `actor` and `critics`; the target critics start as a copy of `critics`.
    ///
    /// - Throws: `MBRLError.invalidArgument` for a bad config, `MBRLError.shapeMismatch` when
    ///   the critics' observation or action size differs from the actor's.
    public init(actor: Actor, critics: ActionValueCritics, config: Config = .defaults) throws {
        try config.validate()
        guard critics.observationSize == actor.observationSize, critics.actionSize == actor.actionSize else {
            throw MBRLError.shapeMismatch(
                "the critics take observations of \(critics.observationSize) and actions of \(critics.actionSize) entries, "
                    + "the actor \(actor.observationSize) and \(actor.actionSize)")
        }
        self.config = config
        self.actor = actor
        self.critics = critics
        self.targetCritics = critics
        self.logAlpha = logf(config.initialTemperature)
        self.actorOptimizer = try Adam(learningRate: config.learningRate)
        self.criticOptimizer = try Adam(learningRate: config.learningRate)
        self.temperatureOptimizer = try Adam(learningRate: config.learningRate)
        self.stepCount = 0
        self.targetEntropy = config.targetEntropy ?? -Float(actor.actionSize)
    }

    /// A learner around `actor` with fresh critics drawn from `generator`.
    ///
    /// - Throws: as `init(actor:critics:config:)`, and for a bad critic config.
    public init(actor: Actor, config: Config = .defaults, generator: inout RandomGenerator) throws {
        let critics = try ActionValueCritics(
            observationSize: actor.observationSize, actionSize: actor.actionSize,
            config: config.critics, generator: &generator)
        try self.init(actor: actor, critics: critics, config: config)
    }

    // MARK: - The update

    /// One SAC gradient step on `batch` (see the type's documentation for the order).
    ///
    /// - Parameters:
    ///   - batch: `B >= 1` rows; `truncated` is ignored (a time limit is not a terminal state).
    ///   - generator: draws the actor's noise for `s` and then for `s'`.
    ///   - updatesActor: false leaves the actor as it is (a critic warm-up after the actor was
    ///     initialised from elsewhere, as MB-MF's hand-over); its loss is then reported as 0.
    /// - Returns: the losses, the temperature used and the entropy estimate.
    /// - Throws: `MBRLError.shapeMismatch` when the batch does not fit the networks;
    ///   `MBRLError.nonFinite` naming the update and the loss when the critic or actor loss is
    ///   NaN or Inf (the networks it would have stepped are left as they were).
    public mutating func update(on batch: TransitionBatch, generator: inout RandomGenerator,
                                updatesActor: Bool = true) throws -> SoftActorCriticMetrics {
        try validate(batch)
        let batchSize = batch.count

        // MARK: Actor sample for s (used by the temperature and the actor)
        let draw = try actor.reparameterizedSample(for: batch.observations, generator: &generator)
        let logDensities = draw.logDensities

        // MARK: Temperature
        let alpha = self.alpha
        var temperatureLoss: Float = 0
        if config.learnsTemperature {
            var meanGap = 0.0
            for value in logDensities { meanGap += Double(value + targetEntropy) }
            meanGap /= Double(batchSize)
            temperatureLoss = -logAlpha * Float(meanGap)
            var parameters = [Matrix(rows: 1, columns: 1, values: [logAlpha])]
            try temperatureOptimizer.step(parameters: &parameters, gradients: [Matrix(rows: 1, columns: 1, values: [-Float(meanGap)])])
            logAlpha = parameters[0][0, 0]
        }

        // MARK: Critics
        let targets = try Self.criticTargets(
            batch: batch, actor: actor, targetCritics: targetCritics, alpha: alpha,
            discount: config.discount, generator: &generator)
        let criticLoss = try critics.lossAndGradients(
            observations: batch.observations, actions: batch.actions, targets: targets)
        try requireFinite(criticLoss.loss, name: "critic loss")
        try criticOptimizer.step(&critics, gradients: criticLoss.gradients)

        // MARK: Actor
        var actorLoss: Float = 0
        if updatesActor {
            let actorStep = try Self.actorLossAndGradients(
                sample: draw,
                observations: batch.observations, critics: critics, alpha: alpha)
            try requireFinite(actorStep.loss, name: "actor loss")
            try actorOptimizer.step(&actor, gradients: actorStep.gradients)
            actorLoss = actorStep.loss
        }

        // MARK: Target critics
        if stepCount % config.targetUpdateInterval == 0 {
            try targetCritics.polyakUpdate(toward: critics, rate: config.tau)
        }
        stepCount += 1

        var meanLogDensity = 0.0
        for value in logDensities { meanLogDensity += Double(value) }
        meanLogDensity /= Double(batchSize)
        return SoftActorCriticMetrics(
            criticLoss: criticLoss.loss, actorLoss: actorLoss, temperature: alpha,
            temperatureLoss: temperatureLoss, entropy: Float(-meanLogDensity),
            meanQ: Float(criticLoss.values.minimum.reduce(0.0) { $0 + Double($1) } / Double(batchSize)))
    }

    /// Throws `MBRLError.nonFinite` naming the loss and the update when `loss` is NaN or Inf,
    /// before the step that would spread it into the networks.
    func requireFinite(_ loss: Float, name: String) throws {
        guard loss.isFinite else {
            throw MBRLError.nonFinite(
                "SAC update \(stepCount + 1): the \(name) is \(loss); the networks were not stepped with it. Check the rewards and observations for extreme values, or lower learningRate")
        }
    }

    // MARK: - The pieces (public for tests and for learners that reuse them)

    /// The critics' regression targets
    /// `y = r + gamma * (1 - terminated) * (min_k Q'_k(s', a') - alpha * log pi(a'|s'))`,
    /// `a' ~ pi(.|s')` drawn from `generator`; `[B]`.
    ///
    /// - Throws: `MBRLError.shapeMismatch` when the batch does not fit the networks.
    public static func criticTargets(
        batch: TransitionBatch,
        actor: Actor,
        targetCritics: ActionValueCritics,
        alpha: Float,
        discount: Float,
        generator: inout RandomGenerator
    ) throws -> [Float] {
        let next = try actor.sampleWithLogDensities(for: batch.nextObservations, generator: &generator)
        let nextValues = try targetCritics(observations: batch.nextObservations, actions: next.actions).minimum
        var targets = [Float](repeating: 0, count: batch.count)
        for row in 0..<batch.count {
            let soft = nextValues[row] - alpha * next.logDensities[row]
            targets[row] = batch.rewards[row] + (batch.terminated[row] ? 0 : discount * soft)
        }
        return targets
    }

    /// The actor loss `mean_b(alpha * log pi(a~_b|s_b) - min_k Q_k(s_b, a~_b))` and its gradients
    /// with respect to the actor's parameters, from a reparameterised sample and its pullback.
    ///
    /// - Parameters:
    ///   - sample: `a~` `[B, act]`, `log pi(a~|s)` `[B]` and their pullback.
    ///   - observations: `s`, `[B, obs]`.
    /// - Throws: `MBRLError.shapeMismatch` when the shapes do not fit.
    public static func actorLossAndGradients(
        sample: SoftActorCriticActorSample,
        observations: Matrix,
        critics: ActionValueCritics,
        alpha: Float
    ) throws -> (loss: Float, gradients: [Matrix]) {
        let batchSize = observations.rows
        let scale = 1 / Float(batchSize)
        // d(-mean min Q)/da~ through the critics' action input.
        let (minimumValues, actionGradient) = try critics.actionGradient(
            observations: observations, actions: sample.actions, reduction: .minimum,
            weights: [Float](repeating: -scale, count: batchSize))
        var loss = 0.0
        for row in 0..<batchSize { loss += Double(alpha * sample.logDensities[row] - minimumValues[row]) }
        let gradients = try sample.pullback(actionGradient, [Float](repeating: alpha * scale, count: batchSize))
        return (Float(loss / Double(batchSize)), gradients)
    }

    private func validate(_ batch: TransitionBatch) throws {
        let rows = batch.count
        guard rows > 0 else { throw MBRLError.invalidArgument("a SAC update needs a batch of at least one row") }
        guard batch.observations.rows == rows, batch.actions.rows == rows, batch.nextObservations.rows == rows,
              batch.terminated.count == rows else {
            throw MBRLError.shapeMismatch(
                "the batch's parts disagree: \(rows) rewards, \(batch.observations.rows) observations, \(batch.actions.rows) actions, "
                    + "\(batch.nextObservations.rows) next observations, \(batch.terminated.count) terminated flags")
        }
        guard batch.observations.columns == actor.observationSize, batch.nextObservations.columns == actor.observationSize,
              batch.actions.columns == actor.actionSize else {
            throw MBRLError.shapeMismatch(
                "the learner takes observations [B, \(actor.observationSize)] and actions [B, \(actor.actionSize)], got "
                    + "\(batch.observations.rows) x \(batch.observations.columns), \(batch.actions.rows) x \(batch.actions.columns) "
                    + "and next observations \(batch.nextObservations.rows) x \(batch.nextObservations.columns)")
        }
    }
}
