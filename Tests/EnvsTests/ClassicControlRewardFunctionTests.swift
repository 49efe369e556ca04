import Envs
import Foundation
import MBRLCore
import Testing

/// The batched reward and termination functions agree with what `step` returns, and the
/// differentiable ones have gradients that match finite differences.
@Suite struct ClassicControlRewardFunctionTests {
    @Test(arguments: ["CartPole-v1", "ContinuousCartPole-v0", "Pendulum-v1", "MountainCarContinuous-v0", "Acrobot-v1"])
    func batchedFunctionsMatchStep(id: String) throws {
        let environment = try ClassicControlTestSupport.make(id)
        let batch = try ClassicControlTestSupport.randomTransitions(id, episodes: 40, maxSteps: 60, seed: 11)
        #expect(batch.rewards.count > 300)
        let rewards = environment.rewardFunction.rewards(
            observations: batch.observations, actions: batch.actions, nextObservations: batch.nextObservations)
        let terminations = environment.terminationFunction.terminations(
            observations: batch.observations, actions: batch.actions, nextObservations: batch.nextObservations)
        #expect(rewards.count == batch.rewards.count)
        #expect(terminations == batch.terminated)
        // Pendulum's reward function sees the Float observation, not the Double state.
        let tolerance: Float = id == "Pendulum-v1" ? 1e-4 : 0
        for row in rewards.indices {
            #expect(abs(rewards[row] - batch.rewards[row]) <= tolerance * max(1, abs(batch.rewards[row])),
                    "\(id) row \(row): reward function \(rewards[row]), step \(batch.rewards[row])")
        }
        if id == "MountainCarContinuous-v0" { #expect(batch.terminated.contains(true)) }
        if id != "Pendulum-v1" { #expect(batch.terminated.contains(true)) }
    }

    @Test func differentiabilityIsDeclared() throws {
        #expect(try ClassicControlTestSupport.make("Pendulum-v1").rewardFunction.isDifferentiable)
        #expect(try ClassicControlTestSupport.make("MountainCarContinuous-v0").rewardFunction.isDifferentiable)
        #expect(try !ClassicControlTestSupport.make("CartPole-v1").rewardFunction.isDifferentiable)
        #expect(try !ClassicControlTestSupport.make("ContinuousCartPole-v0").rewardFunction.isDifferentiable)
        #expect(try !ClassicControlTestSupport.make("Acrobot-v1").rewardFunction.isDifferentiable)
    }

    @Test func pendulumRewardGradientMatchesFiniteDifferences() {
        var generator = RandomGenerator(seed: 5)
        var rows: [[Float]] = [], actionRows: [[Float]] = []
        for _ in 0..<32 {
            let theta = Double(generator.nextUniformFloat(in: -2.5, 2.5))
            rows.append([Float(cos(theta)), Float(sin(theta)), generator.nextUniformFloat(in: -8, 8)])
            actionRows.append([generator.nextUniformFloat(in: -1.9, 1.9)])
        }
        rows.append([0.3, -0.8, 2]); actionRows.append([3.5])   // clipped: zero action gradient
        checkGradients(PendulumRewardFunction(), observations: Matrix(rowArrays: rows), actions: Matrix(rowArrays: actionRows))
    }

    @Test func mountainCarRewardGradientMatchesFiniteDifferences() {
        let observations = Matrix(rowArrays: [[-0.5, 0.01], [0.2, -0.03], [0.47, 0.02], [0.46, -0.01]])
        let actions = Matrix(rowArrays: [[0.3], [-0.9], [1.4], [0.05]])
        checkGradients(MountainCarContinuousRewardFunction(), observations: observations, actions: actions)
        let rewards = MountainCarContinuousRewardFunction().rewards(
            observations: observations, actions: actions, nextObservations: observations)
        #expect(abs(rewards[2] - (100 - 0.1 * 1.4 * 1.4)) < 1e-4)   // goal bonus, unclipped action cost
        #expect(abs(rewards[3] - (-0.1 * 0.05 * 0.05)) < 1e-7)      // at the flag but moving left
    }

    /// Central differences in `Double` around each input (the next observation is the
    /// observation itself).
    func checkGradients(_ function: some DifferentiableRewardFunction, observations: Matrix, actions: Matrix) {
        let next = observations
        let gradients = function.rewardGradients(observations: observations, actions: actions, nextObservations: next)
        #expect(gradients.observations.shape == observations.shape)
        #expect(gradients.actions.shape == actions.shape)
        #expect(gradients.nextObservations.shape == next.shape)
        let step: Float = 1e-2
        func reward(_ o: Matrix, _ a: Matrix, _ n: Matrix, row: Int) -> Double {
            Double(function.rewards(observations: o.rows(row..<row + 1), actions: a.rows(row..<row + 1),
                                    nextObservations: n.rows(row..<row + 1))[0])
        }
        for row in 0..<observations.rows {
            for column in 0..<observations.columns {
                var plus = observations, minus = observations
                plus[row, column] += step; minus[row, column] -= step
                let numeric = (reward(plus, actions, next, row: row) - reward(minus, actions, next, row: row)) / Double(2 * step)
                let analytic = Double(gradients.observations[row, column])
                #expect(abs(numeric - analytic) <= 2e-2 * max(1, abs(analytic)), "observation [\(row), \(column)]: \(analytic) vs \(numeric)")
            }
            var plus = actions, minus = actions
            plus[row, 0] += step; minus[row, 0] -= step
            let numeric = (reward(observations, plus, next, row: row) - reward(observations, minus, next, row: row)) / Double(2 * step)
            let analytic = Double(gradients.actions[row, 0])
            #expect(abs(numeric - analytic) <= 2e-3 * max(1, abs(analytic)), "action [\(row)]: \(analytic) vs \(numeric)")
        }
        #expect(gradients.nextObservations.values.allSatisfy { $0 == 0 })
    }
}
