import MBRLCore

/// A `LinearizableModel` built from a dynamics model and a reward function, for iLQR.
///
/// - Dynamics Jacobians come from the model's pullbacks when it is a
///   `DifferentiableDynamicsModel` (one batched pullback for every row), otherwise from central
///   finite differences of `predict` (deterministic models only: a stochastic model is called
///   with a fixed seed, so its differences mix in noise).
/// - Reward gradients with respect to `(s, a, s')` come from a `DifferentiableRewardFunction`,
///   otherwise from central finite differences of the rewards.
/// - Reward Hessians are central finite differences of those gradients, symmetrised, and then
///   chained through the dynamics in the Gauss-Newton way (the second derivatives of the
///   dynamics are dropped, which is what makes the method iLQR rather than DDP):
///   `H = Jᵀ H_r J` with `J = [[I, 0], [0, I], [A, B]]` mapping `(ds, da)` to `(ds, da, ds')`.
///   With `projectHessian` (default) the `(s, a)` Hessian is then made negative semidefinite by
///   clipping its positive eigenvalues to zero, so iLQR's cost is locally convex even where the
///   reward is not (the pendulum's angle cost `atan2(sin, cos)^2`, for example).
///
/// Differences that would step an action outside its bounds are taken one-sided inside them,
/// so a control resting on a bound (where a clip sits) gets the derivative from inside the box.
///
/// ```swift
/// let linearization = try ModelLinearization(model: PendulumDynamicsModel(), actionSpace: pendulum.actionSpace,
///                                            rewardFunction: PendulumRewardFunction())
/// var planner = try IterativeLQRPlanner(config: .init(horizon: 30), actionSpace: pendulum.actionSpace)
/// try planner.checkCompatibility(with: linearization)
/// ```
public struct ModelLinearization<Model: DynamicsModel>: LinearizableModel {
    /// Settings of the expansion.
    public typealias Config = ModelLinearizationConfig

    /// The dynamics.
    public let model: Model
    /// The actions plans are made of.
    public let actionSpace: Space
    /// The reward of a transition.
    public let rewardFunction: any RewardFunction
    /// Expansion settings.
    public let config: Config

    /// A linearisation of `model` with `rewardFunction`; throws when the sizes disagree or the
    /// finite-difference step is not positive.
    public init(model: Model, actionSpace: Space, rewardFunction: any RewardFunction, config: Config = Config()) throws {
        guard model.actionSize == actionSpace.flatSize else {
            throw MBRLError.shapeMismatch(
                "the model takes actions of \(model.actionSize) entries but the action space has \(actionSpace.flatSize)")
        }
        guard config.finiteDifferenceStep > 0 && config.finiteDifferenceStep.isFinite else {
            throw MBRLError.invalidArgument("finiteDifferenceStep must be positive, got \(config.finiteDifferenceStep)")
        }
        self.model = model
        self.actionSpace = actionSpace
        self.rewardFunction = rewardFunction
        self.config = config
    }

    public var observationSize: Int { model.observationSize }
    public var capabilities: PlanningCapabilities { .linearization }

    /// Whether the Jacobians come from the model's pullbacks (true) or finite differences.
    public var usesModelGradients: Bool { model is any DifferentiableDynamicsModel }

    // MARK: - Stepping

    public func step(observations: Matrix, actions: Matrix) throws -> (nextObservations: Matrix, rewards: [Float]) {
        try model.validateInputs(observations: observations, actions: actions)
        let next = try predictMean(observations: observations, actions: actions)
        return (next, rewardFunction.rewards(observations: observations, actions: actions, nextObservations: next))
    }

    func predictMean(observations: Matrix, actions: Matrix) throws -> Matrix {
        if let differentiable = model as? any DifferentiableDynamicsModel {
            return try differentiable.predictWithPullback(observations: observations, actions: actions).nextObservations
        }
        var generator = RandomGenerator(seed: 0)
        return try model.predict(observations: observations, actions: actions, generator: &generator).nextObservations
    }

    // MARK: - Expansion

