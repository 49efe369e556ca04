import Envs
import Foundation
import MBRLCore
import Testing

@Suite struct TwoLinkArmTests {
    /// At rest with no torque the arm stays still; the catalog wraps it in a 100-step limit.
    @Test func restingArmStaysStill() throws {
        var arm = try EnvironmentCatalog.make("TwoLinkArm-v0", seed: 0)
        #expect(arm.id == "TwoLinkArm-v0")
        var startable = try #require(arm as? any InitialStateEnvironment)
        let start = try startable.reset(seed: 1, initialState: [0.75 * .pi, 0.5 * .pi, 0, 0])
        arm = startable
        #expect(abs(start[0] - Float(0.75 * .pi)) < 1e-6 && start[2] == 0)
        // End effector of two unit links at (3 pi / 4, pi / 2).
        #expect(abs(Double(start[4]) - (cos(0.75 * .pi) + cos(1.25 * .pi))) < 1e-6)
        var length = 0
        while true {
            let step = try arm.step([0, 0])
            length += 1
            #expect(step.observation[0] == start[0] && step.observation[1] == start[1])
            if step.isDone { #expect(step.truncated && !step.terminated); break }
        }
        #expect(length == TwoLinkArm.defaultMaxEpisodeSteps)
    }

    /// A torque on the first joint alone accelerates it, and the reaction moves the second
    /// joint the other way (the coupling of the inertia matrix at q2 = pi / 2).
    @Test func torqueAcceleratesAndCouplesTheJoints() throws {
        var arm = TwoLinkArm()
        _ = try arm.reset(seed: 0, initialState: [0, 0.5 * .pi, 0, 0])
        let step = try arm.step([1, 0])
        #expect(step.observation[2] > 0)
        #expect(step.observation[3] < 0)
        #expect(step.reward < 0)
    }

    /// The reward is minus the squared joint-angle error, zero at the target.
    @Test func rewardIsTheSquaredAngleError() {
        let reward = TwoLinkArmRewardFunction(target: (0.1, -0.2))
        let next = Matrix(rowArrays: [[0.1, -0.2, 3, 3, 0, 0], [0.4, 0.2, 0, 0, 0, 0]])
        let values = reward.rewards(observations: next, actions: Matrix(rows: 2, columns: 2), nextObservations: next)
        #expect(values[0] == 0)
        #expect(abs(values[1] + (0.09 + 0.16)) < 1e-6)
    }

    /// Bad states and actions are refused.
    @Test func badInputThrows() throws {
        var arm = TwoLinkArm()
        #expect(throws: MBRLError.self) { try arm.setPhysicalState([0, 0, 0]) }
        #expect(throws: MBRLError.self) { try arm.setPhysicalState([0, 0, 100, 0]) }
        #expect(throws: MBRLError.self) { try arm.setPhysicalState([.nan, 0, 0, 0]) }
        #expect(throws: MBRLError.self) { _ = try arm.step([.nan, 0]) }
        #expect(throws: MBRLError.self) { _ = try arm.step([1]) }
    }
}
