import MBRLCore

extension ModelEnsembleTrustRegion {
    /// The settings' type (shared by every policy kind).
    public typealias Config = ModelEnsembleTrustRegionConfig
}

/// `"me-trpo"`'s recipe keys. Defaults are thanard/me-trpo's (`params/params-half-cheetah.json`
/// and `params-swimmer.json`, `policy_opt_params` and `rollout_params`, with rllab's `TRPO` and
/// `GaussianMLPPolicy` defaults), each named at its key; the TRPO update's own keys
/// (`TrustRegionPolicyUpdateConfig`) sit at the same level.
///
/// ```json
/// "policyOptimizer": {"type": "me-trpo", "horizon": 200, "imaginedStepsPerUpdate": 4000, "maxUpdates": 100}
/// ```
public struct ModelEnsembleTrustRegionConfig: DocumentedConfig, Equatable {
    /// Steps of every imagined trajectory and validation rollout (thanard `T`: 100 for
    /// half-cheetah, 200 for swimmer).
    public var horizon = 100
    /// Imagined steps per TRPO update (thanard `trpo.batch_size` 50,000).
    public var imaginedStepsPerUpdate = 50_000
    /// The discount of the imagined returns and GAE (thanard `trpo.discount` 1.0).
    public var discount: Float = 1
    /// GAE's lambda (rllab's `BatchPolopt` default `gae_lambda` 1).
    public var gaeLambda: Float = 1
    /// TRPO updates between validation checks (thanard `log_every` 5).
    public var validationEvery = 5
    /// Checks in a row without improvement before the fit's updates stop (thanard
    /// `num_iters_threshold` 25 updates / `log_every` 5 = 5 checks).
    public var patience = 5
    /// The most TRPO updates per model fit (thanard `max_iters` 400).
    public var maxUpdates = 400
    /// The fraction of members that must see improvement at a check (thanard: more than
    /// `percent_models_threshold` 0.30 worse stops, so 0.7).
    public var improvementRatio: Float = 0.7
    /// Start states of the validation rollouts, drawn once per fit (thanard
    /// `policy_opt_params.batch_size` 500).
    public var validationStarts = 500
    /// The discount of the validation returns (thanard `gamma` 1.0).
    public var validationDiscount: Float = 1
    /// Where imagined and validation trajectories start.
    public var startStates = ModelEnsembleStartStates.episodeStarts
    /// Reset the Gaussian policy's standard deviation to `exp(policy.logStandardDeviationInit)`
    /// at the start of every fit's updates (thanard `trpo.reset` true, `init_std` 1.0).
    public var resetStandardDeviation = true
    /// Real data collection: the policy's mean plus Gaussian noise of standard deviation
    /// `actionNoise * u * (high - low) / 2`, `u` uniform in [0, 1) drawn every step, clipped to
    /// the box (thanard `exploration.action_noise` 3.0 with `vary_trajectory_noise`, in rllab's
    /// normalised [-1, 1] actions); `null` samples the Gaussian policy instead. Discrete
    /// actions always sample the categorical policy.
    public var actionNoise: Float? = 3
    /// The policy network (thanard `policy.hidden_layers` [32, 32]; rllab's `GaussianMLPPolicy`
    /// tanh hidden layers; `init_std` 1.0, log 0). For `Discrete` actions a categorical policy
    /// with the same `hiddenSizes`, `activation` and `initializer`.
    public var policy = DiagonalGaussianMLPPolicy.Config(hiddenSizes: [32, 32], activation: .tanh, logStandardDeviationInit: 0)
    /// The TRPO update (thanard `trpo.step_size` 0.01 is `targetKullbackLeibler`'s default).
    public var learner = TrustRegionPolicyUpdateConfig()

    public init() {}
    public static var defaults: Self { Self() }

    /// The categorical policy's settings taken from `policy`.
    public var categoricalPolicy: CategoricalMLPPolicy.Config {
        CategoricalMLPPolicy.Config(hiddenSizes: policy.hiddenSizes, activation: policy.activation, initializer: policy.initializer)
    }

    public static let keyDescriptions: [String: String] = [
        "horizon": "steps of every imagined trajectory and validation rollout (thanard T)",
        "imaginedStepsPerUpdate": "imagined steps per TRPO update (thanard trpo.batch_size)",
        "discount": "discount of the imagined returns and GAE advantages",
        "gaeLambda": "lambda of generalised advantage estimation",
        "validationEvery": "TRPO updates between validation checks in every member (thanard log_every)",
        "patience": "validation checks in a row without improvement before a fit's updates stop",
        "maxUpdates": "the most TRPO updates per model fit (thanard max_iters)",
        "improvementRatio": "fraction of members whose validation return must not drop for a check to count as improvement",
        "validationStarts": "start states of the per-member validation rollouts, fixed for a fit",
        "validationDiscount": "discount of the validation returns (thanard gamma)",
        "startStates": "where imagined trajectories start: episodeStarts (first observation of each real episode) or realStates",
        "resetStandardDeviation": "reset the Gaussian policy's standard deviation at the start of every fit's updates (thanard trpo.reset)",
        "actionNoise": "real data collection: mean action plus noise of std actionNoise * U(0,1) * half the box; null samples the policy",
        "policy": "the policy network: hiddenSizes, activation, logStandardDeviationInit (Box actions), initializer",
    ].merging(TrustRegionPolicyUpdateConfig.keyDescriptions) { first, _ in first }