    public func expand(observations: Matrix, actions: Matrix) throws -> [LocalExpansion] {
        try model.validateInputs(observations: observations, actions: actions)
        let rows = observations.rows, stateSize = observations.columns, actionSize = actions.columns
        let next = try predictMean(observations: observations, actions: actions)
        let (stateJacobians, actionJacobians) = try dynamicsJacobians(observations: observations, actions: actions)
        let (gradients, hessians) = rewardDerivatives(observations: observations, actions: actions, nextObservations: next)
        let inputSize = 2 * stateSize + actionSize
        return (0..<rows).map { row -> LocalExpansion in
            let a = stateJacobians[row], b = actionJacobians[row]
            // J maps (ds, da) to (ds, da, ds'): [inputSize, stateSize + actionSize].
            var chain = DenseMatrix(rows: inputSize, columns: stateSize + actionSize)
            for index in 0..<(stateSize + actionSize) { chain[index, index] = 1 }
            for output in 0..<stateSize {
                for column in 0..<stateSize { chain[stateSize + actionSize + output, column] = a[output, column] }
                for column in 0..<actionSize { chain[stateSize + actionSize + output, stateSize + column] = b[output, column] }
            }
            let gradient = chain.transposed * gradients[row]
            var hessian = (chain.transposed * hessians[row] * chain).symmetrized
            if config.projectHessian { hessian = hessian.clippingEigenvalues(above: 0) }
            let stateIndices = Array(0..<stateSize), actionIndices = Array(stateSize..<(stateSize + actionSize))
            return LocalExpansion(
                stateJacobian: a.matrix, actionJacobian: b.matrix,
                rewardStateGradient: stateIndices.map { Float(gradient[$0]) },
                rewardActionGradient: actionIndices.map { Float(gradient[$0]) },
                rewardStateHessian: hessian.selecting(rows: stateIndices, columns: stateIndices).matrix,
                rewardActionStateHessian: hessian.selecting(rows: actionIndices, columns: stateIndices).matrix,
                rewardActionHessian: hessian.selecting(rows: actionIndices, columns: actionIndices).matrix)
        }
    }

    /// `A` `[obs, obs]` and `B` `[obs, act]` for every row.
    func dynamicsJacobians(observations: Matrix, actions: Matrix) throws -> (states: [DenseMatrix], actions: [DenseMatrix]) {
        let rows = observations.rows, stateSize = observations.columns, actionSize = actions.columns
        if let differentiable = model as? any DifferentiableDynamicsModel {
            let jacobians = try differentiable.predictionJacobians(observations: observations, actions: actions)
            return (jacobians.states, jacobians.actions)
        }
        // Central differences, every perturbation of every row in one batch.
        let inputSize = stateSize + actionSize
        let perturbed = perturbations(observations: observations, actions: actions, includeNext: nil)
        let outputs = try predictMean(observations: perturbed.observations, actions: perturbed.actions)
        var states = [DenseMatrix](repeating: DenseMatrix(rows: stateSize, columns: stateSize), count: rows)
        var actionMatrices = [DenseMatrix](repeating: DenseMatrix(rows: stateSize, columns: actionSize), count: rows)
        for row in 0..<rows {
            for input in 0..<inputSize {
                let plusRow = (row * inputSize + input) * 2, minusRow = plusRow + 1
                let width = Double(perturbed.widths[row * inputSize + input])
                for output in 0..<stateSize {
                    let derivative = (Double(outputs[plusRow, output]) - Double(outputs[minusRow, output])) / width
                    if input < stateSize { states[row][output, input] = derivative } else { actionMatrices[row][output, input - stateSize] = derivative }
                }
            }
        }
        return (states, actionMatrices)
    }

    /// For every row: the reward's gradient with respect to `(s, a, s')` and its Hessian.
    func rewardDerivatives(observations: Matrix, actions: Matrix, nextObservations: Matrix) -> (gradients: [[Double]], hessians: [DenseMatrix]) {
        let rows = observations.rows, stateSize = observations.columns, actionSize = actions.columns
        let inputSize = 2 * stateSize + actionSize
        let gradients = rewardGradients(observations: observations, actions: actions, nextObservations: nextObservations)
        // Hessian: central differences of the gradient, every perturbation in one batch.
        let perturbed = perturbations(observations: observations, actions: actions, includeNext: nextObservations)
        let perturbedGradients = rewardGradients(observations: perturbed.observations, actions: perturbed.actions,
                                                 nextObservations: perturbed.nextObservations)
        var hessians: [DenseMatrix] = []
        for row in 0..<rows {
            var hessian = DenseMatrix(rows: inputSize, columns: inputSize)
            for input in 0..<inputSize {
                let plusRow = (row * inputSize + input) * 2, minusRow = plusRow + 1
                let width = Double(perturbed.widths[row * inputSize + input])
                for output in 0..<inputSize {
                    hessian[output, input] = (perturbedGradients[plusRow][output] - perturbedGradients[minusRow][output]) / width
                }
            }
            hessians.append(hessian.symmetrized)
        }
        return (gradients, hessians)
    }

