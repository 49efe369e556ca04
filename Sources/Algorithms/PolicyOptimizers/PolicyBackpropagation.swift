import MBRLCore
import Models

/// Policy learning by backpropagation through the model (the lectures' "policy backprop",
/// lecture notes Algorithm 27): a deterministic policy is improved by gradient ascent on the
/// discounted `H`-step return of imagined rollouts, differentiated through the model, the reward
/// and the policy itself.
///
/// In the loop: the exploration agent acts first (random by default), the model is fitted, and
/// after every model fit (`modelDidFit`) the optimizer makes `updatesPerFit` gradient steps; the
/// policy then acts (with its exploration noise) in the training episodes, its data is
/// aggregated and the model refitted. Each step:
/// 1. `batchSize` start states are drawn from the real buffer (`startStates`: any real state or
///    the first state of every episode);
/// 2. `DifferentiableModelRollout` rolls them `horizon` steps through the model with the
///    policy's deterministic actions. An ensemble's members follow `members`: by default every
///    start state goes through every member separately and the return is their average; the
///    reward is the environment's differentiable reward function, or the model's learned reward
///    head with `"planning": {"reward": "learned"}`; a known termination rule masks the rewards
///    after a termination (a constant, without gradient);
/// 3. with `value` set, `discount^H * V(s_H)` is added to each return (its gradient flows back
///    through `s_H`), and after the policy step `V` is regressed on the imagined returns of every
///    visited state, bootstrapped with its own value of `s_H` (a simplified critic: Monte Carlo
///    `H`-step targets from the current value, with no target network or lambda-returns);
/// 4. the gradient is clipped to `maxGradientNorm` and Adam ascends it.
///
/// A gradient with a NaN or infinite entry is not applied: the step is counted
/// (`nonFiniteUpdates`), and after `maxNonFiniteInARow` such steps in a row the run stops with
/// `MBRLError.nonFinite`, naming the update and the horizon step where the non-finite value
/// first appeared (in the forward pass, or in the backward pass from the horizon's end).
///
/// The metrics of every fit are means over its gradient steps: `gradientNorm` (before
/// clipping), `gradientNormMax`, `imaginedReturn`, and `gradientNormStepT` for every horizon step
/// `T` (zero-padded): the norm of the part of the gradient that flows through step `T`'s action,
/// which shows the gradients vanishing or exploding with the horizon.
///
/// ```json
/// "model": {"type": "deterministic-ensemble", "ensembleSize": 5},
/// "policyOptimizer": {"type": "policy-backprop", "horizon": 10, "updatesPerFit": 50},
/// "loop": {"explorationEpisodes": 1, "episodes": 50, "trainEvery": 0}
/// ```
public struct PolicyBackpropagation: Sendable {
    /// The settings.
    public let config: Config
    /// The deterministic policy being improved.
    public internal(set) var policy: DeterministicMLPPolicy
    /// The policy's Adam state.
    public internal(set) var policyOptimizer: Adam
    /// The value at the horizon's end, when `config.value` is set.
    public internal(set) var value: StateValueNetwork?
    /// The value's Adam state.
    public internal(set) var valueOptimizer: Adam?
    /// Real steps stored.
    public internal(set) var stepsSeen = 0
    /// Model fits worked on.
    public internal(set) var fitsSeen = 0
    /// Gradient steps attempted over the run (applied or skipped).
    public internal(set) var totalUpdates = 0
    /// Gradient steps skipped for a non-finite gradient over the run.
    public internal(set) var nonFiniteUpdates = 0
    /// Non-finite gradients in a row at the end of the last step.
    public internal(set) var nonFiniteInARow = 0

    /// An optimizer for an environment's spaces, its networks drawn from `generator`.
    ///
    /// - Throws: `MBRLError.incompatible` for actions that are not a bounded `Box`,
    ///   `MBRLError.invalidArgument` for a bad config.
    public init(config: Config, observationSpace: Space, actionSpace: Space, generator: inout RandomGenerator) throws {
        self.config = config
        policy = try DeterministicMLPPolicy(config: config.policy, observationSpace: observationSpace,
                                           actionSpace: actionSpace, generator: &generator)
        policyOptimizer = try Adam(learningRate: config.learningRate)
        if let valueConfig = config.value {
            value = try StateValueNetwork(observationSize: policy.observationSize, config: valueConfig.network, generator: &generator)
            valueOptimizer = try Adam(learningRate: valueConfig.learningRate)
        }
    }

    // MARK: - One gradient step

    /// What one gradient step measured.
    public struct UpdateReport: Sendable, Equatable {
        /// Whether the step was applied (false: a non-finite gradient was skipped).
        public var applied: Bool
        /// The mean imagined return (with the terminal value, if any).
        public var imaginedReturn: Float
        /// The global gradient norm before clipping.
        public var gradientNorm: Float
        /// The norm of the gradient through each horizon step's action, `[H]`.
        public var stepGradientNorms: [Float]
        /// The value's regression loss, when there is a value.
        public var valueLoss: Float?
    }

