import Envs
import MBRLCore
import Testing

/// `PointMass-v0`'s goal as the physical parameters `goalX` and `goalY`: a recipe gives each run
/// its own fixed goal, values outside `[-1, 1]` are refused.
@Suite struct PointMassGoalParameterTests {
    @Test func goalParametersFixTheGoalInTheObservation() throws {
        var config = CatalogEnvironmentConfig()
        config.parameters = ["goalX": -0.5, "goalY": 0.25]
        var environment = try config.apply(to: try EnvironmentCatalog.make("PointMass-v0", seed: 0), seed: 0)
        for seed: UInt64 in [1, 2, 3] {
            let observation = try environment.reset(seed: seed)
            #expect(observation[4] == -0.5 && observation[5] == 0.25)
        }
        var pointMass = PointMass()
        try pointMass.setParameters(["goalY": -0.75])
        #expect(pointMass.parameterValues["goalX"] == 0.5 && pointMass.parameterValues["goalY"] == -0.75)
        #expect(try pointMass.reset(seed: 4)[4...5] == [0.5, -0.75])
    }

    @Test func goalsOutsideTheSquareAreRefused() throws {
        var pointMass = PointMass()
        for bad in [1.5, -1.01, Double.nan] {
            #expect(throws: MBRLError.self) { try pointMass.setParameters(["goalX": bad]) }
        }
        #expect(pointMass.parameterProblem(["goalY": 2])?.contains("at most 1") == true)
        #expect(pointMass.parameterListing.contains("goalX (nominal 0.5, at least -1, at most 1)"))
    }
}
