import Envs
import Foundation
import MBRLCore
import Models
import Planners
import Testing

/// `s' = A s + B a`, differentiable.
struct LinearDynamics: DifferentiableDynamicsModel {
    var stateMatrix: [[Double]]   // A [n, n]
    var actionMatrix: [[Double]]  // B [n, m]
    var observationSize: Int { stateMatrix.count }
    var actionSize: Int { actionMatrix[0].count }

    func predict(observations: Matrix, actions: Matrix, generator: inout RandomGenerator) throws -> ModelPrediction {
        ModelPrediction(nextObservations: try predictWithPullback(observations: observations, actions: actions).nextObservations)
    }

    func predictWithPullback(observations: Matrix, actions: Matrix) throws
        -> (nextObservations: Matrix, pullback: @Sendable (Matrix) throws -> InputGradients) {
        try validateInputs(observations: observations, actions: actions)
        let a = stateMatrix, b = actionMatrix, n = observationSize, m = actionSize
        var next = Matrix(rows: observations.rows, columns: n)
        for row in 0..<observations.rows {
            for i in 0..<n {
                var total = 0.0
                for j in 0..<n { total += a[i][j] * Double(observations[row, j]) }
                for j in 0..<m { total += b[i][j] * Double(actions[row, j]) }
                next[row, i] = Float(total)
            }
        }
        return (next, { upstream in
            var stateGradients = Matrix(rows: upstream.rows, columns: n)
            var actionGradients = Matrix(rows: upstream.rows, columns: m)
            for row in 0..<upstream.rows {
                for i in 0..<n {
                    for j in 0..<n { stateGradients[row, j] += Float(a[i][j]) * upstream[row, i] }
                    for j in 0..<m { actionGradients[row, j] += Float(b[i][j]) * upstream[row, i] }
                }
            }
            return InputGradients(observations: stateGradients, actions: actionGradients)
        })
    }
}

/// The same dynamics without gradients (iLQR falls back to finite differences).
struct OpaqueLinearDynamics: DynamicsModel {
    var inner: LinearDynamics
    var observationSize: Int { inner.observationSize }
    var actionSize: Int { inner.actionSize }
    func predict(observations: Matrix, actions: Matrix, generator: inout RandomGenerator) throws -> ModelPrediction {
        try inner.predict(observations: observations, actions: actions, generator: &generator)
    }
}

/// `r = -(sᵀ Q s + aᵀ R a)` with diagonal `Q` and `R`, on the state before the step.
struct DiagonalQuadraticReward: DifferentiableRewardFunction {
    var stateWeights: [Float]
    var actionWeights: [Float]
    func rewards(observations: Matrix, actions: Matrix, nextObservations: Matrix) -> [Float] {
        (0..<observations.rows).map { row in
            var total: Float = 0
            for (j, weight) in stateWeights.enumerated() { total -= weight * observations[row, j] * observations[row, j] }
            for (j, weight) in actionWeights.enumerated() { total -= weight * actions[row, j] * actions[row, j] }
            return total
        }
    }
    func rewardGradients(observations: Matrix, actions: Matrix, nextObservations: Matrix) -> RewardGradients {
        var states = Matrix(rows: observations.rows, columns: observations.columns)
        var controls = Matrix(rows: actions.rows, columns: actions.columns)
        for row in 0..<observations.rows {
            for (j, weight) in stateWeights.enumerated() { states[row, j] = -2 * weight * observations[row, j] }
            for (j, weight) in actionWeights.enumerated() { controls[row, j] = -2 * weight * actions[row, j] }
        }
        return RewardGradients(observations: states, actions: controls,
                               nextObservations: Matrix(rows: nextObservations.rows, columns: nextObservations.columns))
    }
}

/// The finite-horizon LQR solution by the Riccati recursion, for a 2-D state and 1-D action:
/// gains `K_t` (`u = K_t x`) and the optimal controls from `start`.
func riccatiSolution(a: [[Double]], b: [Double], q: [Double], r: Double, horizon: Int, start: [Double])
    -> (gains: [[Double]], controls: [Double]) {
    var p = [[0.0, 0.0], [0.0, 0.0]]
    var gains = [[Double]](repeating: [0, 0], count: horizon)
    for t in stride(from: horizon - 1, through: 0, by: -1) {
        let pb = [p[0][0] * b[0] + p[0][1] * b[1], p[1][0] * b[0] + p[1][1] * b[1]]
        let quu = r + b[0] * pb[0] + b[1] * pb[1]
        let qux = [pb[0] * a[0][0] + pb[1] * a[1][0], pb[0] * a[0][1] + pb[1] * a[1][1]]  // Bᵀ P A
        let k = [-qux[0] / quu, -qux[1] / quu]
        gains[t] = k
        // P = Q + Aᵀ P A - Quxᵀ Quu⁻¹ Qux.
        var next = [[q[0], 0.0], [0.0, q[1]]]
        for i in 0..<2 {
            for j in 0..<2 {
                var apa = 0.0
                for u in 0..<2 { for v in 0..<2 { apa += a[u][i] * p[u][v] * a[v][j] } }
                next[i][j] += apa - qux[i] * qux[j] / quu
            }
        }
        p = next
    }
    var x = start
    var controls: [Double] = []
    for t in 0..<horizon {
        let u = gains[t][0] * x[0] + gains[t][1] * x[1]
        controls.append(u)
        x = [a[0][0] * x[0] + a[0][1] * x[1] + b[0] * u, a[1][0] * x[0] + a[1][1] * x[1] + b[1] * u]
    }
    return (gains, controls)
}

