import Envs
import MBRLCore
import Testing

/// Helpers shared by the classic-control test suites.
enum ClassicControlTestSupport {
    typealias KnownStatefulEnvironment = any ObservableStateEnvironment & KnownRewardEnvironment

    /// A catalog environment as a stateful, known-reward environment.
    static func make(_ id: String, seed: UInt64 = 0) throws -> KnownStatefulEnvironment {
        try #require(try EnvironmentCatalog.make(id, seed: seed) as? KnownStatefulEnvironment)
    }

    /// States wider than each environment's reset distribution, so rollouts reach terminations,
    /// clips and goals.
    static func wideState(_ id: String, using generator: inout RandomGenerator) -> [Double] {
        func uniform(_ low: Double, _ high: Double) -> Double { low + (high - low) * generator.nextUniformDouble() }
        switch id {
        case "CartPole-v1", "ContinuousCartPole-v0":
            return [uniform(-2.3, 2.3), uniform(-1.5, 1.5), uniform(-0.2, 0.2), uniform(-1.5, 1.5)]
        case "Pendulum-v1":
            return [uniform(-3 * .pi, 3 * .pi), uniform(-9, 9)]
        case "MountainCarContinuous-v0":
            return [uniform(0.2, 0.5), uniform(0, 0.07)]
        case "Acrobot-v1":
            return [uniform(-.pi, .pi), uniform(-.pi, .pi), uniform(-4 * .pi, 4 * .pi), uniform(-9 * .pi, 9 * .pi)]
        default:
            return []
        }
    }

    /// Transitions `(observation, action, next observation)` with the step's reward and
    /// termination, from `episodes` random episodes (half from the reset distribution, half from
    /// wide states), each stopped at its end or after `maxSteps` steps.
    static func randomTransitions(_ id: String, episodes: Int, maxSteps: Int, seed: UInt64)
        throws -> (observations: Matrix, actions: Matrix, nextObservations: Matrix, rewards: [Float], terminated: [Bool])
    {
        var environment = try make(id, seed: seed)
        var generator = RandomGenerator(seed: seed, stream: 7)
        var observations = Matrix(rows: 0, columns: 0)
        var actions = Matrix(rows: 0, columns: 0)
        var nextObservations = Matrix(rows: 0, columns: 0)
        var rewards: [Float] = []
        var terminated: [Bool] = []
        for episode in 0..<episodes {
            var observation = try environment.reset(seed: seed &+ UInt64(episode))
            if episode % 2 == 1 {
                try environment.setPhysicalState(wideState(id, using: &generator))
                observation = environment.currentObservation
            }
            for _ in 0..<maxSteps {
                let action = environment.actionSpace.sample(using: &generator)
                let result = try environment.step(action)
                observations.appendRow(observation)
                actions.appendRow(action)
                nextObservations.appendRow(result.observation)
                rewards.append(result.reward)
                terminated.append(result.terminated)
                observation = result.observation
                if result.isDone { break }
            }
        }
        return (observations, actions, nextObservations, rewards, terminated)
    }
}
