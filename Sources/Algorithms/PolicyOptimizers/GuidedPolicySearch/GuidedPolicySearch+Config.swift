import MBRLCore

extension GuidedPolicySearch {
    /// Which GPS variant runs.
    public enum Variant: String, Codable, Sendable, Equatable, CaseIterable {
        /// Mirror-descent GPS (gps `AlgorithmMDGPS`): C-step toward the linearised global policy,
        /// S-step distilling the local controllers into the global policy.
        case mdgps
        /// Trajectory optimisation only (gps `AlgorithmTrajOpt`): C-step toward the previous local
        /// controller, no global policy training.
        case trajectoryOptimization = "trajopt"
    }

    /// Which policy draws the samples in exploration and training episodes.
    public enum SamplePolicy: String, Codable, Sendable, Equatable, CaseIterable {
        /// The local linear-Gaussian controllers (gps default, `sample_on_policy: False`).
        case local
        /// The global policy (gps `sample_on_policy: True`), from the second iteration on.
        case global
    }

    /// What regularises the per-step dynamics regression.
    public enum DynamicsPrior: String, Codable, Sendable, Equatable, CaseIterable {
        /// A normal-inverse-Wishart prior from a Gaussian mixture over the samples (gps
        /// `DynamicsPriorGMM`; `GaussianMixturePrior`).
        case gaussianMixture = "gmm"
        /// The recipe's learned model, a `DifferentiableDynamicsModel`, linearised at each step's
        /// mean state and action (`ModelDynamicsPrior`); the Gaussian-mixture prior stands in
        /// until the loop has fitted the model once.
        case model
    }

    /// `"gps"`'s recipe keys; every key is optional.
    ///
    /// ```json
    /// "policyOptimizer": {"type": "gps", "conditions": 4, "samplesPerCondition": 5, "horizon": 50,
    ///                     "klStep": 0.2, "initialVariance": 0.5, "actionCostWeight": 0.02}
    /// ```
    public struct Config: DocumentedConfig, Equatable {
        /// `mdgps` (default) or `trajopt`.
        public var algorithm = Variant.mdgps
        /// Training initial conditions `M`; must equal the number of `loop.initialStates` (default 4).
        public var conditions = 4
        /// Samples `N` per condition per iteration (default 5, gps's box2d examples).
        public var samplesPerCondition = 5
        /// Time steps `T` of every sample; set `loop.maxEpisodeSteps` to the same value (default 50).
        public var horizon = 50
        /// The KL step per time step, `epsilon / T` (gps `kl_step`, default 0.2); the C-step's
        /// bound is `klStep * stepMultiplier * T`.
        public var klStep = 0.2
        /// Step multiplier bounds (gps `min_step_mult` 0.01 and `max_step_mult` 10).
        public var minimumStepMultiplier = 0.01
        public var maximumStepMultiplier = 10.0
        /// MDGPS only: adapt one step multiplier per condition from that condition's predicted and
        /// actual improvement, instead of gps's one multiplier from the means over conditions
        /// (default false, as gps), so one condition whose dynamics fit went wrong does not
        /// shrink every condition's step.
        public var stepMultiplierPerCondition = false
        /// The initial controllers' action variance (gps `init_var`; default 0.5), zero gains.
        public var initialVariance = 0.5
        /// A PD-like initial controller: the gain `K` (one row of observation-size entries per
        /// action entry) and offset `k` every step starts with, `u = K x + k` (default none: zero
        /// gains and offsets). For example `[[-1, 0, -0.5, 0, 1, 0], [0, -1, 0, -0.5, 0, 1]]` on the
        /// point mass pushes toward the goal in the observation with damping.
        public var initialGains: [[Double]]? = nil
        /// The initial controllers' offset `k` (default zeros).
        public var initialOffsets: [Double]? = nil
        /// The initial dual variable eta (gps `IterationData.eta`, 1).
        public var initialEta = 1.0
        /// The cost is `-reward(x, u, x) + actionCostWeight / 2 * |u|^2` (gps `CostAction` weight;
        /// default 0.01).
        public var actionCostWeight = 0.01
        /// Finite-difference step for the cost Hessian from the reward's gradients (default 1e-3).
        public var costHessianStep = 1e-3
        /// Added to the `[x, u]` block of each step's dynamics covariance (gps `regularization`, 1e-6).
        public var dynamicsRegularization = 1e-6
        /// The normal-inverse-Wishart prior's strength (gps `strength`, default 1); 0 fits each
        /// step's dynamics by plain regression.
        public var priorStrength = 1.0
        /// `gmm` (default) or `model`: the recipe's model's Jacobians as the dynamics prior, with
        /// `priorStrength` pseudo-observations (needs a neural `"model"` the loop refits, for
        /// example every `horizon * conditions * samplesPerCondition` steps with `loop.trainEvery`).
        public var dynamicsPrior = DynamicsPrior.gaussianMixture
        /// Trajectories the prior's mixture keeps (gps `max_samples`, 20).
        public var priorMaximumSamples = 20
        /// Most mixture clusters (gps box2d arm `max_clusters`, 20).
        public var priorMaximumClusters = 20
        /// Rows per cluster when choosing the cluster count (gps box2d arm, 40).
        public var priorMinimumSamplesPerCluster = 40
        /// Who samples: `local` (default) or `global` (MDGPS only).
        public var samplePolicy = SamplePolicy.local
        /// The global policy (MDGPS): two hidden layers of 64 tanh units by default.
        public var policy = DiagonalGaussianMLPPolicy.Config(hiddenSizes: [64, 64], activation: .tanh)
        /// Adam steps per S-step (default 1000).
        public var policyUpdates = 1000
        /// Rows per S-step minibatch (default 128).
        public var policyBatchSize = 128
        /// Adam's learning rate for the global policy (default 1e-3).
        public var policyLearningRate: Float = 1e-3
        /// Floor of the global policy's variance and of its linearisation's covariance (gps
        /// issue #77: a collapsed covariance makes the KL term blow up; default 1e-4).
        public var minimumPolicyVariance = 1e-4

