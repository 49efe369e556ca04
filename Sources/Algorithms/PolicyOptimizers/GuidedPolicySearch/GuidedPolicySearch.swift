import Foundation
import MBRLCore
import Planners

/// Guided policy search (lecture notes 5.7, Algorithm 30): local time-varying linear-Gaussian
/// controllers, one per initial condition, improved by LQR on dynamics fitted to their own
/// samples, and one neural policy trained by supervised learning to imitate them: mirror-descent
/// GPS (Montgomery & Levine 2016) as cbfinn/gps's `AlgorithmMDGPS` runs it, or its
/// trajectory-optimisation-only mode (`AlgorithmTrajOpt`).
///
/// In the loop the optimizer's policy acts in every training episode; episodes start from the
/// recipe's `loop.initialStates` in turn (one per condition), so the agent and the optimizer know
/// each episode's condition and step. Once every condition has `N` samples of `T` steps, one
/// iteration runs (inside `improve`, at the last step):
///
/// 1. Dynamics: per condition, the Gaussian-mixture prior is updated with the samples'
///    `[x_t, u_t, x_{t+1}]` rows and the per-step linear-Gaussian dynamics fitted
///    (`LinearGaussianDynamics`, gps `DynamicsLRPrior`). With `"dynamicsPrior": "model"` and a
///    fitted model, the prior is instead the model linearised at each step's mean state and
///    action (`ModelDynamicsPrior`; metric `dynamicsModelPrior` 1, or 0 while the mixture
///    stands in before the loop's first model fit).
/// 2. Cost: the cost `-reward(x, u, x) + w/2 |u|^2` (the environment's differentiable reward
///    evaluated with the state as both observation and next observation, plus an action
///    penalty) is expanded to second order around every sample (gradient from the reward's
///    gradients, Hessian by central finite differences of them) and averaged (`QuadraticCost`).
/// 3. MDGPS, first iteration: the global policy is first fitted to the initial controllers (as
///    gps does, so the first linearisation means something). Then the global policy is
///    linearised at each condition's samples: `K_t` the mean Jacobian of its mean action, `k_t`
///    the mean residual, `S_t` its (floored) diagonal covariance. (gps fits this linearisation
///    by regression with a Gaussian-mixture policy prior; the Jacobian is exact for a network
///    and needs no prior.)
/// 4. Step size (from the second iteration): predicted against actual improvement under the
///    Laplace estimate, `new = predicted / (2 max(1e-4, predicted - actual))` clipped to
///    `[0.1, 5]`, the multiplier times it clipped to `[minimumStepMultiplier,
///    maximumStepMultiplier]` (gps `_set_new_mult`); per condition for `trajopt`, one shared
///    multiplier from the means over conditions for `mdgps` (gps's `laplace` step rule), or one
///    per condition with `stepMultiplierPerCondition`.
/// 5. C-step (`TrajectoryOptimizer`): per condition, the new controller whose KL from the
///    reference (the previous controller, or the linearised global policy) is
///    `klStep * multiplier * T`. When no positive-definite solution exists even for eta at
///    1e16, the condition keeps its previous controller, `lqrFailures` counts it and a warning
///    naming the condition and iteration is printed (gps issue #51).
/// 6. S-step (MDGPS): the global policy's mean is regressed on the new controllers' mean actions
///    at the samples' states, each row weighted by the controller's precision `S_t^-1` (loss
///    `1/2 (mu(x) - mu_t)^T S_t^-1 (mu(x) - mu_t)`, Adam); its variance becomes
///    `1 / diag(mean S_t^-1)`, floored at `minimumPolicyVariance` (gps issue #77).
///
/// Metrics of an iteration: `gpsIteration`, `costConditionC` (mean summed cost of the samples),
/// `klConditionC`, `etaConditionC`, `stepMultiplierConditionC`, `finalCostConditionC` (the
/// mean cost of the samples' last state), `globalPolicyPredictedCost` (the Laplace estimate of the
/// linearised global policy's cost, mean over conditions), `policyLoss`, `lqrFailures`.
///
/// ```json
/// "policyOptimizer": {"type": "gps", "conditions": 4, "samplesPerCondition": 5, "horizon": 50},
/// "acting": {"exploration": "policy", "training": "policy", "evaluation": "policy"},
/// "loop": {"explorationEpisodes": 0, "episodes": 200, "maxEpisodeSteps": 50,
///          "initialStates": [[-0.5, -0.5, 0, 0, 0.5, 0.5], ...]}
/// ```
public struct GuidedPolicySearch: Sendable {
    /// The settings.
    public let config: Config
    /// The local controllers and the global policy.
    public internal(set) var policy: GuidedPolicySearchPolicy
    /// The global policy's Adam state.
    public internal(set) var policyOptimizer: Adam
    /// Everything else an iteration carries to the next.
    public internal(set) var state: State
    /// The action box (samples are clipped to it).
    public let actionBounds: Box

