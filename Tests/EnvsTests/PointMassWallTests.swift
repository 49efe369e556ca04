import Envs
import MBRLCore
import Testing

/// `PointMassWall-v0`: the sticky wall between start and goal, and the known reward.
@Suite struct PointMassWallTests {
    func environment() throws -> any Environment { try EnvironmentCatalog.make("PointMassWall-v0", seed: 0) }

    @Test func catalogEntryStartsBehindTheWallAndPassesTheChecker() throws {
        var environment = try environment()
        #expect(environment.id == "PointMassWall-v0")
        #expect(environment.observationSize == 6 && environment.actionSize == 2)
        for seed in 0..<20 {
            let observation = try environment.reset(seed: UInt64(seed))
            #expect(abs(observation[0] + 0.4) <= 0.05 + 1e-6 && abs(observation[1] + 0.3) <= 0.05 + 1e-6)
            #expect(Array(observation[4...]) == [0.4, 0])
        }
        let errors = EnvironmentChecker.check(try self.environment(), seed: 5, steps: 300).filter { $0.severity == .error }
        #expect(errors.isEmpty, "\(errors.map(\.message))")
    }

    @Test func theStraightLineSticksToTheWallForTheRestOfTheEpisode() throws {
        var environment = try PointMass.withWall()
        _ = try environment.reset(seed: 0)
        try environment.setPhysicalState([-0.1, -0.2, 0.8, 0, 0.4, 0])
        let hit = try environment.step([1, 0])
        #expect(environment.position.x == -0.05 && environment.velocity.x == 0 && environment.velocity.y == 0)
        #expect(hit.observation[0] == -0.05 && !hit.terminated)
        // Stuck: no action moves it again.
        for action: [Float] in [[-1, 0], [0, 1], [1, 1]] {
            let step = try environment.step(action)
            #expect(Array(step.observation[..<4]) == [-0.05, -0.2, 0, 0])
            #expect(step.reward == hit.reward)
        }
    }

    @Test func overTheTopIsFreeAndTheKnownRewardMatches() throws {
        var environment = try PointMass.withWall()
        _ = try environment.reset(seed: 0)
        // Above the wall's top (0.1) the mass crosses x = 0 freely.
        try environment.setPhysicalState([-0.1, 0.2, 1, 0, 0.4, 0])
        var observation = environment.observation
        for _ in 0..<3 {
            let step = try environment.step([1, -0.2])
            let reward = environment.rewardFunction.rewards(observations: Matrix(row: observation), actions: Matrix(row: [1, -0.2]),
                                                            nextObservations: Matrix(row: step.observation))
            #expect(reward == [step.reward])
            observation = step.observation
        }
        #expect(observation[0] > 0.1)
        // A mass coming down onto the top face sticks there too.
        try environment.setPhysicalState([0, 0.15, 0, -1, 0.4, 0])
        _ = try environment.step([0, -1])
        #expect(environment.position.y == 0.1 && environment.velocity.x == 0 && environment.velocity.y == 0)
        // States inside the wall are refused.
        #expect(throws: MBRLError.self) { try environment.setPhysicalState([0, -0.5, 0, 0, 0.4, 0]) }
    }

    @Test func aWallOverlappingTheStartIsRefused() throws {
        var configuration = PointMass.wallConfiguration
        configuration.startCenter = (0, -0.3)
        #expect(throws: MBRLError.self) { _ = try PointMass(configuration: configuration) }
    }
}
