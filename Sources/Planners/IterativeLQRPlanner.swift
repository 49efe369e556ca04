#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MBRLCore

/// Iterative LQR (Li and Todorov 2004) with the regularisation and line search of Tassa, Erez and
/// Todorov, "Synthesis and stabilization of complex behaviors through online trajectory
/// optimization", IROS 2012, and control bounds by the box QP of Tassa, Mansard and Todorov 2014.
/// It plans through a `LinearizableModel` (for example `ModelLinearization` of a dynamics model
/// and a reward function) and returns a nominal trajectory with feedback gains.
///
/// Working with the cost `c = -R` (the negated step reward), each iteration:
/// 1. expands the dynamics and reward around the nominal trajectory (`expand`);
/// 2. backward pass, from `V' = 0` after the last step:
///
///        Q_x  = c_x + Aᵀ V'_x              Q_u  = c_u + Bᵀ V'_x
///        Q_xx = c_xx + Aᵀ V'_xx A
///        Q_uu = c_uu + Bᵀ (V'_xx + mu I) B  Q_ux = c_ux + Bᵀ (V'_xx + mu I) A
///
///    then `k = argmin 1/2 kᵀ Q_uu k + Q_uᵀ k` inside the control bounds (box QP), and
///    `K = -Q_uu_ff^-1 Q_ux_f` on the free controls (zero rows for controls held at a bound);
///    a `Q_uu` that is not positive definite raises `mu` and restarts the pass;
/// 3. forward line search over `alpha = 10^(0 ... -3)`:
///    `u = clamp(û + alpha k + K (x - x̂))`, accepted when the actual cost reduction is a positive
///    fraction of the expected `-(alpha ΔV_1 + alpha² ΔV_2)`;
/// 4. lowers `mu` after a success, raises it after a failure (Tassa's schedule with factor
///    `regularizationFactor`), and stops on a small cost change, a small step, or `mu` beyond its
///    maximum.
///
/// As an MPC planner it replans every step warm-started from the previous controls shifted one
/// step (the last repeated). Without a warm start (the first step of an episode) it optimises
/// from three constant guesses, the middle, the lower and the upper bound, and keeps the best
/// (`coldStartGuesses`), since iLQR only finds the local optimum nearest its start. The plan carries the nominal controls `û` (`actions`), states
/// `x̂` (`nominalObservations`, `[H, obs]`) and gains `K_t` (`feedbackGains`, `[act, obs]` each,
/// from a final backward pass at the returned nominal), so `u = K (x - x̂) + û` tracks it.
/// `Plan.modelEvaluations` counts single transitions stepped plus points expanded.
///
/// ```swift
/// let linearization = try ModelLinearization(model: PendulumDynamicsModel(), actionSpace: actionSpace,
///                                            rewardFunction: PendulumRewardFunction())
/// var planner = try IterativeLQRPlanner(config: .init(horizon: 40), actionSpace: actionSpace)
/// try planner.checkCompatibility(with: linearization)
/// let plan = try planner.plan(from: observation, model: linearization, generator: &generator)
/// ```
public struct IterativeLQRPlanner: Planner {
    /// The settings.
    public let config: Config
    /// The actions plans are made of (a bounded box).
    public let actionSpace: Space
    let bounds: ActionBounds
    /// The previous controls shifted one step, `[H * A]` (nil after `reset()`).
    public private(set) var warmStart: [Float]?
    /// Iterations (accepted or not) the last plan ran.
    public private(set) var lastIterationCount = 0

    /// A planner for `actionSpace`; throws when the space is not a bounded box or the config is
    /// out of range.
    public init(config: Config = Config(), actionSpace: Space) throws {
        try config.validate()
        self.config = config
        self.actionSpace = actionSpace
        self.bounds = try ActionBounds(space: actionSpace, planner: "ilqr")
    }

    public var name: String { "ilqr" }
    public var requirements: PlanningCapabilities { .linearization }

