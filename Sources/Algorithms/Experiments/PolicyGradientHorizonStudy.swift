import MBRLCore
import Models

/// How the norm of a policy's return gradient, taken by backpropagation through a model, grows or
/// vanishes with the horizon: the measurement behind the lectures' warning about policy
/// backpropagation ("long chains of Jacobians: exploding or vanishing gradients").
///
/// For each of `samples` pairs (a freshly initialised deterministic policy, a start state) and
/// each horizon `H`, the gradient of the discounted `H`-step return with respect to the policy's
/// parameters is taken through `model` (`DifferentiableModelRollout`, the policy's
/// deterministic action, one start row) and its global norm recorded; the quantiles over samples
/// summarise it per horizon.
///
/// ```swift
/// let study = PolicyGradientHorizonStudy(config: .init(horizons: [5, 10, 20], samples: 50))
/// let rows = try study.measure(model: PendulumDynamicsModel(), label: "true dynamics", rewardFunction: PendulumRewardFunction(),
///                              starts: starts, observationSpace: space, actionSpace: torques)
/// print(rows.map { "\($0.horizon): \($0.median)" })
/// ```
public struct PolicyGradientHorizonStudy: Sendable {
    /// The study's settings.
    public struct Config: Sendable, Equatable {
        /// The horizons measured (default 5, 10, 20, 50, 100).
        public var horizons: [Int]
        /// Policy and start-state pairs per horizon (default 100).
        public var samples: Int
        /// The discount of the return (default 0.99).
        public var discount: Float
        /// The random policies' network (default two hidden layers of 64 tanh units, as the
        /// `policy-backprop` recipes).
        public var policy: DeterministicMLPPolicy.Config
        /// Seeds policy `i` as `RandomGenerator(seed: seed, stream: i)`.
        public var seed: UInt64

        public init(horizons: [Int] = [5, 10, 20, 50, 100], samples: Int = 100, discount: Float = 0.99,
                    policy: DeterministicMLPPolicy.Config = .init(hiddenSizes: [64, 64], activation: .tanh), seed: UInt64 = 0) {
            self.horizons = horizons
            self.samples = samples
            self.discount = discount
            self.policy = policy
            self.seed = seed
        }
    }

    /// The gradient norms at one horizon for one model.
    public struct Row: Sendable, Equatable {
        /// The model's label.
        public var label: String
        /// `H`.
        public var horizon: Int
        /// The finite norms, sorted.
        public var norms: [Double]
        /// Samples whose gradient had a NaN or infinite entry.
        public var nonFinite: Int

        /// The `q`-quantile of the finite norms (linear interpolation), NaN when there are none.
        public func quantile(_ q: Double) -> Double {
            guard !norms.isEmpty else { return .nan }
            let position = q * Double(norms.count - 1)
            let lower = Int(position.rounded(.down)), upper = min(lower + 1, norms.count - 1)
            return norms[lower] + (position - Double(lower)) * (norms[upper] - norms[lower])
        }

        /// The median norm.
        public var median: Double { quantile(0.5) }
    }

    /// The settings.
    public var config: Config

    /// A study with the given settings.
    public init(config: Config = Config()) {
        self.config = config
    }

    /// The gradient norms for every horizon, from `starts` (`[samples, obs]`, one per policy).
    ///
    /// - Throws: `MBRLError.invalidArgument` when there are fewer start rows than samples or a
    ///   horizon is not positive; as `DifferentiableModelRollout` otherwise.
    public func measure(model: some DifferentiableDynamicsModel, label: String, rewardFunction: any DifferentiableRewardFunction,
                        starts: Matrix, observationSpace: Space, actionSpace: Space) throws -> [Row] {
        guard starts.rows >= config.samples else {
            throw MBRLError.invalidArgument("the study needs \(config.samples) start states, got \(starts.rows)")
        }
        guard config.horizons.allSatisfy({ $0 >= 1 }) else {
            throw MBRLError.invalidArgument("every horizon must be at least 1, got \(config.horizons)")
        }
        let policies = try (0..<config.samples).map { sample in
            var generator = RandomGenerator(seed: config.seed, stream: UInt64(sample))
            return try DeterministicMLPPolicy(config: config.policy, observationSpace: observationSpace, actionSpace: actionSpace,
                                              generator: &generator)
        }
        return try config.horizons.map { horizon in
            let rollout = try DifferentiableModelRollout(
                config: ModelRolloutConfig(horizon: horizon, memberSelection: .modelDefault, actionMode: .evaluation,
                                           discount: config.discount),
                rewardFunction: rewardFunction)
            var norms: [Double] = [], nonFinite = 0
            for (sample, policy) in policies.enumerated() {
                var generator = RandomGenerator(seed: config.seed, stream: UInt64(sample))
                let result = try rollout.returnAndGradient(policy: policy, model: model, startObservations: starts.gatherRows([sample]),
                                                           generator: &generator)
                let norm = Double(GradientClipping.globalNorm(result.parameterGradients))
                if norm.isFinite { norms.append(norm) } else { nonFinite += 1 }
            }
            return Row(label: label, horizon: horizon, norms: norms.sorted(), nonFinite: nonFinite)
        }
    }
}