@Suite struct IterativeLQRTests {
    let a = [[1.0, 0.1], [0.0, 1.0]]
    let b = [0.005, 0.1]
    let wideBox = Space.box(Box(lowerBound: -1000, upperBound: 1000, size: 1))
    var dynamics: LinearDynamics { LinearDynamics(stateMatrix: a, actionMatrix: [[b[0]], [b[1]]]) }
    let reward = DiagonalQuadraticReward(stateWeights: [1, 0.1], actionWeights: [0.01])

    @Test func matchesTheRiccatiSolutionOnALinearQuadraticProblem() throws {
        let horizon = 20
        let expected = riccatiSolution(a: a, b: b, q: [1, 0.1], r: 0.01, horizon: horizon, start: [1, 0])
        let linearization = try ModelLinearization(model: dynamics, actionSpace: wideBox, rewardFunction: reward)
        // Without regularisation one Newton step solves a linear-quadratic problem exactly.
        var planner = try IterativeLQRPlanner(config: .init(horizon: horizon, maximumIterations: 5, initialRegularization: 0),
                                              actionSpace: wideBox)
        var generator = RandomGenerator(seed: 0)
        let plan = try planner.plan(from: [1, 0], model: linearization, generator: &generator)
        #expect(largestDifference(plan.actions.values, expected.controls.map(Float.init)) < 2e-3 * Float(expected.controls.map(abs).max() ?? 1))
        let gains = try #require(plan.feedbackGains)
        #expect(gains.count == horizon)
        for t in 0..<horizon {
            #expect(largestDifference(gains[t].values, expected.gains[t].map(Float.init)) < 1e-2 * max(1, abs(Float(expected.gains[t][0]))),
                    "step \(t): \(gains[t].values) vs \(expected.gains[t])")
        }
        let nominal = try #require(plan.nominalObservations)
        #expect(nominal.shape == (horizon, 2))
        #expect(nominal.row(0) == [1, 0])
        #expect(planner.lastIterationCount <= 3)
        // With Tassa's default regularisation it converges to the same controls.
        var regularized = try IterativeLQRPlanner(config: .init(horizon: horizon, maximumIterations: 100), actionSpace: wideBox)
        let regularizedPlan = try regularized.plan(from: [1, 0], model: linearization, generator: &generator)
        #expect(largestDifference(regularizedPlan.actions.values, plan.actions.values) < 1e-2)
    }

    @Test func finiteDifferencesStandInForModelGradients() throws {
        let opaque = try ModelLinearization(model: OpaqueLinearDynamics(inner: dynamics), actionSpace: wideBox, rewardFunction: reward)
        let exact = try ModelLinearization(model: dynamics, actionSpace: wideBox, rewardFunction: reward)
        #expect(!opaque.usesModelGradients && exact.usesModelGradients)
        let points = Matrix(rowArrays: [[0.5, -0.3], [2, 1]]), controls = Matrix(rowArrays: [[0.7], [-3]])
        let numeric = try opaque.expand(observations: points, actions: controls)
        let analytic = try exact.expand(observations: points, actions: controls)
        for (n, e) in zip(numeric, analytic) {
            #expect(largestDifference(n.stateJacobian.values, e.stateJacobian.values) < 1e-3)
            #expect(largestDifference(n.actionJacobian.values, e.actionJacobian.values) < 1e-3)
            #expect(largestDifference(n.rewardStateGradient, e.rewardStateGradient) < 1e-4)
            #expect(largestDifference(n.rewardActionHessian.values, [-0.02]) < 1e-3)
        }
        var planner = try IterativeLQRPlanner(config: .init(horizon: 10, initialRegularization: 0), actionSpace: wideBox)
        var generator = RandomGenerator(seed: 0)
        let expected = riccatiSolution(a: a, b: b, q: [1, 0.1], r: 0.01, horizon: 10, start: [1, 0])
        let plan = try planner.plan(from: [1, 0], model: opaque, generator: &generator)
        #expect(largestDifference(plan.actions.values, expected.controls.map(Float.init)) < 0.1)
    }

    @Test func expandsThePendulumRewardThroughTheDynamics() throws {
        let actions = Pendulum().actionSpace
        let linearization = try ModelLinearization(model: PendulumDynamicsModel(), actionSpace: actions,
                                                   rewardFunction: PendulumRewardFunction(), config: .init(projectHessian: false))
        let state: [Float] = [Float(cos(0.4)), Float(sin(0.4)), 0.3], control: [Float] = [0.5]
        let expansion = try linearization.expand(observations: Matrix(row: state), actions: Matrix(row: control))[0]
        // The total reward's derivative with respect to the action, by central differences.
        func reward(_ action: Float) throws -> Float {
            try linearization.step(observations: Matrix(row: state), actions: Matrix(row: [action])).rewards[0]
        }
        let numeric = (try reward(0.51) - reward(0.49)) / 0.02
        #expect(abs(expansion.rewardActionGradient[0] - numeric) < 1e-3)
        #expect(abs(expansion.rewardActionHessian[0, 0] + 0.002) < 1e-3)
        // With projection every eigenvalue of the (s, a) Hessian is at most 0.
        let projected = try ModelLinearization(model: PendulumDynamicsModel(), actionSpace: actions, rewardFunction: PendulumRewardFunction())
        let clipped = try projected.expand(observations: Matrix(row: [-0.99, 0.141, 1]), actions: Matrix(row: [2]))[0]
        for index in 0..<3 { #expect(clipped.rewardStateHessian[index, index] <= 1e-6) }
        #expect(clipped.rewardActionHessian[0, 0] <= 1e-6)
    }

    @Test func respectsControlBounds() throws {
        let narrow = Space.box(Box(lowerBound: -0.5, upperBound: 0.5, size: 1))
        let linearization = try ModelLinearization(model: dynamics, actionSpace: narrow, rewardFunction: reward)
        var planner = try IterativeLQRPlanner(config: .init(horizon: 20, maximumIterations: 50), actionSpace: narrow)
        var generator = RandomGenerator(seed: 0)
        let plan = try planner.plan(from: [1, 0], model: linearization, generator: &generator)
        #expect(plan.actions.values.allSatisfy { $0 >= -0.5 && $0 <= 0.5 })
        // The unconstrained LQR pushes harder than the bound at first; the plan holds the bound there,
        // with no feedback on a control pinned at its bound.
        #expect(plan.actions[0, 0] == -0.5)
        let gains = try #require(plan.feedbackGains)
        #expect(gains[0].values == [0, 0])
        // And it beats simply clamping the unconstrained solution.
        let lqr = riccatiSolution(a: a, b: b, q: [1, 0.1], r: 0.01, horizon: 20, start: [1, 0])
        var clamped = Matrix(rows: 20, columns: 1)
        for t in 0..<20 { clamped[t, 0] = Float(min(max(lqr.controls[t], -0.5), 0.5)) }
        func cost(_ controls: Matrix) throws -> Float {
            var state: [Float] = [1, 0], total: Float = 0
            for t in 0..<20 {
                let step = try linearization.step(observations: Matrix(row: state), actions: Matrix(row: controls.row(t)))
                total -= step.rewards[0]
                state = step.nextObservations.row(0)
            }
            return total
        }
        #expect(try cost(plan.actions) <= cost(clamped) + 1e-4)
    }

    @Test func keepsThePendulumUpright() throws {
        let actions = Pendulum().actionSpace
        let linearization = try ModelLinearization(model: PendulumDynamicsModel(), actionSpace: actions, rewardFunction: PendulumRewardFunction())
        var planner = try IterativeLQRPlanner(config: .init(horizon: 20, maximumIterations: 5), actionSpace: actions)
        let result = try PendulumHarness.run(&planner, model: linearization, theta: 0.2, thetaDot: 0, steps: 40)
        let random = try PendulumHarness.randomReturn(theta: 0.2, thetaDot: 0, steps: 40)
        #expect(abs(result.finalAngle) < 0.05)
        #expect(result.totalReward > random + 20)
    }

    @Test func refusesModelsWithoutALinearization() throws {
        let actions = Pendulum().actionSpace
        var planner = try IterativeLQRPlanner(actionSpace: actions)
        let perfect = try PerfectModel(environment: Pendulum())
        #expect(throws: MBRLError.self) { try planner.checkCompatibility(with: perfect) }
        var generator = RandomGenerator(seed: 0)
        #expect(throws: MBRLError.self) { try planner.plan(from: [1, 0, 0], model: perfect, generator: &generator) }
        let linearization = try ModelLinearization(model: PendulumDynamicsModel(), actionSpace: actions, rewardFunction: PendulumRewardFunction())
        try planner.checkCompatibility(with: linearization)
        #expect(throws: MBRLError.self) { try planner.plan(from: [1, 0], model: linearization, generator: &generator) }
    }

    @Test func decodesStrictly() throws {
        let decoded = try JSONDecoder().decode(IterativeLQRPlanner.Config.self, from: Data(#"{"horizon": 50, "maximumIterations": 3, "coldStartGuesses": false}"#.utf8))
        #expect(decoded == IterativeLQRPlanner.Config(horizon: 50, maximumIterations: 3, coldStartGuesses: false))
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(IterativeLQRPlanner.Config.self, from: Data(#"{"lambdaInit": 1}"#.utf8))
        }
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(IterativeLQRPlanner.Config.self, from: Data(#"{"regularizationFactor": 1}"#.utf8))
        }
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(ModelLinearizationConfig.self, from: Data(#"{"step": 0.1}"#.utf8))
        }
    }
}