        public init() {}
        public static var defaults: Self { Self() }

        public static let keyDescriptions: [String: String] = [
            "algorithm": "mdgps (C-step toward the linearised global policy, S-step distillation) or trajopt (local controllers only)",
            "conditions": "training initial conditions M; equals the number of loop.initialStates",
            "samplesPerCondition": "samples N per condition per iteration",
            "horizon": "time steps T of every sample (set loop.maxEpisodeSteps to the same)",
            "klStep": "KL step per time step (the C-step bound is klStep * stepMultiplier * T)",
            "minimumStepMultiplier": "lower clip of the step multiplier",
            "maximumStepMultiplier": "upper clip of the step multiplier",
            "stepMultiplierPerCondition": "mdgps: one step multiplier per condition instead of one shared (gps)",
            "initialVariance": "action variance of the zero-gain initial controllers",
            "initialGains": "null, or the initial controllers' gain K (one row of observation-size entries per action entry): a PD-like start",
            "initialOffsets": "null, or the initial controllers' offset k (one entry per action entry)",
            "initialEta": "initial dual variable eta",
            "actionCostWeight": "cost = -reward(x, u, x) + actionCostWeight / 2 * |u|^2",
            "costHessianStep": "finite-difference step of the cost Hessian",
            "dynamicsRegularization": "added to the [x, u] block of each step's dynamics covariance",
            "priorStrength": "strength of the dynamics prior in pseudo-observations (0: plain regression)",
            "dynamicsPrior": "gmm (Gaussian-mixture normal-inverse-Wishart prior) or model (the recipe's differentiable model linearised at each step's mean state and action)",
            "priorMaximumSamples": "trajectories the dynamics prior keeps",
            "priorMaximumClusters": "most clusters of the dynamics prior",
            "priorMinimumSamplesPerCluster": "rows per cluster when choosing the prior's cluster count",
            "samplePolicy": "who samples: local (the linear-Gaussian controllers) or global (MDGPS's neural policy)",
            "policy": "the global DiagonalGaussianMLPPolicy: hiddenSizes, activation, logStandardDeviationInit, initializer",
            "policyUpdates": "Adam steps per S-step",
            "policyBatchSize": "rows per S-step minibatch",
            "policyLearningRate": "Adam's learning rate for the global policy",
            "minimumPolicyVariance": "floor of the global policy's variance",
        ]

        enum CodingKeys: String, CodingKey, CaseIterable {
            case algorithm, conditions, samplesPerCondition, horizon, klStep, minimumStepMultiplier, maximumStepMultiplier
            case stepMultiplierPerCondition, initialVariance, initialGains, initialOffsets, initialEta, actionCostWeight, costHessianStep, dynamicsRegularization, priorStrength, dynamicsPrior
            case priorMaximumSamples, priorMaximumClusters, priorMinimumSamplesPerCluster, samplePolicy, policy
            case policyUpdates, policyBatchSize, policyLearningRate, minimumPolicyVariance
        }