    /// What one condition's iteration leaves for the next (gps `IterationData` and `TrajectoryInfo`).
    public struct ConditionRecord: Codable, Sendable {
        public var dynamics: LinearGaussianDynamics
        public var cost: QuadraticCost
        /// The controller the samples were drawn from.
        public var sampledController: LinearGaussianController
        /// The C-step's result.
        public var newController: LinearGaussianController?
        /// The global policy's linearisation at the samples (MDGPS).
        public var policyLinearization: LinearGaussianController?
    }

    /// The carried state.
    public struct State: Codable, Sendable {
        public var iteration = 0
        public var etas: [Double]
        public var stepMultipliers: [Double]
        public var priors: [GaussianMixturePrior]
        public var previous: [ConditionRecord]? = nil
        public var samples: [[GuidedPolicySearchSample]]
        public var inProgress: GuidedPolicySearchSample? = nil
        public var stepsSeen = 0
        public var lqrFailures = 0
    }

    /// An optimizer for an environment's spaces; the global policy is drawn from `generator`.
    public init(config: Config, observationSpace: Space, actionSpace: Space, generator: inout RandomGenerator) throws {
        guard case .box(let box) = actionSpace, box.lowerBound.allSatisfy(\.isFinite), box.upperBound.allSatisfy(\.isFinite) else {
            throw MBRLError.incompatible("guided policy search needs a bounded Box action space")
        }
        self.config = config
        actionBounds = box
        let observationSize = observationSpace.flatSize
        let global = try DiagonalGaussianMLPPolicy(config: config.policy, observationSpace: observationSpace,
                                                   actionSpace: actionSpace, generator: &generator)
        var controller = try LinearGaussianController.constant(horizon: config.horizon, observationSize: observationSize,
                                                               actionSize: box.size, variance: config.initialVariance,
                                                               offset: config.initialOffsets)
        if let offsets = config.initialOffsets, offsets.count != box.size {
            throw MBRLError.invalidArgument("initialOffsets has \(offsets.count) entries; the action has \(box.size)")
        }
        if let rows = config.initialGains {
            guard rows.count == box.size, rows.allSatisfy({ $0.count == observationSize }) else {
                throw MBRLError.invalidArgument("initialGains must have \(box.size) rows (one per action entry) of \(observationSize) entries (one per observation entry)")
            }
            let gain = DenseMatrix(rows: box.size, columns: observationSize, values: rows.flatMap { $0 })
            controller.gains = Array(repeating: gain, count: config.horizon)
        }
        policy = GuidedPolicySearchPolicy(controllers: Array(repeating: controller, count: config.conditions), global: global,
                                          inputShift: Array(repeating: 0, count: observationSize),
                                          inputScale: Array(repeating: 1, count: observationSize),
                                          variant: config.algorithm, samplePolicy: config.samplePolicy)
        policyOptimizer = try Adam(learningRate: config.policyLearningRate)
        let prior = GaussianMixturePrior(maximumSamples: config.priorMaximumSamples, maximumClusters: config.priorMaximumClusters,
                                         minimumSamplesPerCluster: config.priorMinimumSamplesPerCluster, strength: config.priorStrength)
        state = State(etas: Array(repeating: config.initialEta, count: config.conditions),
                      stepMultipliers: Array(repeating: 1, count: config.conditions),
                      priors: Array(repeating: prior, count: config.conditions),
                      samples: Array(repeating: [], count: config.conditions))
    }