    /// The reward's gradient with respect to `(s, a, s')` for every row, `[B][2 obs + act]`.
    func rewardGradients(observations: Matrix, actions: Matrix, nextObservations: Matrix) -> [[Double]] {
        let rows = observations.rows, stateSize = observations.columns, actionSize = actions.columns
        if let differentiable = rewardFunction as? any DifferentiableRewardFunction {
            let gradients = differentiable.rewardGradients(observations: observations, actions: actions, nextObservations: nextObservations)
            return (0..<rows).map { row in
                (gradients.observations.row(row) + gradients.actions.row(row) + gradients.nextObservations.row(row)).map(Double.init)
            }
        }
        let inputSize = 2 * stateSize + actionSize
        let perturbed = perturbations(observations: observations, actions: actions, includeNext: nextObservations)
        let rewards = rewardFunction.rewards(observations: perturbed.observations, actions: perturbed.actions,
                                             nextObservations: perturbed.nextObservations)
        return (0..<rows).map { row in
            (0..<inputSize).map { input in
                let plusRow = (row * inputSize + input) * 2
                return (Double(rewards[plusRow]) - Double(rewards[plusRow + 1])) / Double(perturbed.widths[row * inputSize + input])
            }
        }
    }

    /// Every row perturbed up and down along every input (`s`, `a`, and `s'` when given):
    /// rows `(row * inputs + input) * 2` (+) and `+ 1` (-), with the distance between them.
    /// Action perturbations stay inside the action bounds (one-sided at a bound).
    func perturbations(observations: Matrix, actions: Matrix, includeNext next: Matrix?)
        -> (observations: Matrix, actions: Matrix, nextObservations: Matrix, widths: [Float]) {
        let rows = observations.rows, stateSize = observations.columns, actionSize = actions.columns
        let inputSize = stateSize + actionSize + (next == nil ? 0 : stateSize)
        let step = config.finiteDifferenceStep
        let box = actionSpace.box
        var outObservations = Matrix(rows: rows * inputSize * 2, columns: stateSize)
        var outActions = Matrix(rows: rows * inputSize * 2, columns: actionSize)
        var outNext = Matrix(rows: rows * inputSize * 2, columns: next?.columns ?? 0)
        var widths = [Float](repeating: 0, count: rows * inputSize)
        for row in 0..<rows {
            let state = observations.row(row), action = actions.row(row), nextState = next?.row(row) ?? []
            for input in 0..<inputSize {
                var plusState = state, minusState = state, plusAction = action, minusAction = action
                var plusNext = nextState, minusNext = nextState
                var width = 2 * step
                if input < stateSize {
                    plusState[input] += step; minusState[input] -= step
                } else if input < stateSize + actionSize {
                    let column = input - stateSize
                    var high = action[column] + step, low = action[column] - step
                    if let box {
                        high = min(high, box.upperBound[column]); low = max(low, box.lowerBound[column])
                        if high <= low { high = action[column] + step; low = action[column] - step }
                    }
                    plusAction[column] = high; minusAction[column] = low
                    width = high - low
                } else {
                    plusNext[input - stateSize - actionSize] += step
                    minusNext[input - stateSize - actionSize] -= step
                }
                let base = (row * inputSize + input) * 2
                outObservations.setRow(base, to: plusState); outObservations.setRow(base + 1, to: minusState)
                outActions.setRow(base, to: plusAction); outActions.setRow(base + 1, to: minusAction)
                if next != nil {
                    outNext.setRow(base, to: plusNext); outNext.setRow(base + 1, to: minusNext)
                }
                widths[row * inputSize + input] = width
            }
        }
        return (outObservations, outActions, outNext, widths)
    }
}
