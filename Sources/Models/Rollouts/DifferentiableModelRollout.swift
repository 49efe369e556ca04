import MBRLCore

/// The discounted return of a policy acting through a differentiable model, and its gradient
/// with respect to the policy's parameters by backpropagation through time (the lectures'
/// "backprop through the model", PILCO-style policy search, Dreamer's actor gradient).
///
/// From `N` start states `s_0`, for `t < H`: `a_t = pi(s_t)`, `s_{t+1}` is predicted by the
/// model and `r_t` comes from a `DifferentiableRewardFunction` or the model's learned reward head.
/// Members: for a `MemberDifferentiableDynamicsModel` (a `DynamicsEnsemble`) each row is
/// predicted by one member's mean, chosen by `config.memberSelection` (a random elite per row and
/// step, or one per start row for the whole horizon); with `.modelDefault`, or for any other
/// `DifferentiableDynamicsModel`, the model's mean prediction (for an ensemble, the mean over
/// members) with its reward head through `RewardDifferentiableDynamicsModel`. The objective is
/// `J = mean_n sum_t discount^t * alive_t * r_t`; a termination (from `terminationFunction`)
/// stops a row's rewards and is a constant mask without gradient.
///
/// Two options serve policy learning through the model (`PolicyBackpropagation`): `members`
/// fixes the member of every row for the whole horizon (tile the start states once per member
/// to average the return over members, each rolled separately), and `terminalValue` adds
/// `discount^H * alive_H * V(s_H)` to each row's return, with its gradient through `s_H`. The
/// result's `trajectory` keeps the visited states, rewards and alive masks (for fitting that
/// value on imagined returns).
///
/// The forward pass keeps each step's pullbacks; the backward pass runs them in reverse,
/// carrying `dJ / d s_t` through the model, the reward and the policy's observation input, and
/// sending `dJ / d a_t` into the policy's parameters.
///
/// ```swift
/// let rollout = try DifferentiableModelRollout(config: .init(horizon: 15, actionMode: .evaluation),
///                                              rewardFunction: PendulumRewardFunction())
/// let result = try rollout.returnAndGradient(policy: policy, model: model,
///                                            startObservations: states, generator: &generator)
/// try optimizer.step(&policy, gradients: result.parameterGradients.map { $0 * -1 })   // ascend
/// ```
public struct DifferentiableModelRollout: Sendable {
    /// The settings (`horizon`, `discount`, `actionMode`, `memberSelection`).
    public var config: ModelRolloutConfig
    /// The differentiable reward; `nil` to use the model's learned reward head.
    public var rewardFunction: (any DifferentiableRewardFunction)?
    /// The termination rule (no gradient); `nil` for none.
    public var terminationFunction: (any TerminationFunction)?

    /// A differentiable rollout with the given settings and scoring.
    ///
    /// - Throws: `MBRLError.invalidArgument` when a setting is out of range.
    public init(config: ModelRolloutConfig = ModelRolloutConfig(), rewardFunction: (any DifferentiableRewardFunction)?,
                terminationFunction: (any TerminationFunction)? = nil) throws {
        try config.validate()
        self.config = config
        self.rewardFunction = rewardFunction
        self.terminationFunction = terminationFunction
    }

    /// A value of the horizon's last states: `[N, obs] -> (V [N], dV/ds [N, obs])`.
    public typealias TerminalValue = (Matrix) throws -> (values: [Float], gradients: Matrix)