    // MARK: - Collecting samples

    /// Adds the step to the episode's sample; runs an iteration when every condition has its
    /// samples. Returns the iteration's metrics, or none.
    mutating func record(_ transition: Transition, context: PolicyOptimizerContext,
                         generator: inout RandomGenerator) throws -> [String: Double] {
        state.stepsSeen += 1
        guard let condition = context.episodeCondition else {
            throw MBRLError.invalidArgument("guided policy search needs every episode to start from a listed initial condition: set \"loop\": {\"initialStates\": [...]} with \(config.conditions) states")
        }
        guard condition < config.conditions else {
            throw MBRLError.invalidArgument("the episode started from initial condition \(condition), but \"conditions\" is \(config.conditions); list exactly \(config.conditions) loop.initialStates")
        }
        let step = context.episodeStep
        if step == 0 { state.inProgress = GuidedPolicySearchSample(condition: condition) }
        guard var sample = state.inProgress, step < config.horizon else { return [:] }   // steps beyond T are ignored
        sample.observations.append(transition.observation.map(Double.init))
        sample.actions.append(zip(transition.action, zip(actionBounds.lowerBound, actionBounds.upperBound)).map { value, bounds in
            Double(min(max(value, bounds.0), bounds.1))
        })
        sample.finalObservation = transition.nextObservation.map(Double.init)
        let length = sample.observations.count
        if length < config.horizon && (transition.terminated || transition.truncated) {
            guard transition.terminated else {
                throw MBRLError.invalidArgument("an episode was cut after \(length) steps but guided policy search's horizon is \(config.horizon); set \"loop\": {\"maxEpisodeSteps\": \(config.horizon)} and an environment limit of at least that")
            }
            // Absorbing terminal state: repeat the last observation with zero actions.
            while sample.observations.count < config.horizon {
                sample.observations.append(sample.finalObservation)
                sample.actions.append(Array(repeating: 0, count: actionBounds.size))
            }
        }
        guard sample.observations.count == config.horizon else {
            state.inProgress = sample
            return [:]
        }
        state.inProgress = nil
        state.samples[condition].append(sample)
        guard state.samples.allSatisfy({ $0.count >= config.samplesPerCondition }) else { return [:] }
        return try runIteration(context: context, generator: &generator)
    }

    // MARK: - One iteration

