import MBRLCore

extension ModelBasedPolicyOptimization {
    /// `"mbpo"`'s recipe keys: where SAC's data comes from (rollouts per real step, the rollout
    /// length schedule, the pool's epochs, the real ratio), how often SAC updates, the actor, and
    /// the SAC update's settings (the same keys as `"sac"`).
    ///
    /// Defaults follow jannerm/mbpo and mbrl-lib's MBPO configs: 400 rollouts per real step,
    /// one-step rollouts (`[1, 15, 1, 1]`), epochs of 1,000 steps, the last epoch's rollouts kept,
    /// 20 SAC updates per step on batches of 256 with 5% real rows.
    public struct Config: DocumentedConfig, Equatable {
        /// Model rollouts started per real step between refits (mbrl-lib
        /// `effective_model_rollouts_per_step`, default 400).
        public var rolloutsPerStep = 400
        /// Start states per rollout, overriding `rolloutsPerStep x trainEvery` when set
        /// (jannerm/mbpo `rollout_batch_size`).
        public var rolloutBatchSize: Int?
        /// The rollout length by epoch, `[startEpoch, endEpoch, minimumLength, maximumLength]`
        /// (default `[1, 15, 1, 1]`).
        public var rolloutSchedule = RolloutLengthSchedule.oneStep
        /// Real training steps per epoch, the schedule's and the pool's unit (default 1,000).
        public var epochLength = 1000
        /// Epochs of rollouts the pool keeps (mbrl-lib `num_epochs_to_retain_sac_buffer`,
        /// default 1).
        public var retainEpochs = 1
        /// SAC updates per real training step (jannerm `num_train_repeat`, default 20).
        public var sacUpdatesPerStep = 20
        /// The fraction of real rows in each SAC batch (jannerm `real_ratio`, default 0.05).
        public var realRatio: Float = 0.05
        /// Rows per SAC batch (default 256).
        public var batchSize = 256
        /// The actor's network.
        public var actor = SquashedGaussianMLPPolicy.Config()
        /// The SAC update's settings (learning rate, discount, tau, temperature, critics).
        public var learner = SoftActorCriticConfig()

        public init() {}
        public static var defaults: Self { Self() }

        public static let keyDescriptions: [String: String] = [
            "rolloutsPerStep": "model rollouts started per real step between refits (rollout batch = this x loop.trainEvery)",
            "rolloutBatchSize": "start states per rollout, overriding rolloutsPerStep x trainEvery",
            "rolloutSchedule": "rollout length by epoch: [startEpoch, endEpoch, minimumLength, maximumLength]",
            "epochLength": "real training steps per epoch (the schedule's and the pool's unit)",
            "retainEpochs": "epochs of model rollouts the pool keeps",
            "sacUpdatesPerStep": "SAC updates per real training step",
            "realRatio": "fraction of real transitions in each SAC batch (0: model data only, as mbrl-lib)",
            "batchSize": "rows per SAC batch",
            "actor": "the squashed Gaussian actor: hiddenSizes, activation, initializer",
        ].merging(SoftActorCriticConfig.keyDescriptions) { first, _ in first }

        enum ScheduleKeys: String, CodingKey, CaseIterable {
            case rolloutsPerStep, rolloutBatchSize, rolloutSchedule, epochLength, retainEpochs, sacUpdatesPerStep,
                 realRatio, batchSize, actor
        }

        public init(from decoder: Decoder) throws {
            try decoder.rejectUnknownKeys(allowing: ScheduleKeys.allCases.map(\.rawValue) + SoftActorCriticConfig.CodingKeys.allCases.map(\.rawValue))
            let container = try decoder.container(keyedBy: ScheduleKeys.self)
            let defaults = Config()
            rolloutsPerStep = try container.decode(Int.self, forKey: .rolloutsPerStep, default: defaults.rolloutsPerStep, in: 1...1_000_000)
            if container.contains(.rolloutBatchSize), try !container.decodeNil(forKey: .rolloutBatchSize) {
                rolloutBatchSize = try container.decode(Int.self, forKey: .rolloutBatchSize, default: 1, in: 1...100_000_000)
            }
            rolloutSchedule = try container.decode(RolloutLengthSchedule.self, forKey: .rolloutSchedule, default: defaults.rolloutSchedule)
            epochLength = try container.decode(Int.self, forKey: .epochLength, default: defaults.epochLength, in: 1...100_000_000)
            retainEpochs = try container.decode(Int.self, forKey: .retainEpochs, default: defaults.retainEpochs, in: 1...10_000)
            sacUpdatesPerStep = try container.decode(Int.self, forKey: .sacUpdatesPerStep, default: defaults.sacUpdatesPerStep,
                                                     in: 0...100_000)
            realRatio = try container.decode(Float.self, forKey: .realRatio, default: defaults.realRatio, in: 0...1)
            batchSize = try container.decode(Int.self, forKey: .batchSize, default: defaults.batchSize, in: 1...1_000_000)
            actor = try container.decode(SquashedGaussianMLPPolicy.Config.self, forKey: .actor, default: defaults.actor)
            learner = try SoftActorCriticConfig(fromKeysOf: decoder)
        }

        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: ScheduleKeys.self)
            try container.encode(rolloutsPerStep, forKey: .rolloutsPerStep)
            try container.encode(rolloutBatchSize, forKey: .rolloutBatchSize)
            try container.encode(rolloutSchedule, forKey: .rolloutSchedule)
            try container.encode(epochLength, forKey: .epochLength)
            try container.encode(retainEpochs, forKey: .retainEpochs)
            try container.encode(sacUpdatesPerStep, forKey: .sacUpdatesPerStep)
            try container.encode(realRatio, forKey: .realRatio)
            try container.encode(batchSize, forKey: .batchSize)
            try container.encode(actor, forKey: .actor)
            try learner.encode(to: encoder)
        }

        /// Throws `MBRLError.invalidArgument` naming the first setting out of range.
        public func validate() throws {
            try rolloutSchedule.validate()
            guard rolloutsPerStep >= 1, epochLength >= 1, retainEpochs >= 1, batchSize >= 1, sacUpdatesPerStep >= 0 else {
                throw MBRLError.invalidArgument(
                    "mbpo: rolloutsPerStep, epochLength, retainEpochs and batchSize must be at least 1 and sacUpdatesPerStep at least 0")
            }
            if let rolloutBatchSize, rolloutBatchSize < 1 {
                throw MBRLError.invalidArgument("mbpo: rolloutBatchSize must be at least 1, got \(rolloutBatchSize)")
            }
            guard realRatio >= 0 && realRatio <= 1 else {
                throw MBRLError.invalidArgument("mbpo: realRatio must be in [0, 1], got \(realRatio)")
            }
            try learner.validate()
        }
    }
}
