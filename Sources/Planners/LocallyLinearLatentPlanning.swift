import MBRLCore

/// What iLQR plans through for a locally linear latent model (Embed to Control, Watter et al.
/// 2015): the plan starts from the encoding of the current observation, steps with the model's
/// `A(z) z + B(z) u + o(z)`, and takes `A(z)` and `B(z)` as the dynamics' linearisation exactly
/// as the model gives them (no finite differences, no pullbacks of the transition network).
///
/// The reward is either
/// - the model's learned reward head `r(z, u)` (`init(model:actionSpace:)`): its gradient comes
///   from one batched backward pass, its Hessian from central differences of that gradient,
///   symmetrised and made negative semidefinite by clipping positive eigenvalues (so iLQR's
///   cost stays locally convex). Minus a penalty `latentPenaltyWeight * max(0, |z|^2 - R^2)`
///   for leaving the ball of radius `R = latentRadius` where the encodings live (the KL term
///   keeps them near `N(0, I)`; the default `R^2 = n + 4 sqrt(2n)` is the chi-square mean plus
///   four standard deviations): off the data the transition `A(z)` can be expansive and the
///   learned reward extrapolates without bound, and without the penalty iLQR finds plans that
///   "earn" that by making the latent diverge. Or
/// - the paper's quadratic cost to a goal image's encoding `z_g`
///   (`init(model:actionSpace:goalObservation:)`):
///   `R(z, u) = -(stateCostWeight |z - z_g|^2 + actionCostWeight |u|^2)`, expanded exactly.
///
/// ```swift
/// let latentPlanning = try LocallyLinearLatentPlanning(model: e2cModel, actionSpace: environment.actionSpace)
/// var planner = try IterativeLQRPlanner(config: .init(horizon: 30), actionSpace: environment.actionSpace)
/// try planner.checkCompatibility(with: latentPlanning)
/// let plan = try planner.plan(from: pixels, model: latentPlanning, generator: &generator)   // pixels: [raw]
/// ```
public struct LocallyLinearLatentPlanning<Model: LocallyLinearLatentModel>: LinearizableModel {
    /// The latent model.
    public let model: Model
    /// The actions plans are made of.
    public let actionSpace: Space
    /// The encoding of the goal observation, when planning on the quadratic goal cost.
    public let goalLatent: [Float]?
    /// The weight of `|z - z_g|^2` in the goal cost.
    public let stateCostWeight: Float
    /// The weight of `|u|^2` in the goal cost.
    public let actionCostWeight: Float
    /// The step of the central differences of the learned reward's gradient (its Hessian).
    public let hessianStep: Float = 1e-2
    /// The radius `R` of the latent ball outside which the learned reward is penalised.
    public let latentRadius: Float
    /// The weight of the penalty `max(0, |z|^2 - R^2)` on the learned reward.
    public let latentPenaltyWeight: Float

    /// Planning on the model's learned reward head.
    ///
    /// - Throws: `MBRLError.shapeMismatch` when the model's actions do not match the space;
    ///   `MBRLError.incompatible` when the model has no reward head.
    ///
    /// - Parameters:
    ///   - latentRadius: `R`; nil for `sqrt(n + 4 sqrt(2n))` with `n` the latent size.
    ///   - latentPenaltyWeight: the weight of `max(0, |z|^2 - R^2)` (0 turns it off).
    public init(model: Model, actionSpace: Space, latentRadius: Float? = nil, latentPenaltyWeight: Float = 10) throws {
        try Self.check(model: model, actionSpace: actionSpace)
        guard model.predictsRewards else {
            throw MBRLError.incompatible("planning on the learned reward needs the model's reward head; this model has none (give a goal observation)")
        }
        let size = Float(model.observationSize)
        let radius = latentRadius ?? (size + 4 * (2 * size).squareRoot()).squareRoot()
        guard radius > 0, radius.isFinite, latentPenaltyWeight >= 0, latentPenaltyWeight.isFinite else {
            throw MBRLError.invalidArgument(
                "latentRadius must be positive and latentPenaltyWeight non-negative (both finite), got \(radius) and \(latentPenaltyWeight)")
        }
        self.model = model
        self.actionSpace = actionSpace
        goalLatent = nil
        stateCostWeight = 0
        actionCostWeight = 0
        self.latentRadius = radius
        self.latentPenaltyWeight = latentPenaltyWeight
    }

