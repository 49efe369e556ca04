import Foundation
import Envs
import MBRLCore
import Testing

@Suite struct PendulumDynamicsModelTests {
    @Test func matchesThePendulumStepForStep() throws {
        var environment = Pendulum(seed: 4)
        let model = PendulumDynamicsModel()
        var generator = RandomGenerator(seed: 1)
        var observation = try environment.reset(seed: 4)
        for step in 0..<200 {
            let action: [Float] = [Float(step % 7) - 3]          // includes clipped torques (|a| = 3)
            let predicted = try model.predict(observations: Matrix(row: observation), actions: Matrix(row: action),
                                              generator: &generator).nextObservations.row(0)
            observation = try environment.step(action).observation
            #expect(largestDifference(predicted, observation) < 2e-5, "step \(step)")
        }
    }

    @Test func gradientsMatchFiniteDifferences() throws {
        let model = PendulumDynamicsModel()
        // Rows: ordinary, a clipped torque, a clipped speed, near the downward position.
        let states: [[Double]] = [[0.3, 1.0], [2.0, -3.0], [0.5, 7.9], [3.1, 0.2], [-1.2, -2.5]]
        let actions: [Float] = [0.7, 2.5, 1.9, -1.3, -1.95]
        var observations = Matrix(rows: states.count, columns: 3)
        for (row, state) in states.enumerated() {
            observations.setRow(row, to: [Float(cos(state[0])), Float(sin(state[0])), Float(state[1])])
        }
        let actionMatrix = Matrix(rows: actions.count, columns: 1, values: actions)
        var generator = RandomGenerator(seed: 2)
        for output in 0..<3 {
            var upstream = Matrix(rows: states.count, columns: 3)
            for row in 0..<states.count { upstream[row, output] = 1 }
            let gradients = try model.predictWithPullback(observations: observations, actions: actionMatrix).pullback(upstream)
            for row in 0..<states.count {
                for input in 0..<4 {
                    let epsilon: Float = 1e-2
                    var plusObservation = observations.row(row), minusObservation = observations.row(row)
                    var plusAction = [actions[row]], minusAction = [actions[row]]
                    if input < 3 {
                        plusObservation[input] += epsilon; minusObservation[input] -= epsilon
                    } else {
                        plusAction[0] += epsilon; minusAction[0] -= epsilon
                    }
                    let plus = try model.predict(observations: Matrix(row: plusObservation), actions: Matrix(row: plusAction),
                                                 generator: &generator).nextObservations[0, output]
                    let minus = try model.predict(observations: Matrix(row: minusObservation), actions: Matrix(row: minusAction),
                                                  generator: &generator).nextObservations[0, output]
                    let numeric = (plus - minus) / (2 * epsilon)
                    let analytic = input < 3 ? gradients.observations[row, input] : gradients.actions[row, 0]
                    #expect(abs(numeric - analytic) < 2e-3 + 2e-2 * abs(analytic),
                            "row \(row), output \(output), input \(input): numeric \(numeric), analytic \(analytic)")
                }
            }
        }
        // A clipped torque has no effect, so no gradient.
        let clipped = try model.predictWithPullback(observations: observations, actions: actionMatrix)
            .pullback(Matrix(rows: states.count, columns: 3, repeating: 1))
        #expect(clipped.actions[1, 0] == 0)
        #expect(clipped.actions[0, 0] != 0)
        // On the bound the derivative is the one from inside the box (the pull back into it).
        let onBound = try model.predictWithPullback(observations: Matrix(row: [1, 0, 0]), actions: Matrix(row: [-2]))
            .pullback(Matrix(row: [0, 0, 1]))
        #expect(abs(onBound.actions[0, 0] - 0.15) < 1e-6)
    }
}