    public mutating func plan(from observation: [Float], model: any PlanningModel,
                              generator: inout RandomGenerator) throws -> Plan {
        guard let linearizable = model as? any LinearizableModel, model.capabilities.contains(.linearization) else {
            throw MBRLError.incompatible(
                "planner \"\(name)\" needs dynamics Jacobians and reward derivatives, which \(type(of: model)) does not provide "
                    + "(it offers \(model.capabilities)); wrap the dynamics model and reward in ModelLinearization")
        }
        try SequencePlanning.checkActionSpace(of: model, matches: actionSpace, planner: name)
        try SequencePlanning.checkObservation(observation, planner: name)
        // The state the plan starts from: the observation, or a latent model's encoding of it.
        let start: [Float]
        do {
            start = try linearizable.initialState(for: observation)
        } catch let MBRLError.shapeMismatch(message) {
            throw MBRLError.shapeMismatch("planner \"\(name)\" \(message)")
        }
        let horizon = config.horizon, actionSize = bounds.size
        // A warm start when there is one; otherwise every cold-start guess, keeping the best.
        let guesses: [[Float]]
        if config.warmStart, let warmStart {
            guesses = [warmStart]
        } else if config.coldStartGuesses {
            guesses = [bounds.middle, bounds.lower, bounds.upper].map { Array([[Float]](repeating: $0, count: horizon).joined()) }
        } else {
            guesses = [bounds.tiledMiddle(horizon: horizon)]
        }
        var optimizer = Optimization(model: linearizable, config: config, bounds: bounds)
        var best: (trajectory: NominalTrajectory, gains: [DenseMatrix], iterations: Int)?
        for guess in guesses {
            let controls = (0..<horizon).map { Array(guess[$0 * actionSize ..< ($0 + 1) * actionSize]) }
            let candidate = try optimizer.run(from: start, controls: controls)
            if let incumbent = best, incumbent.trajectory.cost <= candidate.trajectory.cost { continue }
            best = candidate
        }
        guard let result = best else { throw MBRLError.invalidArgument("planner \"\(name)\" had no initial controls to optimise") }
        lastIterationCount = result.iterations

        let flat = result.trajectory.controls.flatMap { $0 }
        let lastControl = Array(flat[(flat.count - actionSize)...])
        warmStart = SequencePlanning.shifted(flat, actionSize: actionSize, fill: lastControl)
        let nominal = Matrix(rowArrays: Array(result.trajectory.states[0..<horizon]))
        return Plan(actions: SequencePlanning.actionMatrix(flat, actionSize: actionSize),
                    expectedReturn: Float(-result.trajectory.cost), modelEvaluations: optimizer.modelEvaluations,
                    nominalObservations: nominal, feedbackGains: result.gains.map(\.matrix))
    }

    /// Forgets the warm start.
    public mutating func reset() {
        warmStart = nil
        lastIterationCount = 0
    }
}

/// A nominal trajectory: states `x_0 ... x_H`, controls `u_0 ... u_{H-1}`, and its total cost.
struct NominalTrajectory {
    var states: [[Float]]
    var controls: [[Float]]
    var cost: Double
}

/// One plan's optimisation: rollouts, backward passes and the line search.
struct Optimization {
    let model: any LinearizableModel
    let config: IterativeLQRPlanner.Config
    let bounds: ActionBounds
    var modelEvaluations = 0

    init(model: any LinearizableModel, config: IterativeLQRPlanner.Config, bounds: ActionBounds) {
        self.model = model
        self.config = config
        self.bounds = bounds
    }

    /// The result of a backward pass.
    struct BackwardPass {
        var feedforward: [[Double]]
        var gains: [DenseMatrix]
        /// `ΔV_1 = sum kᵀ Q_u` and `ΔV_2 = sum 1/2 kᵀ Q_uu k`.
        var expectedLinear: Double
        var expectedQuadratic: Double
    }

    // MARK: Run

    mutating func run(from observation: [Float], controls initialControls: [[Float]]) throws
        -> (trajectory: NominalTrajectory, gains: [DenseMatrix], iterations: Int) {
        var trajectory = try rollout(from: observation, controls: initialControls.map { clampControl($0) })
        var regularization = Double(config.initialRegularization)
        var regularizationStep = 1.0
        var lastPass: BackwardPass?
        var iterations = 0
        let stepCount = config.lineSearchSteps
        let alphas: [Double] = (0..<stepCount).map { step in
            let exponent = stepCount == 1 ? 0.0 : -3.0 * Double(step) / Double(stepCount - 1)
            return pow(10.0, exponent)
        }
        iterationLoop: while iterations < config.maximumIterations {
            iterations += 1
            let expansions = try expand(trajectory)
            // MARK: Backward pass (raising the regularisation until it succeeds)
            var pass: BackwardPass?
            while pass == nil {
                pass = backwardPass(expansions: expansions, trajectory: trajectory, regularization: regularization,
                                    previous: lastPass)
                if pass == nil {
                    increase(&regularization, &regularizationStep)
                    if regularization > Double(config.maximumRegularization) { break iterationLoop }
                }
            }
            guard let pass else { break }
            lastPass = pass

            // Converged when the feedforward step is tiny against the controls.
            let relativeStep = Optimization.meanRelativeStep(pass.feedforward, controls: trajectory.controls)
            if relativeStep < Double(config.gradientTolerance) {
                decrease(&regularization, &regularizationStep)
                break
            }

            // MARK: Line search
            var accepted: NominalTrajectory?
            for alpha in alphas {
                let candidate = try rollout(from: observation, following: trajectory, pass: pass, alpha: alpha)
                let expected = -alpha * (pass.expectedLinear + alpha * pass.expectedQuadratic)
                let actual = trajectory.cost - candidate.cost
                let ratio = expected > 0 ? actual / expected : (actual > 0 ? 1 : -1)
                if ratio > Double(config.minimumReductionRatio) && candidate.cost.isFinite {
                    accepted = candidate
                    break
                }
            }
            if let accepted {
                decrease(&regularization, &regularizationStep)
                let improvement = trajectory.cost - accepted.cost
                trajectory = accepted
                if improvement < Double(config.costTolerance) { break }
            } else {
                increase(&regularization, &regularizationStep)
                if regularization > Double(config.maximumRegularization) { break }
            }
        }

        // MARK: Gains at the returned nominal
        var gains = lastPass?.gains ?? []
        if let final = backwardPass(expansions: try expand(trajectory), trajectory: trajectory,
                                    regularization: regularization, previous: lastPass) {
            gains = final.gains
        }
        if gains.count != trajectory.controls.count {
            gains = Array(repeating: DenseMatrix(rows: bounds.size, columns: model.observationSize), count: trajectory.controls.count)
        }
        return (trajectory, gains, iterations)
    }