    /// One gradient step on the imagined return from `starts` `[N, obs]`.
    ///
    /// - Parameters:
    ///   - rewardFunction: the differentiable reward, or `nil` for the model's learned reward head.
    ///   - terminationFunction: the termination rule masking rewards after a termination, or `nil`.
    /// - Throws: `MBRLError.nonFinite` after `maxNonFiniteInARow` non-finite gradients in a row;
    ///   as `DifferentiableModelRollout.returnAndGradient` otherwise.
    public mutating func update(model: some DifferentiableDynamicsModel, starts: Matrix,
                                rewardFunction: (any DifferentiableRewardFunction)?,
                                terminationFunction: (any TerminationFunction)?,
                                generator: inout RandomGenerator) throws -> UpdateReport {
        totalUpdates += 1
        let (rolloutStarts, members, selection) = rolloutRows(model: model, starts: starts)
        let rollout = try DifferentiableModelRollout(
            config: ModelRolloutConfig(horizon: config.horizon, memberSelection: selection, actionMode: .evaluation,
                                       discount: config.discount),
            rewardFunction: rewardFunction, terminationFunction: terminationFunction)
        let currentValue = value
        let terminalValue: DifferentiableModelRollout.TerminalValue? = currentValue.map { network in
            { states in try network.valuesAndInputGradients(states) }
        }
        let result = try rollout.returnAndGradient(policy: policy, model: model, startObservations: rolloutStarts,
                                                   members: members, terminalValue: terminalValue, generator: &generator)
        var ascent = result.parameterGradients.map { $0 * -1 }
        let norm = GradientClipping.globalNorm(ascent)
        guard norm.isFinite, result.meanReturn.isFinite else {
            nonFiniteUpdates += 1
            nonFiniteInARow += 1
            if nonFiniteInARow >= config.maxNonFiniteInARow {
                throw MBRLError.nonFinite(
                    "policy-backprop update \(totalUpdates): the policy gradient is \(norm.isNaN ? "nan" : "\(norm)") \(Self.whereNonFinite(result)), \(nonFiniteInARow) updates in a row; the model or the policy diverges through the rollout: shorten the horizon, lower learningRate or maxGradientNorm, or fit the model on more data")
            }
            return UpdateReport(applied: false, imaginedReturn: result.meanReturn, gradientNorm: norm,
                                stepGradientNorms: result.stepGradientNorms, valueLoss: nil)
        }
        nonFiniteInARow = 0
        try GradientClipping.clipByGlobalNorm(&ascent, maxNorm: config.maxGradientNorm)
        try policyOptimizer.step(&policy, gradients: ascent)
        var valueLoss: Float?
        if let trajectory = result.trajectory, value != nil {
            valueLoss = try fitValue(on: trajectory)
        }
        return UpdateReport(applied: true, imaginedReturn: result.meanReturn, gradientNorm: norm,
                            stepGradientNorms: result.stepGradientNorms, valueLoss: valueLoss)
    }

    /// The rollout's start rows, their members and the member selection for `config.members`:
    /// with `each`, the starts tiled once per member.
    func rolloutRows(model: some DifferentiableDynamicsModel, starts: Matrix)
        -> (starts: Matrix, members: [Int]?, selection: RolloutMemberSelection) {
        guard let ensemble = model as? any MemberDifferentiableDynamicsModel, ensemble.memberCount > 0 else {
            return (starts, nil, .modelDefault)
        }
        switch config.members {
        case .each:
            let (tiled, members) = RolloutMemberSelection.everyMember(starts, memberCount: ensemble.memberCount)
            return (tiled, members, .fixedPerTrajectory)
        case .randomEachStep: return (starts, nil, .randomEachStep)
        case .fixedPerTrajectory: return (starts, nil, .fixedPerTrajectory)
        case .mean: return (starts, nil, .modelDefault)
        }
    }

    /// Where a non-finite value first appeared in a rollout's result, in words.
    static func whereNonFinite(_ result: PolicyReturnGradient) -> String {
        let horizon = result.stepGradientNorms.count
        if let trajectory = result.trajectory {
            for step in 0..<trajectory.rewards.count {
                let states = trajectory.observations[step + 1].values
                if !trajectory.rewards[step].allSatisfy(\.isFinite) || !states.allSatisfy(\.isFinite) {
                    return "(first non-finite in the forward pass, at horizon step \(step) of \(horizon))"
                }
            }
            if let values = trajectory.terminalValues, !values.allSatisfy(\.isFinite) {
                return "(first non-finite in the terminal value, after horizon step \(horizon - 1))"
            }
        }
        if let step = result.stepGradientNorms.lastIndex(where: { !$0.isFinite }) {
            return "(first non-finite in the backward pass, at horizon step \(step) of \(horizon))"
        }
        return "(in the summed gradient)"
    }