    /// `latentPenaltyWeight * max(0, |z|^2 - R^2)` and whether `z` is outside the ball.
    func latentPenalty(_ latent: [Float]) -> (value: Float, outside: Bool) {
        var squaredNorm: Float = 0
        for value in latent { squaredNorm += value * value }
        let excess = squaredNorm - latentRadius * latentRadius
        return excess > 0 && latentPenaltyWeight > 0 ? (latentPenaltyWeight * excess, true) : (0, false)
    }

    /// Planning on the quadratic cost to the encoding of `goalObservation`.
    ///
    /// - Parameter goalObservation: a raw observation of `model.rawObservationSize` entries (or
    ///   a history of `model.historyLength` of them).
    /// - Throws: `MBRLError.shapeMismatch` naming the sizes when the goal does not fit the
    ///   encoder; `MBRLError.invalidArgument` for a negative or non-finite weight.
    public init(model: Model, actionSpace: Space, goalObservation: [Float], stateCostWeight: Float = 1,
                actionCostWeight: Float = 0.01) throws {
        try Self.check(model: model, actionSpace: actionSpace)
        let historySize = model.historyLength * model.rawObservationSize
        guard goalObservation.count == model.rawObservationSize || goalObservation.count == historySize else {
            throw MBRLError.shapeMismatch(
                "the goal observation has \(goalObservation.count) entries; the model encodes observations of \(model.rawObservationSize)\(historySize != model.rawObservationSize ? " (or histories of \(historySize))" : "") — render the goal with the environment's own observation settings")
        }
        guard stateCostWeight >= 0, stateCostWeight.isFinite, actionCostWeight >= 0, actionCostWeight.isFinite else {
            throw MBRLError.invalidArgument(
                "the goal cost's weights must be finite and non-negative, got stateCostWeight \(stateCostWeight) and actionCostWeight \(actionCostWeight)")
        }
        self.model = model
        self.actionSpace = actionSpace
        goalLatent = try model.encode(observations: Matrix(row: goalObservation)).row(0)
        self.stateCostWeight = stateCostWeight
        self.actionCostWeight = actionCostWeight
        latentRadius = .infinity
        latentPenaltyWeight = 0
    }

    private static func check(model: Model, actionSpace: Space) throws {
        guard model.actionSize == actionSpace.flatSize else {
            throw MBRLError.shapeMismatch(
                "the model takes actions of \(model.actionSize) entries but the action space has \(actionSpace.flatSize)")
        }
    }

    /// The latent size: iLQR's states are latents.
    public var observationSize: Int { model.observationSize }
    public var capabilities: PlanningCapabilities { .linearization }

    /// The encoding of the raw observation (or observation history) a planner is given.
    ///
    /// - Throws: `MBRLError.shapeMismatch` for an observation of another size, or a frame stack
    ///   shorter than the model's history.
    public func initialState(for observation: [Float]) throws -> [Float] {
        try model.encode(observations: Matrix(row: observation)).row(0)
    }

    // MARK: - Stepping

    public func step(observations: Matrix, actions: Matrix) throws -> (nextObservations: Matrix, rewards: [Float]) {
        let next = try model.locallyLinearStep(latents: observations, actions: actions).nextLatents
        return (next, try rewards(latents: observations, actions: actions))
    }

    /// The reward of every row: the learned head's, or the goal cost's.
    func rewards(latents: Matrix, actions: Matrix) throws -> [Float] {
        guard let goal = goalLatent else {
            var generator = RandomGenerator(seed: 0)
            let learned = try model.predict(observations: latents, actions: actions, generator: &generator).rewards ?? []
            return learned.indices.map { learned[$0] - latentPenalty(latents.row($0)).value }
        }
        return (0..<latents.rows).map { row in
            var stateCost: Float = 0, actionCost: Float = 0
            for (index, value) in latents.row(row).enumerated() { stateCost += (value - goal[index]) * (value - goal[index]) }
            for value in actions.row(row) { actionCost += value * value }
            return -(stateCostWeight * stateCost + actionCostWeight * actionCost)
        }
    }

    // MARK: - Expansion