    /// The mean over steps of the largest `|k| / (|u| + 1)` (Tassa's convergence measure).
    static func meanRelativeStep(_ feedforward: [[Double]], controls: [[Float]]) -> Double {
        var total = 0.0
        for (step, control) in zip(feedforward, controls) {
            var largest = 0.0
            for (entry, value) in zip(step, control) { largest = max(largest, abs(entry) / (abs(Double(value)) + 1)) }
            total += largest
        }
        return total / Double(max(1, feedforward.count))
    }

    // MARK: Regularisation schedule (Tassa et al. 2012, §II.F)

    func increase(_ regularization: inout Double, _ step: inout Double) {
        let factor = Double(config.regularizationFactor)
        step = max(factor, step * factor)
        regularization = max(Double(config.minimumRegularization), regularization * step)
    }

    func decrease(_ regularization: inout Double, _ step: inout Double) {
        let factor = Double(config.regularizationFactor)
        step = min(1 / factor, step / factor)
        let next = regularization * step
        regularization = next > Double(config.minimumRegularization) ? next : 0
    }

    // MARK: Rollouts

    func clampControl(_ control: [Float]) -> [Float] {
        (0..<control.count).map { min(max(control[$0], bounds.lower[$0]), bounds.upper[$0]) }
    }

    /// The trajectory of `controls` from `observation`.
    mutating func rollout(from observation: [Float], controls: [[Float]]) throws -> NominalTrajectory {
        var states = [observation]
        var cost = 0.0
        for control in controls {
            let (next, rewards) = try model.step(observations: Matrix(row: states[states.count - 1]), actions: Matrix(row: control))
            modelEvaluations += 1
            cost -= Double(rewards[0])
            states.append(next.row(0))
        }
        return NominalTrajectory(states: states, controls: controls, cost: cost.isFinite ? cost : .infinity)
    }

    /// The trajectory of the policy `u = clamp(û + alpha k + K (x - x̂))`.
    mutating func rollout(from observation: [Float], following nominal: NominalTrajectory, pass: BackwardPass,
                          alpha: Double) throws -> NominalTrajectory {
        var states = [observation]
        var controls: [[Float]] = []
        var cost = 0.0
        for time in 0..<nominal.controls.count {
            let state = states[time]
            let deviation = (0..<state.count).map { Double(state[$0]) - Double(nominal.states[time][$0]) }
            let feedback = pass.gains[time] * deviation
            let control = clampControl((0..<bounds.size).map {
                Float(Double(nominal.controls[time][$0]) + alpha * pass.feedforward[time][$0] + feedback[$0])
            })
            // A step or gain that overflowed (a model whose rollouts diverge) gives no candidate:
            // clamping would not catch a NaN, and a model may map one to a finite reward.
            if control.contains(where: { !$0.isFinite }) {
                return NominalTrajectory(states: states, controls: controls, cost: .infinity)
            }
            let (next, rewards) = try model.step(observations: Matrix(row: state), actions: Matrix(row: control))
            modelEvaluations += 1
            cost -= Double(rewards[0])
            if !cost.isFinite { return NominalTrajectory(states: states, controls: controls, cost: .infinity) }
            controls.append(control)
            states.append(next.row(0))
        }
        return NominalTrajectory(states: states, controls: controls, cost: cost)
    }

