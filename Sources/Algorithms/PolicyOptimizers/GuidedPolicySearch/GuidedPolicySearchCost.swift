import MBRLCore
import Planners

/// Guided policy search's cost from an environment's differentiable reward:
/// `c(x, u) = -reward(x, u, x) + w/2 |u|^2`, the reward evaluated with the state as both the
/// observation and the next observation (a cost on the state reached, as gps's `CostState`),
/// with its gradient from the reward's gradients and its Hessian by central finite differences
/// of that gradient (symmetrised), all batched over every sample and step.
///
/// ```swift
/// let cost = GuidedPolicySearchCost(rewardFunction: PointMassRewardFunction(), actionCostWeight: 0.01, hessianStep: 1e-3)
/// let (quadratic, values) = cost.expand(observations: states, actions: actions)
/// ```
public struct GuidedPolicySearchCost {
    /// The reward.
    public var rewardFunction: any DifferentiableRewardFunction
    /// `w`.
    public var actionCostWeight: Double
    /// The finite-difference step.
    public var hessianStep: Double

    public init(rewardFunction: any DifferentiableRewardFunction, actionCostWeight: Double, hessianStep: Double) {
        self.rewardFunction = rewardFunction
        self.actionCostWeight = actionCostWeight
        self.hessianStep = hessianStep
    }

    /// Costs of rows `[B]`.
    public func values(observations: Matrix, actions: Matrix) -> [Double] {
        let rewards = rewardFunction.rewards(observations: observations, actions: actions, nextObservations: observations)
        return (0..<observations.rows).map { row in
            var penalty = 0.0
            for column in 0..<actions.columns { penalty += Double(actions[row, column]) * Double(actions[row, column]) }
            return -Double(rewards[row]) + 0.5 * actionCostWeight * penalty
        }
    }

    /// Gradients `[B][O + A]`.
    public func gradients(observations: Matrix, actions: Matrix) -> [[Double]] {
        let gradients = rewardFunction.rewardGradients(observations: observations, actions: actions, nextObservations: observations)
        return (0..<observations.rows).map { row in
            let state = (0..<observations.columns).map {
                -Double(gradients.observations[row, $0]) - Double(gradients.nextObservations[row, $0])
            }
            let action = (0..<actions.columns).map {
                -Double(gradients.actions[row, $0]) + actionCostWeight * Double(actions[row, $0])
            }
            return state + action
        }
    }

    /// The averaged quadratic expansion around the samples `[N][T][O]`, `[N][T][A]`, and the
    /// cost of every sample's every step `[N][T]`.
    public func expand(observations: [[[Double]]], actions: [[[Double]]]) -> (QuadraticCost, [[Double]]) {
        let count = observations.count, horizon = observations[0].count
        let stateSize = observations[0][0].count, actionSize = actions[0][0].count, size = stateSize + actionSize
        let stateRows = observations.flatMap { $0.map { $0.map(Float.init) } }
        let actionRows = actions.flatMap { $0.map { $0.map(Float.init) } }
        let stateMatrix = Matrix(rowArrays: stateRows), actionMatrix = Matrix(rowArrays: actionRows)
        let flatValues = values(observations: stateMatrix, actions: actionMatrix)
        let flatGradients = gradients(observations: stateMatrix, actions: actionMatrix)
        var hessians = [DenseMatrix](repeating: DenseMatrix(rows: size, columns: size), count: stateRows.count)
        let step = Float(hessianStep)
        for column in 0..<size {
            var plusStates = stateMatrix, minusStates = stateMatrix, plusActions = actionMatrix, minusActions = actionMatrix
            for row in 0..<stateRows.count {
                if column < stateSize {
                    plusStates[row, column] += step; minusStates[row, column] -= step
                } else {
                    plusActions[row, column - stateSize] += step; minusActions[row, column - stateSize] -= step
                }
            }
            // The perturbation actually represented in Float.
            let plus = gradients(observations: plusStates, actions: plusActions)
            let minus = gradients(observations: minusStates, actions: minusActions)
            for row in 0..<stateRows.count {
                let width = column < stateSize
                    ? Double(plusStates[row, column]) - Double(minusStates[row, column])
                    : Double(plusActions[row, column - stateSize]) - Double(minusActions[row, column - stateSize])
                guard width > 0 else { continue }
                for entry in 0..<size { hessians[row][entry, column] = (plus[row][entry] - minus[row][entry]) / width }
            }
        }
        var points = [[[Double]]](), values = [[Double]](), gradients = [[[Double]]](), hessianGrid = [[DenseMatrix]]()
        for sample in 0..<count {
            let range = (sample * horizon)..<((sample + 1) * horizon)
            points.append(range.map { observations[sample][$0 - sample * horizon] + actions[sample][$0 - sample * horizon] })
            values.append(range.map { flatValues[$0] })
            gradients.append(range.map { flatGradients[$0] })
            hessianGrid.append(range.map { hessians[$0].symmetrized })
        }
        return (QuadraticCost.averagedExpansion(points: points, values: values, gradients: gradients, hessians: hessianGrid), values)
    }
}