    public func expand(observations: Matrix, actions: Matrix) throws -> [LocalExpansion] {
        let linear = try model.locallyLinearStep(latents: observations, actions: actions)
        let rows = observations.rows, n = observations.columns, m = actions.columns
        let rewardExpansions = goalLatent == nil
            ? try learnedRewardExpansions(latents: observations, actions: actions)
            : goalExpansions(latents: observations, actions: actions)
        return (0..<rows).map { row in
            let reward = rewardExpansions[row]
            let stateIndices = Array(0..<n), actionIndices = Array(n..<(n + m))
            return LocalExpansion(
                stateJacobian: linear.stateMatrices[row], actionJacobian: linear.actionMatrices[row],
                rewardStateGradient: stateIndices.map { Float(reward.gradient[$0]) },
                rewardActionGradient: actionIndices.map { Float(reward.gradient[$0]) },
                rewardStateHessian: reward.hessian.selecting(rows: stateIndices, columns: stateIndices).matrix,
                rewardActionStateHessian: reward.hessian.selecting(rows: actionIndices, columns: stateIndices).matrix,
                rewardActionHessian: reward.hessian.selecting(rows: actionIndices, columns: actionIndices).matrix)
        }
    }

    /// The goal cost's exact gradient and Hessian in `(z, u)` for every row.
    func goalExpansions(latents: Matrix, actions: Matrix) -> [(gradient: [Double], hessian: DenseMatrix)] {
        let n = latents.columns, m = actions.columns
        let goal = goalLatent ?? []
        return (0..<latents.rows).map { row in
            let state = latents.row(row), action = actions.row(row)
            var gradient = [Double](repeating: 0, count: n + m)
            var hessian = DenseMatrix(rows: n + m, columns: n + m)
            for index in 0..<n {
                gradient[index] = -2 * Double(stateCostWeight) * Double(state[index] - goal[index])
                hessian[index, index] = -2 * Double(stateCostWeight)
            }
            for index in 0..<m {
                gradient[n + index] = -2 * Double(actionCostWeight) * Double(action[index])
                hessian[n + index, n + index] = -2 * Double(actionCostWeight)
            }
            return (gradient, hessian)
        }
    }

    /// The learned reward's gradient (backward pass) and Hessian (central differences of the
    /// gradient, every perturbation of every row in one batch; symmetrised, positive
    /// eigenvalues clipped) in `(z, u)` for every row.
    func learnedRewardExpansions(latents: Matrix, actions: Matrix) throws -> [(gradient: [Double], hessian: DenseMatrix)] {
        let rows = latents.rows, n = latents.columns, m = actions.columns, inputs = n + m
        let base = try model.rewardWithGradients(latents: latents, actions: actions)
        var perturbedLatents = Matrix(rows: rows * inputs * 2, columns: n)
        var perturbedActions = Matrix(rows: rows * inputs * 2, columns: m)
        for row in 0..<rows {
            let state = latents.row(row), action = actions.row(row)
            for input in 0..<inputs {
                var plusState = state, minusState = state, plusAction = action, minusAction = action
                if input < n {
                    plusState[input] += hessianStep; minusState[input] -= hessianStep
                } else {
                    plusAction[input - n] += hessianStep; minusAction[input - n] -= hessianStep
                }
                let index = (row * inputs + input) * 2
                perturbedLatents.setRow(index, to: plusState); perturbedLatents.setRow(index + 1, to: minusState)
                perturbedActions.setRow(index, to: plusAction); perturbedActions.setRow(index + 1, to: minusAction)
            }
        }
        let perturbed = try model.rewardWithGradients(latents: perturbedLatents, actions: perturbedActions)
        return (0..<rows).map { row in
            var gradient = (base.latentGradients.row(row) + base.actionGradients.row(row)).map(Double.init)
            var hessian = DenseMatrix(rows: inputs, columns: inputs)
            for input in 0..<inputs {
                let plus = (row * inputs + input) * 2, minus = plus + 1
                for output in 0..<inputs {
                    let high = output < n ? perturbed.latentGradients[plus, output] : perturbed.actionGradients[plus, output - n]
                    let low = output < n ? perturbed.latentGradients[minus, output] : perturbed.actionGradients[minus, output - n]
                    hessian[output, input] = (Double(high) - Double(low)) / Double(2 * hessianStep)
                }
            }
            hessian = hessian.symmetrized.clippingEigenvalues(above: 0)
            // The penalty outside the ball, exactly: gradient -2 w z, Hessian -2 w I.
            let latent = latents.row(row)
            if latentPenalty(latent).outside {
                let weight = Double(latentPenaltyWeight)
                for index in 0..<n {
                    gradient[index] -= 2 * weight * Double(latent[index])
                    hessian[index, index] -= 2 * weight
                }
            }
            return (gradient, hessian)
        }
    }
}
