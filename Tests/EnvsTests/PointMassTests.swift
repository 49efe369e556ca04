import Envs
import MBRLCore
import Testing

@Suite struct PointMassTests {
    @Test func spacesAndSeededResets() throws {
        var environment = PointMass()
        #expect(environment.id == "PointMass-v0")
        #expect(environment.observationSize == 6 && environment.actionSize == 2)
        let first = try environment.reset(seed: 11)
        #expect(environment.observationSpace.contains(first))
        #expect(Array(first[2...]) == [0, 0, 0.5, 0.5])
        #expect(try environment.reset(seed: 11) == first)
        #expect(try environment.reset(seed: 12) != first)
        #expect(try environment.reset(seed: nil) != first)
    }

    @Test func randomGoalsChangePerEpisode() throws {
        var configuration = PointMassConfiguration()
        configuration.goal = .random
        var environment = try PointMass(configuration: configuration)
        let first = try environment.reset(seed: 1), second = try environment.reset(seed: nil)
        #expect(Array(first[4...]) != Array(second[4...]))
        for observation in [first, second] {
            #expect(abs(observation[4]) <= 0.8 && abs(observation[5]) <= 0.8)
            let distance = ((observation[0] - observation[4]) * (observation[0] - observation[4])
                + (observation[1] - observation[5]) * (observation[1] - observation[5])).squareRoot()
            #expect(distance > 0.2)
        }
    }

    @Test func dampedDoubleIntegratorStep() throws {
        var environment = PointMass()
        try environment.setPhysicalState([0.1, -0.2, 0.5, -0.3, 0.5, 0.5])
        _ = try environment.step([1, 0])
        // v' = v + dt (F - c v) / m, x' = x + dt v' with dt = 0.1, m = 1, c = 1.
        let vx = 0.5 + 0.1 * (1 - 0.5), vy = -0.3 + 0.1 * (0 + 0.3)
        let expected = [0.1 + 0.1 * vx, -0.2 + 0.1 * vy, vx, vy, 0.5, 0.5]
        for (value, target) in zip(environment.physicalState, expected) {
            #expect(abs(value - target) < 1e-12)
        }
    }

    @Test func actionsAreClippedAndInvalidOnesThrow() throws {
        var a = PointMass(), b = PointMass()
        _ = try a.reset(seed: 2); _ = try b.reset(seed: 2)
        #expect(try a.step([5, -7]) == b.step([1, -1]))
        #expect(throws: MBRLError.self) { try a.step([1]) }
        #expect(throws: MBRLError.self) { try a.step([1, 2, 3]) }
        #expect(throws: MBRLError.self) { try a.step([.nan, 0]) }
        #expect(throws: MBRLError.self) { try a.step([0, .infinity]) }
    }

    @Test func topSpeedAndBorders() throws {
        var environment = PointMass()
        try environment.setPhysicalState([-1, 0, 0, 0, 0.5, 0.5])
        var maximumSpeed = 0.0
        for _ in 0..<200 {
            _ = try environment.step([1, 0])
            maximumSpeed = max(maximumSpeed, environment.physicalState[2])
        }
        // Terminal speed force / damping = 1; the right border stops the motion.
        #expect(maximumSpeed > 0.9 && maximumSpeed < 1)
        #expect(environment.physicalState[0] == 1 && environment.physicalState[2] == 0)
        #expect(environment.observationSpace.contains(environment.observation))
    }

    @Test func rewardIsNegativeDistanceAndSuccessTerminates() throws {
        var configuration = PointMassConfiguration()
        configuration.successBonus = 5
        var environment = try PointMass(configuration: configuration)
        try environment.setPhysicalState([-0.5, 0.5, 0, 0, 0.5, 0.5])
        let far = try environment.step([0, 0])
        #expect(abs(far.reward + 1) < 1e-6 && !far.terminated)
        try environment.setPhysicalState([0.45, 0.5, 0, 0, 0.5, 0.5])
        let near = try environment.step([0, 0])
        #expect(near.terminated && abs(near.reward - (5 - 0.05)) < 1e-5)
        #expect(throws: MBRLError.self) { try environment.setPhysicalState([2, 0, 0, 0, 0, 0]) }
        #expect(throws: MBRLError.self) { try environment.setPhysicalState([0, 0, 3, 0, 0, 0]) }
        #expect(throws: MBRLError.self) { try environment.setPhysicalState([0, 0, 0, 0, 0]) }
    }

