import MBRLCore

/// Registers the policy optimizers in `registry`: `"dyna-q"`, `"dyna-q-plus"` (Dyna-Q with
/// `explorationBonus` 1e-3 and `planUntriedActions` on) and `"prioritized-sweeping"`, built for
/// the environment's discrete spaces (a continuous space is a `RecipeError`); and `"sac"`
/// (soft actor-critic on the real replay buffer) and `"mbpo"` (SAC on short model rollouts
/// branched from real states) for continuous actions; `"trpo"` (model-free trust region policy
/// optimization, on-policy) for `Box` or `Discrete` actions; `"me-trpo"` (model-ensemble TRPO:
/// TRPO on imagined trajectories of an ensemble, stopped when the members stop agreeing on
/// improvement) for `Box` or `Discrete` actions; `"policy-backprop"` (a deterministic policy
/// trained by backpropagation through the model's imagined rollouts) for `Box` actions;
/// `"dqn"` (deep Q-networks on the real replay buffer) and `"dyna"` (DQN on real transitions
/// mixed with model-simulated ones) for `Discrete` actions; `"distilled-policy"` (a student saved
/// by `mbrl-run distill`, which does not learn in the loop); `"mb-mf"` (the recipe's planner acts,
/// a policy imitates it by DAgger, then SAC or TRPO fine-tunes it model-free) for `Box` actions;
/// `"gps"` (guided policy search: per-condition linear-Gaussian controllers by LQR on fitted local
/// dynamics, distilled into a neural policy) for `Box` actions with a differentiable reward;
/// `"ppo"` (model-free proximal policy optimization, on-policy) for `Box` or `Discrete` actions;
/// `"simple"` (SimPLe: PPO on trajectories imagined by the latent model from real frame stacks)
/// for `Box` or `Discrete` actions.
public func registerPolicyOptimizers(in registry: ComponentRegistry) {
    registry.policyOptimizers.register(
        "dyna-q", summary: "tabular Dyna-Q (Sutton & Barto 8.2): Q-learning plus n updates replayed from a table model",
        config: DynaQ.Config.self
    ) { config, context in
        let (states, actions) = try TabularQSpaces.counts(observationSpace: context.observationSpace,
                                                          actionSpace: context.actionSpace, learner: "dyna-q")
        return try DynaQ(config: config, stateCount: states, actionCount: actions)
    }
    registry.policyOptimizers.register(
        "dyna-q-plus", summary: "Dyna-Q+ (Sutton & Barto 8.3): planning bonus kappa * sqrt(tau) and untried actions planned",
        config: DynaQ.Config.self,
        presets: ["explorationBonus": .number(1e-3), "planUntriedActions": .bool(true)]
    ) { config, context in
        let (states, actions) = try TabularQSpaces.counts(observationSpace: context.observationSpace,
                                                          actionSpace: context.actionSpace, learner: "dyna-q-plus")
        return try DynaQ(config: config, stateCount: states, actionCount: actions)
    }
    registry.policyOptimizers.register(
        "prioritized-sweeping", summary: "prioritized sweeping (Sutton & Barto 8.4): planning updates ordered by priority, deterministic model",
        config: PrioritizedSweeping.Config.self
    ) { config, context in
        let (states, actions) = try TabularQSpaces.counts(observationSpace: context.observationSpace,
                                                          actionSpace: context.actionSpace, learner: "prioritized-sweeping")
        return try PrioritizedSweeping(config: config, stateCount: states, actionCount: actions)
    }
    registry.policyOptimizers.register(
        "sac", summary: "soft actor-critic (Haarnoja et al. 2018) with automatic entropy tuning, as Stable-Baselines3 runs it",
        config: SoftActorCritic.Config.self
    ) { config, context in
        var generator = RandomGenerator(seed: context.seed, stream: 10)
        return try SoftActorCritic(config: config, observationSpace: context.observationSpace,
                                   actionSpace: context.actionSpace, generator: &generator)
    }
    registry.policyOptimizers.register(
        "mbpo", summary: "model-based policy optimization (Janner et al. 2019): SAC on short model rollouts branched from real states",
        config: ModelBasedPolicyOptimization.Config.self
    ) { config, context in
        var generator = RandomGenerator(seed: context.seed, stream: 10)
        return try ModelBasedPolicyOptimization(config: config, observationSpace: context.observationSpace,
                                                actionSpace: context.actionSpace, generator: &generator)
    }
    registry.policyOptimizers.register(
        "trpo", summary: "trust region policy optimization (Schulman et al. 2015) with GAE, on-policy, as sb3-contrib runs it",
        config: TrustRegionPolicyOptimizationConfig.self
    ) { config, context in
        var generator = RandomGenerator(seed: context.seed, stream: 11)
        if context.actionSpace.discrete != nil {
            let policy = try CategoricalMLPPolicy(config: config.categoricalPolicy, observationSpace: context.observationSpace,
                                                  actionSpace: context.actionSpace, generator: &generator)
            return try TrustRegionPolicyOptimization(config: config, policy: policy, generator: &generator)
        }
        let policy = try DiagonalGaussianMLPPolicy(config: config.policy, observationSpace: context.observationSpace,
                                                   actionSpace: context.actionSpace, generator: &generator)
        return try TrustRegionPolicyOptimization(config: config, policy: policy, generator: &generator)
    }
    registry.policyOptimizers.register(
        "me-trpo", summary: "model-ensemble TRPO (Kurutach et al. 2018): TRPO on ensemble rollouts, stopped by per-member validation, as thanard/me-trpo runs it",
        config: ModelEnsembleTrustRegionConfig.self
    ) { config, context in
        var generator = RandomGenerator(seed: context.seed, stream: 12)
        if context.actionSpace.discrete != nil {
            let policy = try CategoricalMLPPolicy(config: config.categoricalPolicy, observationSpace: context.observationSpace,
                                                  actionSpace: context.actionSpace, generator: &generator)
            return try ModelEnsembleTrustRegion(config: config, policy: policy, generator: &generator)
        }
        let policy = try DiagonalGaussianMLPPolicy(config: config.policy, observationSpace: context.observationSpace,
                                                   actionSpace: context.actionSpace, generator: &generator)
        return try ModelEnsembleTrustRegion(config: config, policy: policy, generator: &generator)
    }
    registry.policyOptimizers.register(
        "policy-backprop", summary: "policy backpropagation through the model: gradient ascent on the imagined H-step return of a deterministic policy",
        config: PolicyBackpropagation.Config.self
    ) { config, context in
        var generator = RandomGenerator(seed: context.seed, stream: 13)
        return try PolicyBackpropagation(config: config, observationSpace: context.observationSpace,
                                         actionSpace: context.actionSpace, generator: &generator)
    }
    registry.policyOptimizers.register(
        "dqn", summary: "deep Q-networks (Mnih et al. 2015) with double-DQN targets, on Stable-Baselines3's schedule, for discrete actions",
        config: DeepQNetwork.Config.self
    ) { config, context in
        var generator = RandomGenerator(seed: context.seed, stream: 14)
        return try DeepQNetwork(config: config, observationSpace: context.observationSpace,
                                actionSpace: context.actionSpace, generator: &generator)
    }
    registry.policyOptimizers.register(
        "dyna", summary: "general Dyna with a DQN learner: minibatches mix real transitions with model-simulated ones from real states, discrete actions",
        config: GeneralDyna.Config.self
    ) { config, context in
        var generator = RandomGenerator(seed: context.seed, stream: 14)
        return try GeneralDyna(config: config, observationSpace: context.observationSpace,
                               actionSpace: context.actionSpace, generator: &generator)
    }
    registry.policyOptimizers.register(
        "distilled-policy", summary: "a student policy trained by 'mbrl-run distill' (policy distillation, Rusu et al. 2015); acts as saved, does not learn",
        config: DistilledPolicyConfig.self
    ) { config, context in
        var generator = RandomGenerator(seed: context.seed, stream: 15)
        return try config.makeOptimizer(observationSpace: context.observationSpace, actionSpace: context.actionSpace, generator: &generator)
    }
    registry.policyOptimizers.register(
        "mb-mf", summary: "MB-MF (Nagabandi et al. 2018): the planner acts, a policy imitates it by DAgger, then SAC or TRPO fine-tunes it model-free",
        config: ModelBasedModelFreeConfig.self
    ) { config, context in
        switch config.fineTuner {
        case .sac(let tunerConfig):
            // The stream of "sac", so a fine-tuned and a from-scratch SAC start from the same critics.
            var generator = RandomGenerator(seed: context.seed, stream: 10)
            let sac = try SoftActorCritic(config: tunerConfig, observationSpace: context.observationSpace,
                                          actionSpace: context.actionSpace, generator: &generator)
            return try ModelBasedModelFree(config: config, fineTuner: sac, seed: context.seed)
        case .trpo(let tunerConfig):
            guard case .box = context.actionSpace else {
                throw MBRLError.incompatible("mb-mf imitates a planner's continuous actions; the environment's actions are \(context.actionSpace)")
            }
            var generator = RandomGenerator(seed: context.seed, stream: 11)
            let policy = try DiagonalGaussianMLPPolicy(config: tunerConfig.policy, observationSpace: context.observationSpace,
                                                       actionSpace: context.actionSpace, generator: &generator)
            let trpo = try TrustRegionPolicyOptimization(config: tunerConfig, policy: policy, generator: &generator)
            return try ModelBasedModelFree(config: config, fineTuner: trpo, seed: context.seed)
        }
    }
    registry.policyOptimizers.register(
        "gps", summary: "guided policy search (mirror-descent GPS, Montgomery & Levine 2016, or trajectory optimisation only) as cbfinn/gps runs it",
        config: GuidedPolicySearch.Config.self
    ) { config, context in
        var generator = RandomGenerator(seed: context.seed, stream: 15)
        return try GuidedPolicySearch(config: config, observationSpace: context.observationSpace,
                                      actionSpace: context.actionSpace, generator: &generator)
    }
    registry.policyOptimizers.register(
        "ppo", summary: "proximal policy optimization (Schulman et al. 2017), clipped surrogate with GAE, on-policy, as Stable-Baselines3 runs it",
        config: ProximalPolicyOptimizationConfig.self
    ) { config, context in
        var generator = RandomGenerator(seed: context.seed, stream: 17)
        if context.actionSpace.discrete != nil {
            let policy = try CategoricalMLPPolicy(config: config.categoricalPolicy, observationSpace: context.observationSpace,
                                                  actionSpace: context.actionSpace, generator: &generator)
            return try ProximalPolicyOptimization(config: config, policy: policy, generator: &generator)
        }
        let policy = try DiagonalGaussianMLPPolicy(config: config.policy, observationSpace: context.observationSpace,
                                                   actionSpace: context.actionSpace, generator: &generator)
        return try ProximalPolicyOptimization(config: config, policy: policy, generator: &generator)
    }
    registry.policyOptimizers.register(
        "simple", summary: "SimPLe (Kaiser et al. 2019): PPO on 50-step trajectories the latent pixel model imagines from real frame stacks",
        config: SimulatedPolicyLearningConfig.self
    ) { config, context in
        var generator = RandomGenerator(seed: context.seed, stream: 18)
        if context.actionSpace.discrete != nil {
            let policy = try CategoricalMLPPolicy(config: config.categoricalPolicy, observationSpace: context.observationSpace,
                                                  actionSpace: context.actionSpace, generator: &generator)
            return try SimulatedPolicyLearning(config: config, policy: policy, generator: &generator)
        }
        let policy = try DiagonalGaussianMLPPolicy(config: config.policy, observationSpace: context.observationSpace,
                                                   actionSpace: context.actionSpace, generator: &generator)
        return try SimulatedPolicyLearning(config: config, policy: policy, generator: &generator)
    }
}