    /// Regresses the value on the imagined returns of every state the rollout visited while alive
    /// (`stepsPerUpdate` Adam steps); returns the last loss.
    mutating func fitValue(on trajectory: DifferentiableRolloutTrajectory) throws -> Float? {
        guard var network = value, var optimizer = valueOptimizer, let valueConfig = config.value else { return nil }
        let targets = trajectory.rewardsToGo(discount: config.discount, bootstrap: trajectory.terminalValues)
        let columns = network.observationSize
        var rows: [Float] = [], rowTargets: [Float] = []
        for step in targets.indices {
            let states = trajectory.observations[step]
            for row in 0..<states.rows where trajectory.alive[step][row] > 0 && targets[step][row].isFinite {
                rows.append(contentsOf: states.row(row))
                rowTargets.append(targets[step][row])
            }
        }
        guard !rowTargets.isEmpty, rows.allSatisfy(\.isFinite) else { return nil }
        let observations = Matrix(rows: rowTargets.count, columns: columns, values: rows)
        var loss: Float = 0
        for _ in 0..<valueConfig.stepsPerUpdate {
            let (stepLoss, gradients) = try network.lossAndGradients(observations: observations, targets: rowTargets)
            guard stepLoss.isFinite else { return stepLoss }
            try optimizer.step(&network, gradients: gradients)
            loss = stepLoss
        }
        value = network
        valueOptimizer = optimizer
        return loss
    }

    // MARK: - One model fit

    /// `updatesPerFit` gradient steps after a model fit; returns the fit's metrics.
    mutating func optimizeAfterFit(context: PolicyOptimizerContext, generator: inout RandomGenerator) throws -> [String: Double] {
        fitsSeen += 1
        guard let model = context.model as? any DifferentiableDynamicsModel else {
            throw MBRLError.incompatible(
                "policy-backprop differentiates the imagined return through the model; the recipe's model has no input gradients (use a neural model such as \"deterministic-ensemble\")")
        }
        let reward = context.differentiableRewardFunction
        if context.rewardFunction != nil && reward == nil {
            throw MBRLError.incompatible(
                "policy-backprop needs reward gradients; the environment's reward function is not differentiable: use \"planning\": {\"reward\": \"learned\"} with a model that has a reward head")
        }
        return try optimize(model: model, rewardFunction: reward, context: context, generator: &generator)
    }

    mutating func optimize(model: some DifferentiableDynamicsModel, rewardFunction: (any DifferentiableRewardFunction)?,
                           context: PolicyOptimizerContext, generator: inout RandomGenerator) throws -> [String: Double] {
        guard config.updatesPerFit > 0 else { return [:] }
        let pool = try config.startStates.observations(in: context.buffer, optimizer: name)
        var applied = 0, skipped = 0
        var returnSum = 0.0, normSum = 0.0, normMax = 0.0, valueLossSum = 0.0, valueLosses = 0
        var stepNormSums = [Double](repeating: 0, count: config.horizon)
        for _ in 0..<config.updatesPerFit {
            let starts = pool.gatherRows((0..<config.batchSize).map { _ in generator.nextInt(below: pool.rows) })
            let report = try update(model: model, starts: starts, rewardFunction: rewardFunction,
                                    terminationFunction: context.terminationFunction, generator: &generator)
            guard report.applied else { skipped += 1; continue }
            applied += 1
            returnSum += Double(report.imaginedReturn)
            normSum += Double(report.gradientNorm)
            normMax = max(normMax, Double(report.gradientNorm))
            for step in report.stepGradientNorms.indices { stepNormSums[step] += Double(report.stepGradientNorms[step]) }
            if let loss = report.valueLoss, loss.isFinite {
                valueLossSum += Double(loss)
                valueLosses += 1
            }
        }
        var metrics: [String: Double] = [
            "policyUpdates": Double(applied), "skippedUpdates": Double(skipped), "nonFiniteUpdates": Double(nonFiniteUpdates),
        ]
        if applied > 0 {
            let count = Double(applied)
            metrics["imaginedReturn"] = returnSum / count
            metrics["gradientNorm"] = normSum / count
            metrics["gradientNormMax"] = normMax
            let width = String(config.horizon - 1).count
            for step in stepNormSums.indices {
                let label = String(step)
                metrics["gradientNormStep" + String(repeating: "0", count: width - label.count) + label] = stepNormSums[step] / count
            }
        }
        if valueLosses > 0 { metrics["valueLoss"] = valueLossSum / Double(valueLosses) }
        return metrics
    }
}