    mutating func expand(_ trajectory: NominalTrajectory) throws -> [LocalExpansion] {
        let horizon = trajectory.controls.count
        let expansions = try model.expand(observations: Matrix(rowArrays: Array(trajectory.states[0..<horizon])),
                                          actions: Matrix(rowArrays: trajectory.controls))
        modelEvaluations += horizon
        guard expansions.count == horizon else {
            throw MBRLError.shapeMismatch("the model expanded \(expansions.count) points for a horizon of \(horizon)")
        }
        return expansions
    }

    // MARK: Backward pass

    /// The gains and feedforward steps, or nil when a `Q_uu` is not positive definite.
    func backwardPass(expansions: [LocalExpansion], trajectory: NominalTrajectory, regularization: Double,
                      previous: BackwardPass?) -> BackwardPass? {
        let horizon = expansions.count
        let stateSize = model.observationSize, actionSize = bounds.size
        var valueGradient = [Double](repeating: 0, count: stateSize)
        var valueHessian = DenseMatrix(rows: stateSize, columns: stateSize)
        var feedforward = [[Double]](repeating: [], count: horizon)
        var gains = [DenseMatrix](repeating: DenseMatrix(rows: actionSize, columns: stateSize), count: horizon)
        var expectedLinear = 0.0, expectedQuadratic = 0.0
        let regularizer = DenseMatrix.identity(stateSize)
        for time in stride(from: horizon - 1, through: 0, by: -1) {
            let expansion = expansions[time]
            let a = DenseMatrix(expansion.stateJacobian), b = DenseMatrix(expansion.actionJacobian)
            let aT = a.transposed, bT = b.transposed
            // Costs are negated rewards.
            let costX = expansion.rewardStateGradient.map { -Double($0) }
            let costU = expansion.rewardActionGradient.map { -Double($0) }
            let costXX = -DenseMatrix(expansion.rewardStateHessian)
            let costUX = -DenseMatrix(expansion.rewardActionStateHessian)
            let costUU = -DenseMatrix(expansion.rewardActionHessian)

            let qX = zip(costX, aT * valueGradient).map(+)
            let qU = zip(costU, bT * valueGradient).map(+)
            let qXX = (costXX + aT * valueHessian * a).symmetrized
            let qUU = (costUU + bT * valueHessian * b).symmetrized
            let qUX = costUX + bT * valueHessian * a
            var regularizedValueHessian = valueHessian
            for index in 0..<stateSize { regularizedValueHessian[index, index] += regularization * regularizer[index, index] }
            let qUURegularized = (costUU + bT * regularizedValueHessian * b).symmetrized
            let qUXRegularized = costUX + bT * regularizedValueHessian * a
            guard qUURegularized.values.allSatisfy(\.isFinite), qU.allSatisfy(\.isFinite) else { return nil }

            // Control step inside the bounds: lower - u <= k <= upper - u.
            let control = trajectory.controls[time]
            let lower = (0..<actionSize).map { Double(bounds.lower[$0]) - Double(control[$0]) }
            let upper = (0..<actionSize).map { Double(bounds.upper[$0]) - Double(control[$0]) }
            let start = previous.map { $0.feedforward[min(time + 1, horizon - 1)] } ?? [Double](repeating: 0, count: actionSize)
            guard let program = BoxQuadraticProgram.solve(hessian: qUURegularized, gradient: qU, lower: lower, upper: upper,
                                                           start: start.count == actionSize ? start : [Double](repeating: 0, count: actionSize))
            else { return nil }
            let k = program.solution
            var gain = DenseMatrix(rows: actionSize, columns: stateSize)
            let freeIndices = (0..<actionSize).filter { program.free[$0] }
            if let factor = program.freeFactor, !freeIndices.isEmpty {
                let freeGain = factor.choleskySolve(qUXRegularized.selecting(rows: freeIndices, columns: Array(0..<stateSize)))
                for (position, index) in freeIndices.enumerated() {
                    for column in 0..<stateSize { gain[index, column] = -freeGain[position, column] }
                }
            }

            expectedLinear += dot(k, qU)
            expectedQuadratic += 0.5 * dot(k, qUU * k)
            let gainT = gain.transposed
            let qUXT = qUX.transposed
            let curvatureTerm: [Double] = gainT * (qUU * k)
            let gradientTerm: [Double] = gainT * qU
            let couplingTerm: [Double] = qUXT * k
            var newValueGradient = qX
            for index in 0..<stateSize { newValueGradient[index] += curvatureTerm[index] + gradientTerm[index] + couplingTerm[index] }
            valueGradient = newValueGradient
            valueHessian = (qXX + gainT * qUU * gain + gainT * qUX + qUXT * gain).symmetrized
            feedforward[time] = k
            gains[time] = gain
        }
        return BackwardPass(feedforward: feedforward, gains: gains, expectedLinear: expectedLinear, expectedQuadratic: expectedQuadratic)
    }
}