    /// One GPS iteration on the collected samples (see the type's summary).
    mutating func runIteration(context: PolicyOptimizerContext, generator: inout RandomGenerator) throws -> [String: Double] {
        guard let reward = context.differentiableRewardFunction else {
            throw MBRLError.incompatible("guided policy search expands the cost from the environment's differentiable reward function; the environment has none")
        }
        let iteration = state.iteration
        let conditionCount = config.conditions
        let samples = state.samples.map { Array($0.suffix(config.samplesPerCondition)) }
        let trajectoryOptimizer = TrajectoryOptimizer()
        var metrics: [String: Double] = ["gpsIteration": Double(iteration + 1)]

        // MARK: Dynamics and cost
        let modelForPrior = try priorModel(context: context)
        if config.dynamicsPrior == .model { metrics["dynamicsModelPrior"] = modelForPrior == nil ? 0 : 1 }
        var current: [ConditionRecord] = []
        for condition in 0..<conditionCount {
            let observations = samples[condition].map(\.observations), actions = samples[condition].map(\.actions)
            if config.priorStrength > 0 {
                let rows = samples[condition].map { sample in
                    (0..<(config.horizon - 1)).map { sample.observations[$0] + sample.actions[$0] + sample.observations[$0 + 1] }
                }
                state.priors[condition].update(rows: rows, generator: &generator)
            }
            let dynamics: LinearGaussianDynamics
            if let model = modelForPrior {
                let prior = try ModelDynamicsPrior.linearize(model: model, observations: observations, actions: actions)
                dynamics = try LinearGaussianDynamics.fit(observations: observations, actions: actions, modelPrior: prior,
                                                          strength: config.priorStrength, regularization: config.dynamicsRegularization)
            } else {
                dynamics = try LinearGaussianDynamics.fit(observations: observations, actions: actions,
                                                          prior: config.priorStrength > 0 ? state.priors[condition] : nil,
                                                          regularization: config.dynamicsRegularization)
            }
            let expansion = GuidedPolicySearchCost(rewardFunction: reward, actionCostWeight: config.actionCostWeight,
                                                   hessianStep: config.costHessianStep)
            let (cost, values) = expansion.expand(observations: observations, actions: actions)
            let totals = values.map { $0.reduce(0, +) }
            metrics[Self.label("cost", condition)] = totals.reduce(0, +) / Double(totals.count)
            metrics[Self.label("finalCost", condition)] = values.map { $0[config.horizon - 1] }.reduce(0, +) / Double(values.count)
            current.append(ConditionRecord(dynamics: dynamics, cost: cost, sampledController: policy.controllers[condition]))
        }

        // MARK: Global policy linearisation (MDGPS)
        if config.algorithm == .mdgps {
            if !policy.globalTrained {
                metrics["initialPolicyLoss"] = try trainGlobalPolicy(targets: policy.controllers, samples: samples, generator: &generator)
            }
            var predicted = 0.0
            for condition in 0..<conditionCount {
                let linearization = try linearizeGlobalPolicy(at: samples[condition])
                current[condition].policyLinearization = linearization
                predicted += trajectoryOptimizer.estimateCost(controller: linearization, dynamics: current[condition].dynamics,
                                                              cost: current[condition].cost).reduce(0, +)
            }
            metrics["globalPolicyPredictedCost"] = predicted / Double(conditionCount)
        }

        // MARK: Step size
        if let previous = state.previous {
            adjustStepSizes(previous: previous, current: current, optimizer: trajectoryOptimizer)
        }

        // MARK: C-step
        for condition in 0..<conditionCount {
            let record = current[condition]
            let reference = config.algorithm == .mdgps ? (record.policyLinearization ?? record.sampledController) : record.sampledController
            let bound = config.klStep * state.stepMultipliers[condition] * Double(config.horizon)
            do {
                let result = try trajectoryOptimizer.update(reference: reference, dynamics: record.dynamics, cost: record.cost,
                                                            eta: state.etas[condition], klStep: bound)
                current[condition].newController = result.controller
                state.etas[condition] = result.eta
                metrics[Self.label("kl", condition)] = result.divergence
            } catch let error as TrajectoryOptimizationError {
                state.lqrFailures += 1
                current[condition].newController = record.sampledController
                FileHandle.standardError.write(Data("guided policy search: condition \(condition), iteration \(iteration + 1): \(error); keeping the previous controller\n".utf8))
            }
            policy.controllers[condition] = current[condition].newController ?? record.sampledController
            metrics[Self.label("eta", condition)] = state.etas[condition]
            metrics[Self.label("stepMultiplier", condition)] = state.stepMultipliers[condition]
        }
        metrics["lqrFailures"] = Double(state.lqrFailures)

        // MARK: S-step (MDGPS)
        if config.algorithm == .mdgps {
            metrics["policyLoss"] = try trainGlobalPolicy(targets: policy.controllers, samples: samples, generator: &generator)
            metrics["globalPolicyStandardDeviation"] = Double(policy.global.logStandardDeviation.values.map { Foundation.exp($0) }.reduce(0, +))
                / Double(actionBounds.size)
        }

        state.previous = current
        state.samples = Array(repeating: [], count: conditionCount)
        state.iteration += 1
        return metrics
    }

