import Envs
import Foundation
import MBRLCore
import Testing

/// Whether python3 can import gymnasium and mujoco.
private let mujocoInstalled = GymnasiumEnvironment.isMuJoCoInstalled()

/// The built-in termination rules of Gymnasium tasks, and registering one from Swift.
@Suite struct GymnasiumTerminationRuleTests {
    func flags(_ rule: any TerminationFunction, _ rows: [[Float]]) -> [Bool] {
        let next = Matrix(rows: rows.count, columns: rows[0].count, values: rows.flatMap { $0 })
        return rule.terminations(observations: next, actions: Matrix(rows: rows.count, columns: 1), nextObservations: next)
    }

    @Test func builtInRulesFollowGymnasiumsHealthyRanges() throws {
        let pendulum = try #require(GymnasiumTerminationFunctions.function(for: "InvertedPendulum-v5"))
        #expect(flags(pendulum, [[0, 0.2, 0, 0], [0, -0.21, 0, 0], [0.5, 0.1, .nan, 0], [3, -0.19, 9, 9]]) == [false, true, true, false])
        let hopper = try #require(GymnasiumTerminationFunctions.function(for: "Hopper-v5"))
        let healthy: [Float] = [1.2, 0.1] + Array(repeating: 1, count: 9)
        var fallen = healthy; fallen[0] = 0.7
        var tilted = healthy; tilted[1] = -0.2
        var wild = healthy; wild[10] = 100
        #expect(flags(hopper, [healthy, fallen, tilted, wild]) == [false, true, true, true])
        let ant = try #require(GymnasiumTerminationFunctions.function(for: "Ant-v4"))
        #expect(flags(ant, [[0.2, 5], [1.0, 5], [1.01, 5], [0.19, 5]]) == [false, false, true, true])
        let humanoid = try #require(GymnasiumTerminationFunctions.function(for: "Humanoid-v5"))
        #expect(flags(humanoid, [[1.4, 0], [1.0, 0], [2.0, 0]]) == [false, true, true])
        let walker = try #require(GymnasiumTerminationFunctions.function(for: "Walker2d-v5"))
        #expect(flags(walker, [[1.2, 0.5], [1.2, 1.0], [0.8, 0], [1.99, -0.99]]) == [false, true, true, false])
        let cheetah = try #require(GymnasiumTerminationFunctions.function(for: "HalfCheetah-v5"))
        #expect(flags(cheetah, [[100, -100]]) == [false])
        #expect(GymnasiumTerminationFunctions.function(for: "InvertedDoublePendulum-v5") == nil)
    }

    struct FarRight: TerminationFunction {
        func terminations(observations: Matrix, actions: Matrix, nextObservations: Matrix) -> [Bool] {
            (0..<nextObservations.rows).map { nextObservations[$0, 0] > 1 }
        }
    }

    @Test func aRuleRegisteredFromSwiftIsFoundByItsID() throws {
        let id = "Registered-\(UUID().uuidString)-v0"
        #expect(GymnasiumTerminationFunctions.function(for: id) == nil)
        GymnasiumTerminationFunctions.register(FarRight(), for: id)
        let rule = try #require(GymnasiumTerminationFunctions.function(for: id))
        #expect(flags(rule, [[2, 0], [0, 0]]) == [true, false])
    }
}

/// The built-in rules agree with Gymnasium's own `terminated` flags on MuJoCo episodes.
@Suite(.enabled(if: mujocoInstalled,
                "python3 cannot import gymnasium and mujoco: run scripts/install_gymnasium.sh --mujoco to enable the MuJoCo termination tests"))
struct GymnasiumMuJoCoTerminationTests {
    @Test(arguments: ["InvertedPendulum-v5", "Hopper-v5", "Walker2d-v5"])
    func knownTerminationMatchesGymnasiumOnRandomEpisodes(id: String) throws {
        let environment = try GymnasiumEnvironment(id: id)
        defer { environment.close() }
        let rule = try #require(environment.knownTerminationFunction)
        var generator = RandomGenerator(seed: 3)
        var terminations = 0, steps = 0
        for episode in 0..<6 {
            var observation = try environment.reset(seed: UInt64(episode))
            for _ in 0..<300 {
                let action = environment.actionSpace.sample(using: &generator)
                let step = try environment.step(action)
                let predicted = rule.terminations(
                    observations: Matrix(rows: 1, columns: observation.count, values: observation),
                    actions: Matrix(rows: 1, columns: action.count, values: action),
                    nextObservations: Matrix(rows: 1, columns: step.observation.count, values: step.observation))
                #expect(predicted == [step.terminated], "\(id) episode \(episode) step \(steps): Gymnasium says \(step.terminated)")
                steps += 1
                if step.terminated { terminations += 1 }
                if step.isDone { break }
                observation = step.observation
            }
        }
        #expect(terminations > 0, "no episode of \(id) terminated; the comparison saw only healthy states")
    }
}