    enum ScheduleKeys: String, CodingKey, CaseIterable {
        case horizon, imaginedStepsPerUpdate, discount, gaeLambda, validationEvery, patience, maxUpdates, improvementRatio
        case validationStarts, validationDiscount, startStates, resetStandardDeviation, actionNoise, policy
    }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(allowing: ScheduleKeys.allCases.map(\.rawValue) + TrustRegionPolicyUpdateConfig.CodingKeys.allCases.map(\.rawValue))
        let container = try decoder.container(keyedBy: ScheduleKeys.self)
        let defaults = Self()
        horizon = try container.decode(Int.self, forKey: .horizon, default: defaults.horizon, in: 1...100_000)
        imaginedStepsPerUpdate = try container.decode(Int.self, forKey: .imaginedStepsPerUpdate,
                                                      default: defaults.imaginedStepsPerUpdate, in: 1...100_000_000)
        discount = try container.decode(Float.self, forKey: .discount, default: defaults.discount, in: 0...1)
        gaeLambda = try container.decode(Float.self, forKey: .gaeLambda, default: defaults.gaeLambda, in: 0...1)
        validationEvery = try container.decode(Int.self, forKey: .validationEvery, default: defaults.validationEvery, in: 1...100_000)
        patience = try container.decode(Int.self, forKey: .patience, default: defaults.patience, in: 1...100_000)
        maxUpdates = try container.decode(Int.self, forKey: .maxUpdates, default: defaults.maxUpdates, in: 1...1_000_000)
        improvementRatio = try container.decode(Float.self, forKey: .improvementRatio, default: defaults.improvementRatio, in: 0.001...1)
        validationStarts = try container.decode(Int.self, forKey: .validationStarts, default: defaults.validationStarts, in: 1...1_000_000)
        validationDiscount = try container.decode(Float.self, forKey: .validationDiscount, default: defaults.validationDiscount, in: 0...1)
        startStates = try container.decode(ModelEnsembleStartStates.self, forKey: .startStates, default: defaults.startStates)
        resetStandardDeviation = try container.decode(Bool.self, forKey: .resetStandardDeviation, default: defaults.resetStandardDeviation)
        if container.contains(.actionNoise) {
            actionNoise = try container.decodeNil(forKey: .actionNoise)
                ? nil : container.decode(Float.self, forKey: .actionNoise, default: 0, in: 0...1_000)
        }
        policy = try container.decode(DiagonalGaussianMLPPolicy.Config.self, forKey: .policy, default: defaults.policy)
        learner = try TrustRegionPolicyUpdateConfig(fromKeysOf: decoder)
        try validate()
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: ScheduleKeys.self)
        try container.encode(horizon, forKey: .horizon)
        try container.encode(imaginedStepsPerUpdate, forKey: .imaginedStepsPerUpdate)
        try container.encode(discount, forKey: .discount)
        try container.encode(gaeLambda, forKey: .gaeLambda)
        try container.encode(validationEvery, forKey: .validationEvery)
        try container.encode(patience, forKey: .patience)
        try container.encode(maxUpdates, forKey: .maxUpdates)
        try container.encode(improvementRatio, forKey: .improvementRatio)
        try container.encode(validationStarts, forKey: .validationStarts)
        try container.encode(validationDiscount, forKey: .validationDiscount)
        try container.encode(startStates, forKey: .startStates)
        try container.encode(resetStandardDeviation, forKey: .resetStandardDeviation)
        try container.encode(actionNoise, forKey: .actionNoise)
        try container.encode(policy, forKey: .policy)
        try learner.encode(to: encoder)
    }

    /// Throws `MBRLError.invalidArgument` naming the first setting out of range.
    public func validate() throws {
        guard horizon >= 1, imaginedStepsPerUpdate >= 1, validationEvery >= 1, patience >= 1, maxUpdates >= 1, validationStarts >= 1 else {
            throw MBRLError.invalidArgument(
                "me-trpo: horizon, imaginedStepsPerUpdate, validationEvery, patience, maxUpdates and validationStarts must be at least 1")
        }
        guard improvementRatio > 0 && improvementRatio <= 1 else {
            throw MBRLError.invalidArgument("me-trpo: improvementRatio must be in (0, 1], got \(improvementRatio)")
        }
        guard (0...1).contains(discount), (0...1).contains(gaeLambda), (0...1).contains(validationDiscount) else {
            throw MBRLError.invalidArgument("me-trpo: discount, gaeLambda and validationDiscount must be in [0, 1]")
        }
        if let actionNoise, !(actionNoise >= 0 && actionNoise.isFinite) {
            throw MBRLError.invalidArgument("me-trpo: actionNoise must be at least 0 (or null to sample the policy), got \(actionNoise)")
        }
        try learner.validate()
    }
}