    /// With `"dynamicsPrior": "model"`, the loop's model once it has been fitted (or at once when
    /// it is not trained in the loop); nil with `"gmm"` or before the first fit, when the
    /// Gaussian-mixture prior stands in.
    func priorModel(context: PolicyOptimizerContext) throws -> (any DifferentiableDynamicsModel)? {
        guard config.dynamicsPrior == .model else { return nil }
        guard let model = context.model else {
            throw MBRLError.incompatible("\"dynamicsPrior\": \"model\" needs the recipe's \"model\" (a neural model, for example {\"type\": \"deterministic-ensemble\"}); name one or set \"dynamicsPrior\": \"gmm\"")
        }
        guard let differentiable = model as? any DifferentiableDynamicsModel else {
            throw MBRLError.incompatible("\"dynamicsPrior\": \"model\" needs a model with Jacobians (a DifferentiableDynamicsModel such as \"deterministic-ensemble\" or \"gaussian-ensemble\"); \(type(of: model)) has none; change the model or set \"dynamicsPrior\": \"gmm\"")
        }
        if model is any TrainableDynamicsModel && context.modelFits == 0 { return nil }
        return differentiable
    }

    /// `"costCondition0"` and so on.
    static func label(_ name: String, _ condition: Int) -> String { "\(name)Condition\(condition)" }

    // MARK: - Step size

    /// gps `_set_new_mult`: the step multiplier after an iteration whose predicted and actual
    /// improvements were `predicted` and `actual`: `current` times `predicted / (2 max(1e-4,
    /// predicted - actual))` clipped to `[0.1, 5]`, the product clipped to `[minimum, maximum]`.
    public static func newMultiplier(predicted: Double, actual: Double, current: Double, minimum: Double, maximum: Double) -> Double {
        var factor = predicted / (2 * max(1e-4, predicted - actual))
        if !factor.isFinite { factor = 1 }
        factor = max(0.1, min(5, factor))
        return max(min(factor * current, maximum), minimum)
    }

    mutating func adjustStepSizes(previous: [ConditionRecord], current: [ConditionRecord], optimizer: TrajectoryOptimizer) {
        func laplace(_ controller: LinearGaussianController?, _ record: ConditionRecord) -> Double {
            guard let controller else { return 0 }
            return optimizer.estimateCost(controller: controller, dynamics: record.dynamics, cost: record.cost).reduce(0, +)
        }
        switch config.algorithm {
        case .trajectoryOptimization:
            // gps AlgorithmTrajOpt._stepadjust, per condition.
            for condition in current.indices {
                let before = laplace(previous[condition].sampledController, previous[condition])
                let predicted = laplace(current[condition].sampledController, previous[condition])
                let actual = laplace(current[condition].sampledController, current[condition])
                state.stepMultipliers[condition] = Self.newMultiplier(
                    predicted: before - predicted, actual: before - actual, current: state.stepMultipliers[condition],
                    minimum: config.minimumStepMultiplier, maximum: config.maximumStepMultiplier)
            }
        case .mdgps where config.stepMultiplierPerCondition:
            // The laplace rule per condition.
            for condition in current.indices {
                let before = laplace(previous[condition].policyLinearization, previous[condition])
                let predicted = laplace(previous[condition].newController, previous[condition])
                let now = laplace(current[condition].policyLinearization, current[condition])
                state.stepMultipliers[condition] = Self.newMultiplier(
                    predicted: before - predicted, actual: before - now, current: state.stepMultipliers[condition],
                    minimum: config.minimumStepMultiplier, maximum: config.maximumStepMultiplier)
            }
        case .mdgps:
            // gps AlgorithmMDGPS._stepadjust with the laplace rule, means over conditions.
            let count = Double(current.count)
            let before = current.indices.map { laplace(previous[$0].policyLinearization, previous[$0]) }.reduce(0, +) / count
            let predicted = current.indices.map { laplace(previous[$0].newController, previous[$0]) }.reduce(0, +) / count
            let now = current.indices.map { laplace(current[$0].policyLinearization, current[$0]) }.reduce(0, +) / count
            for condition in current.indices {
                state.stepMultipliers[condition] = Self.newMultiplier(
                    predicted: before - predicted, actual: before - now, current: state.stepMultipliers[condition],
                    minimum: config.minimumStepMultiplier, maximum: config.maximumStepMultiplier)
            }
        }
    }
}