        public init(from decoder: Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let d = Self()
            let large = Double.greatestFiniteMagnitude
            algorithm = try container.decode(Variant.self, forKey: .algorithm, default: d.algorithm)
            conditions = try container.decode(Int.self, forKey: .conditions, default: d.conditions, in: 1...1_000)
            samplesPerCondition = try container.decode(Int.self, forKey: .samplesPerCondition, default: d.samplesPerCondition, in: 2...10_000)
            horizon = try container.decode(Int.self, forKey: .horizon, default: d.horizon, in: 2...100_000)
            klStep = try container.decode(Double.self, forKey: .klStep, default: d.klStep, in: 1e-8...large)
            minimumStepMultiplier = try container.decode(Double.self, forKey: .minimumStepMultiplier, default: d.minimumStepMultiplier, in: 1e-8...large)
            maximumStepMultiplier = try container.decode(Double.self, forKey: .maximumStepMultiplier, default: d.maximumStepMultiplier, in: 1e-8...large)
            stepMultiplierPerCondition = try container.decode(Bool.self, forKey: .stepMultiplierPerCondition,
                                                              default: d.stepMultiplierPerCondition)
            initialVariance = try container.decode(Double.self, forKey: .initialVariance, default: d.initialVariance, in: 1e-12...large)
            initialGains = try container.decodeIfPresent([[Double]].self, forKey: .initialGains)
            initialOffsets = try container.decodeIfPresent([Double].self, forKey: .initialOffsets)
            for value in (initialGains ?? []).flatMap({ $0 }) + (initialOffsets ?? []) where !value.isFinite {
                throw DecodingError.dataCorruptedError(forKey: .initialGains, in: container, debugDescription: "initial gains and offsets must be finite")
            }
            initialEta = try container.decode(Double.self, forKey: .initialEta, default: d.initialEta, in: 1e-8...1e16)
            actionCostWeight = try container.decode(Double.self, forKey: .actionCostWeight, default: d.actionCostWeight, in: 0...large)
            costHessianStep = try container.decode(Double.self, forKey: .costHessianStep, default: d.costHessianStep, in: 1e-8...1)
            dynamicsRegularization = try container.decode(Double.self, forKey: .dynamicsRegularization, default: d.dynamicsRegularization, in: 0...large)
            priorStrength = try container.decode(Double.self, forKey: .priorStrength, default: d.priorStrength, in: 0...large)
            dynamicsPrior = try container.decode(DynamicsPrior.self, forKey: .dynamicsPrior, default: d.dynamicsPrior)
            priorMaximumSamples = try container.decode(Int.self, forKey: .priorMaximumSamples, default: d.priorMaximumSamples, in: 2...100_000)
            priorMaximumClusters = try container.decode(Int.self, forKey: .priorMaximumClusters, default: d.priorMaximumClusters, in: 2...1_000)
            priorMinimumSamplesPerCluster = try container.decode(Int.self, forKey: .priorMinimumSamplesPerCluster,
                                                                 default: d.priorMinimumSamplesPerCluster, in: 1...1_000_000)
            samplePolicy = try container.decode(SamplePolicy.self, forKey: .samplePolicy, default: d.samplePolicy)
            policy = try container.decode(DiagonalGaussianMLPPolicy.Config.self, forKey: .policy, default: d.policy)
            policyUpdates = try container.decode(Int.self, forKey: .policyUpdates, default: d.policyUpdates, in: 0...10_000_000)
            policyBatchSize = try container.decode(Int.self, forKey: .policyBatchSize, default: d.policyBatchSize, in: 1...1_000_000)
            policyLearningRate = try container.decode(Float.self, forKey: .policyLearningRate, default: d.policyLearningRate, in: 1e-8...10)
            minimumPolicyVariance = try container.decode(Double.self, forKey: .minimumPolicyVariance, default: d.minimumPolicyVariance, in: 1e-12...large)
            guard minimumStepMultiplier <= maximumStepMultiplier else {
                throw DecodingError.dataCorruptedError(forKey: .maximumStepMultiplier, in: container,
                                                       debugDescription: "maximumStepMultiplier \(maximumStepMultiplier) is below minimumStepMultiplier \(minimumStepMultiplier)")
            }
            if samplePolicy == .global && algorithm == .trajectoryOptimization {
                throw DecodingError.dataCorruptedError(forKey: .samplePolicy, in: container,
                                                       debugDescription: "samplePolicy \"global\" needs algorithm \"mdgps\" (trajopt trains no global policy)")
            }
        }
    }
}
