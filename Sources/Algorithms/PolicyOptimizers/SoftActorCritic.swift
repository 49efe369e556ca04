import MBRLCore

/// Soft actor-critic (Haarnoja et al. 2018, with automatic entropy tuning) as a policy optimizer,
/// the way Stable-Baselines3 runs it: a tanh-squashed Gaussian actor and twin critics learn
/// from minibatches of the run's real replay buffer, `gradientSteps` SAC updates every
/// `trainFrequency` stored steps once `learningStarts` steps are stored. Bootstrapping stops on
/// `terminated`, never on `truncated` (time limits). With no model in the recipe this is
/// model-free SAC, the baseline of the model-based optimizers built on the same update.
///
/// SB3 acts uniformly at random for its first `learning_starts` steps; in a recipe that is the
/// loop's exploration phase (`"loop": {"explorationSteps": 100}` with the default random
/// exploration agent).
///
/// ```json
/// "policyOptimizer": {"type": "sac", "learningRate": 0.001, "learningStarts": 100},
/// "loop": {"explorationEpisodes": 0, "explorationSteps": 100, "episodes": 25}
/// ```
public struct SoftActorCritic: Sendable {
    /// The settings.
    public let config: Config
    /// The gradient step (actor, critics, target critics, temperature, their Adam moments).
    public internal(set) var learner: SoftActorCriticUpdate<SquashedGaussianMLPPolicy>
    /// Real steps seen.
    public internal(set) var stepsSeen = 0
    /// The actor is not stepped while `stepsSeen <= actorHeldUntil` (the critics and the
    /// temperature still learn): a critic warm-up after a hand-over. 0 by default.
    public internal(set) var actorHeldUntil = 0

    /// A learner for the given spaces, its networks drawn from `generator`.
    ///
    /// - Throws: `RecipeError`-style `MBRLError.incompatible` for a discrete action space, and
    ///   `MBRLError.invalidArgument` for a bad config.
    public init(config: Config, observationSpace: Space, actionSpace: Space, generator: inout RandomGenerator) throws {
        guard case .box = actionSpace else {
            throw MBRLError.incompatible("sac needs continuous (Box) actions; for discrete actions use dqn or dyna-q")
        }
        self.config = config
        let actor = try SquashedGaussianMLPPolicy(config: config.actor, observationSpace: observationSpace,
                                                  actionSpace: actionSpace, generator: &generator)
        learner = try SoftActorCriticUpdate(actor: actor, config: config.learner, generator: &generator)
    }

    /// One round of updates if the schedule calls for it; returns the last update's metrics.
    mutating func train(on buffer: ReplayBuffer, generator: inout RandomGenerator) throws -> [String: Double] {
        stepsSeen += 1
        // SB3 trains once more than `learning_starts` steps are collected.
        guard stepsSeen > config.learningStarts, stepsSeen % config.trainFrequency == 0, buffer.count > 0 else { return [:] }
        var metrics: SoftActorCriticMetrics?
        for _ in 0..<config.gradientSteps {
            let batch = buffer.sample(batchSize: config.batchSize, generator: &generator)
            metrics = try learner.update(on: batch, generator: &generator, updatesActor: stepsSeen > actorHeldUntil)
        }
        return Dictionary(uniqueKeysWithValues: (metrics?.named ?? []).map { ($0.name, Double($0.value)) })
    }
}
