import Envs
import MBRLCore
import Testing

/// `PointMassGoalPixels-v0`: frames then a goal image, a new goal every episode from the seeded
/// generator, the goal image showing the agent at the goal, success when it gets there.
@Suite struct PointMassGoalPixelsTests {
    @Test func observationIsFramesThenTheGoalImage() throws {
        var environment = try #require(try EnvironmentCatalog.make("PointMassGoalPixels-v0", seed: 0) as? any GoalImageEnvironment)
        let layout = environment.goalImageLayout
        #expect(layout == GoalImageLayout(frameSize: 1024, frameCount: 2, goalImageSize: 1024))
        try layout.validate(observationSize: environment.observationSize)
        let first = try environment.reset(seed: 4)
        #expect(first.count == 3072 && Array(first[0..<1024]) == Array(first[1024..<2048]))
        let step = try environment.step([1, 0])
        #expect(Array(step.observation[0..<1024]) == Array(first[1024..<2048]))       // the old newest frame moved back
        #expect(layout.goalImage(of: step.observation) == layout.goalImage(of: first))  // the goal stays
        #expect(layout.goalObservation(from: first) == Array(repeating: layout.goalImage(of: first), count: 3).flatMap { $0 })
        // The one-frame variant shows the same episode's newest frame and goal.
        var oneFrame = try #require(try EnvironmentCatalog.make("PointMassGoalPixelsOneFrame-v0", seed: 0) as? any GoalImageEnvironment)
        #expect(oneFrame.goalImageLayout == GoalImageLayout(frameSize: 1024, frameCount: 1, goalImageSize: 1024))
        #expect(try oneFrame.reset(seed: 4) == Array(first[1024...]))
    }

    @Test func goalsAreNewEachEpisodeAndSeeded() throws {
        var environment = try PointMassGoalPixels()
        var again = try PointMassGoalPixels()
        var goals: Set<[Float]> = []
        for seed in 0..<5 as Range<UInt64> {
            let observation = try environment.reset(seed: seed)
            #expect(try again.reset(seed: seed) == observation)
            goals.insert(environment.goalImageLayout.goalImage(of: observation))
        }
        #expect(goals.count == 5)
    }

    @Test func reachingTheGoalEndsTheEpisodeAndTheFrameThenLooksLikeTheGoal() throws {
        var environment = try PointMassGoalPixels()
        var observation = try environment.reset(seed: 9)
        var terminated = false
        for _ in 0..<100 {
            let position = environment.pointMass.position, goal = environment.pointMass.goal
            let step = try environment.step([Float(4 * (goal.x - position.x)), Float(4 * (goal.y - position.y))])
            observation = step.observation
            if step.terminated { terminated = true; break }
        }
        #expect(terminated)
        let layout = environment.goalImageLayout
        let newest = Array(observation[1024..<2048]), goal = layout.goalImage(of: observation)
        let overlap = zip(newest, goal).map { min($0, $1) }.reduce(0, +), area = goal.reduce(0, +)
        #expect(overlap > 0.5 * area, "overlap \(overlap) of \(area)")
    }

    @Test func aGoalImageOfAnotherSizeIsReported() throws {
        let environment = try PointMassGoalPixels(goalWidth: 16, goalHeight: 16)
        #expect(throws: MBRLError.self) { try environment.goalImageLayout.validate(observationSize: environment.observationSize) }
    }
}