    /// The mean discounted return over `startObservations` (`[N, obs]`) and its gradient with
    /// respect to `policy.parameters`.
    ///
    /// - Parameters:
    ///   - members: for a `MemberDifferentiableDynamicsModel`, the member of each start row for
    ///     the whole horizon (`[N]`, in `0..<memberCount`), instead of `config.memberSelection`'s
    ///     draw; `nil` follows `config.memberSelection`.
    ///   - terminalValue: the value added at the horizon's end (see the type's documentation);
    ///     `nil` for none.
    /// - Throws: `MBRLError.incompatible` when there is no reward function and the model has no
    ///   differentiable reward head, or `members` are given for a model without members;
    ///   `MBRLError.shapeMismatch` when the sizes of the policy, the model, the start states, the
    ///   members or the terminal values disagree; `MBRLError.invalidArgument` for no start states
    ///   or a member out of range.
    public func returnAndGradient<Policy: DifferentiablePolicy, Model: DifferentiableDynamicsModel>(
        policy: Policy, model: Model, startObservations: Matrix, members givenMembers: [Int]? = nil,
        terminalValue: TerminalValue? = nil, generator: inout RandomGenerator
    ) throws -> PolicyReturnGradient {
        let rows = startObservations.rows, observationSize = model.observationSize, actionSize = model.actionSize
        guard rows > 0 else { throw MBRLError.invalidArgument("the differentiable rollout needs at least one start state") }
        guard startObservations.columns == observationSize, policy.observationSize == observationSize,
              policy.actionSize == actionSize else {
            throw MBRLError.shapeMismatch(
                "the model takes (\(observationSize) observation, \(actionSize) action) entries, the policy (\(policy.observationSize), \(policy.actionSize)), the start states are \(rows) x \(startObservations.columns)")
        }
        let rewardModel = model as? any RewardDifferentiableDynamicsModel
        let memberModel = config.memberSelection == .modelDefault && givenMembers == nil
            ? nil : model as? any MemberDifferentiableDynamicsModel
        if rewardFunction == nil && ((rewardModel == nil && memberModel == nil) || !model.predictsRewards) {
            throw MBRLError.incompatible(
                "the differentiable rollout needs a differentiable reward function or a model with a learned reward head")
        }

        // MARK: Forward
        var state = startObservations
        var alive = [Float](repeating: 1, count: rows)
        var returns = [Float](repeating: 0, count: rows)
        var weight: Float = 1
        var steps: [StepRecord] = []
        steps.reserveCapacity(config.horizon)
        let memberCount = memberModel?.memberCount ?? 0
        if memberModel != nil && memberCount < 1 { throw MBRLError.incompatible("the ensemble model predicts with no members") }
        var members: [Int] = []
        if let givenMembers {
            guard memberModel != nil else {
                throw MBRLError.incompatible("members were given for the differentiable rollout, but \(type(of: model)) is not an ensemble with per-member gradients")
            }
            guard givenMembers.count == rows else {
                throw MBRLError.shapeMismatch("give one member per start row: \(rows) start rows, \(givenMembers.count) members")
            }
            if let bad = givenMembers.first(where: { $0 < 0 || $0 >= memberCount }) {
                throw MBRLError.invalidArgument("member \(bad) is out of range: the ensemble predicts with members 0..<\(memberCount)")
            }
            members = givenMembers
        } else if memberModel != nil && config.memberSelection == .fixedPerTrajectory {
            members = (0..<rows).map { _ in generator.nextInt(below: memberCount) }
        }
        var trajectory = DifferentiableRolloutTrajectory(observations: [startObservations], rewards: [], alive: [alive])
        trajectory.observations.reserveCapacity(config.horizon + 1)
        for _ in 0..<config.horizon {
            let (actions, policyPullback) = try policy.actionsWithPullback(for: state, mode: config.actionMode,
                                                                          generator: &generator)
            guard actions.rows == rows, actions.columns == actionSize else {
                throw MBRLError.shapeMismatch("the policy returned \(actions.rows) x \(actions.columns) actions for \(rows) rows of \(actionSize) entries")
            }
            let next: Matrix
            let rewards: [Float]
            let modelPullback: @Sendable (Matrix, [Float]?) throws -> InputGradients
            var rewardGradients: RewardGradients?
            if let memberModel {
                if givenMembers == nil && config.memberSelection == .randomEachStep {
                    members = (0..<rows).map { _ in generator.nextInt(below: memberCount) }
                }
                let (prediction, predictedRewards, pullback) = try memberModel.predictWithPullback(
                    observations: state, actions: actions, members: members)
                next = prediction
                if let rewardFunction {
                    rewards = rewardFunction.rewards(observations: state, actions: actions, nextObservations: next)
                    rewardGradients = rewardFunction.rewardGradients(observations: state, actions: actions, nextObservations: next)
                    modelPullback = { upstream, _ in try pullback(upstream, nil) }
                } else {
                    rewards = try ModelRollout.required(predictedRewards, "rewards")
                    modelPullback = { upstream, rewardUpstream in try pullback(upstream, rewardUpstream) }
                }
            } else if let rewardFunction {
                let (prediction, pullback) = try model.predictWithPullback(observations: state, actions: actions)
                next = prediction
                rewards = rewardFunction.rewards(observations: state, actions: actions, nextObservations: next)
                rewardGradients = rewardFunction.rewardGradients(observations: state, actions: actions, nextObservations: next)
                modelPullback = { upstream, _ in try pullback(upstream) }
            } else if let rewardModel {
                let (prediction, predictedRewards, pullback) = try rewardModel.predictWithRewardPullback(
                    observations: state, actions: actions)
                next = prediction
                rewards = predictedRewards
                modelPullback = { upstream, rewardUpstream in
                    try pullback(upstream, rewardUpstream ?? [Float](repeating: 0, count: upstream.rows))
                }
            } else {
                throw MBRLError.incompatible("the differentiable rollout has no reward source")
            }
            guard rewards.count == rows else {
                throw MBRLError.shapeMismatch("\(rewards.count) rewards for \(rows) rows")
            }
            let stepWeights = alive.map { $0 * weight / Float(rows) }
            for row in 0..<rows { returns[row] += alive[row] * weight * rewards[row] }
            if let terminationFunction {
                let terminations = terminationFunction.terminations(observations: state, actions: actions, nextObservations: next)
                for row in 0..<min(rows, terminations.count) where terminations[row] { alive[row] = 0 }
            }
            steps.append(StepRecord(policyPullback: policyPullback, modelPullback: modelPullback,
                                    rewardGradients: rewardGradients, weights: stepWeights))
            state = next
            weight *= config.discount
            trajectory.observations.append(next)
            trajectory.rewards.append(rewards)
            trajectory.alive.append(alive)
        }
        var adjoint = Matrix(rows: rows, columns: observationSize)   // dJ / d s_{t+1}
        if let terminalValue {
            let (values, gradients) = try terminalValue(state)
            guard values.count == rows, gradients.rows == rows, gradients.columns == observationSize else {
                throw MBRLError.shapeMismatch(
                    "the terminal value gave \(values.count) values and \(gradients.rows) x \(gradients.columns) gradients for \(rows) x \(observationSize) states")
            }
            for row in 0..<rows { returns[row] += alive[row] * weight * values[row] }
            Self.addScaledRows(gradients, weights: alive.map { $0 * weight / Float(rows) }, into: &adjoint)
            trajectory.terminalValues = values
        }

        // MARK: Backward
        var parameterGradients: [Matrix] = policy.parameters.map { Matrix(rows: $0.rows, columns: $0.columns) }
        var stepNorms = [Float](repeating: 0, count: config.horizon)
        for step in stride(from: steps.count - 1, through: 0, by: -1) {
            let record = steps[step]
            var upstream = adjoint
            if let local = record.rewardGradients {
                Self.addScaledRows(local.nextObservations, weights: record.weights, into: &upstream)
            }
            let modelGradients = try record.modelPullback(upstream, record.rewardGradients == nil ? record.weights : nil)
            var actionGradient = modelGradients.actions
            var stateGradient = modelGradients.observations
            if let local = record.rewardGradients {
                Self.addScaledRows(local.actions, weights: record.weights, into: &actionGradient)
                Self.addScaledRows(local.observations, weights: record.weights, into: &stateGradient)
            }
            let policyGradients = try record.policyPullback(actionGradient)
            guard policyGradients.parameters.count == parameterGradients.count else {
                throw MBRLError.shapeMismatch(
                    "the policy's pullback gave \(policyGradients.parameters.count) parameter gradients for \(parameterGradients.count) parameters")
            }
            var squaredNorm: Double = 0
            for index in parameterGradients.indices {
                parameterGradients[index] += policyGradients.parameters[index]
                for value in policyGradients.parameters[index].values { squaredNorm += Double(value) * Double(value) }
            }
            stepNorms[step] = Float(squaredNorm.squareRoot())
            stateGradient += policyGradients.observations
            adjoint = stateGradient
        }
        let meanReturn = returns.reduce(0, +) / Float(rows)
        var result = PolicyReturnGradient(meanReturn: meanReturn, returns: returns, parameterGradients: parameterGradients,
                                          stepGradientNorms: stepNorms)
        result.trajectory = trajectory
        return result
    }

    // MARK: - Internals

    /// What the backward pass needs from one forward step.
    struct StepRecord {
        let policyPullback: @Sendable (Matrix) throws -> PolicyGradients
        let modelPullback: @Sendable (Matrix, [Float]?) throws -> InputGradients
        let rewardGradients: RewardGradients?
        /// `alive * discount^t / N` per row.
        let weights: [Float]
    }

    /// `target[r, :] += weights[r] * source[r, :]`.
    static func addScaledRows(_ source: Matrix, weights: [Float], into target: inout Matrix) {
        let columns = source.columns
        target.withUnsafeMutableBufferPointer { targetBuffer in
            source.withUnsafeBufferPointer { sourceBuffer in
                for row in weights.indices {
                    let weight = weights[row]
                    for column in 0..<columns { targetBuffer[row * columns + column] += weight * sourceBuffer[row * columns + column] }
                }
            }
        }
    }
}