    @Test func goalSeekingControllerSucceedsWithinTheTimeLimit() throws {
        var environment = TimeLimit(PointMass(), maxEpisodeSteps: PointMass.defaultMaxEpisodeSteps)
        for seed in UInt64(0)..<5 {
            var observation = try environment.reset(seed: seed)
            var result: StepResult
            repeat {
                let force = [4 * (observation[4] - observation[0]) - observation[2],
                             4 * (observation[5] - observation[1]) - observation[3]]
                result = try environment.step(force)
                observation = result.observation
            } while !result.isDone
            #expect(result.terminated && !result.truncated)
        }
    }

    @Test func batchedRewardAndTerminationMatchStepExactly() throws {
        var configuration = PointMassConfiguration()
        configuration.goal = .random
        configuration.goalRadius = 0.3
        configuration.successBonus = 2
        var environment = try PointMass(configuration: configuration)
        var generator = RandomGenerator(seed: 9)
        var observation = try environment.reset(seed: 4)
        var observations = Matrix(rows: 0, columns: 6), actions = Matrix(rows: 0, columns: 2)
        var nextObservations = Matrix(rows: 0, columns: 6)
        var rewards: [Float] = [], terminations: [Bool] = []
        for _ in 0..<3000 {
            let action = environment.actionSpace.sample(using: &generator)
            let step = try environment.step(action)
            observations.appendRow(observation); actions.appendRow(action); nextObservations.appendRow(step.observation)
            rewards.append(step.reward); terminations.append(step.terminated)
            observation = step.isDone ? try environment.reset(seed: nil) : step.observation
        }
        #expect(terminations.contains(true) && terminations.contains(false))
        let reward = environment.rewardFunction
        #expect(reward.isDifferentiable)
        #expect(reward.rewards(observations: observations, actions: actions, nextObservations: nextObservations) == rewards)
        #expect(environment.terminationFunction.terminations(
            observations: observations, actions: actions, nextObservations: nextObservations) == terminations)
    }

    @Test func rewardGradientMatchesFiniteDifferences() throws {
        let reward = PointMassRewardFunction(goalRadius: 0.1, successBonus: 0)
        var generator = RandomGenerator(seed: 5)
        let rows = 16
        let next = Matrix(rows: rows, columns: 6, values: (0..<(rows * 6)).map { _ in generator.nextUniformFloat(in: -1, 1) })
        let observations = Matrix(rows: rows, columns: 6), actions = Matrix(rows: rows, columns: 2)
        let gradients = reward.rewardGradients(observations: observations, actions: actions, nextObservations: next)
        #expect(gradients.observations == Matrix(rows: rows, columns: 6))
        #expect(gradients.actions == Matrix(rows: rows, columns: 2))
        let epsilon: Float = 1e-3
        for row in 0..<rows {
            for column in 0..<6 {
                var plus = next, minus = next
                plus[row, column] += epsilon
                minus[row, column] -= epsilon
                let difference = (reward.rewards(observations: observations, actions: actions, nextObservations: plus)[row]
                    - reward.rewards(observations: observations, actions: actions, nextObservations: minus)[row]) / (2 * epsilon)
                #expect(abs(difference - gradients.nextObservations[row, column]) < 2e-3,
                        "row \(row) column \(column): finite difference \(difference), gradient \(gradients.nextObservations[row, column])")
            }
        }
    }

    @Test func renderingDrawsAgentBrightAndGoalDim() throws {
        var environment = PointMass()
        try environment.setPhysicalState([-0.5, -0.5, 0, 0, 0.5, 0.5])
        let image = environment.renderedImage(width: 32, height: 32)
        #expect(image.allSatisfy { $0 >= 0 && $0 <= 1 })
        // World (x, y) maps to pixel column (x + 1) * 16, row (1 - y) * 16.
        #expect(image[24 * 32 + 8] == 1)       // agent at (-0.5, -0.5): row 24, column 8
        #expect(image[8 * 32 + 24] == PointMass.goalBrightness)  // goal at (0.5, 0.5)
        #expect(image[0] == 0 && image[16 * 32 + 16] == 0)
        let brightest = image.indices.max { image[$0] < image[$1] }!
        #expect(abs(brightest / 32 - 24) <= 1 && abs(brightest % 32 - 8) <= 1)
    }

    @Test func invalidConfigurationsAreRejected() {
        var configuration = PointMassConfiguration()
        configuration.timeStep = 0
        #expect(throws: MBRLError.self) { try PointMass(configuration: configuration) }
        configuration = PointMassConfiguration()
        configuration.goal = .fixed(x: 2, y: 0)
        #expect(throws: MBRLError.self) { try PointMass(configuration: configuration) }
    }
}
