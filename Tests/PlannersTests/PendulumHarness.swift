import Envs
import MBRLCore
import Models
import Planners

/// Runs planners on the real pendulum for short tests.
enum PendulumHarness {
    /// A time-limited pendulum set to `[theta, thetaDot]`.
    static func pendulum(theta: Double, thetaDot: Double) throws -> TimeLimit<Pendulum> {
        var environment = TimeLimit(Pendulum(seed: 0), maxEpisodeSteps: 200)
        _ = try environment.reset(seed: 0)
        try environment.setPhysicalState([theta, thetaDot])
        return environment
    }

    /// Runs `planner` through a perfect model for `steps` steps from `[theta, thetaDot]`; returns
    /// the total reward and the final angle (wrapped to `[-pi, pi)`).
    static func runWithPerfectModel<P: Planner>(_ planner: inout P, theta: Double, thetaDot: Double, steps: Int,
                                                seed: UInt64 = 0) throws -> (totalReward: Float, finalAngle: Double) {
        var environment = try pendulum(theta: theta, thetaDot: thetaDot)
        var perfect = try PerfectModel(environment: environment, threadCount: 1)
        var generator = RandomGenerator(seed: seed)
        planner.reset()
        var observation = environment.currentObservation
        var total: Float = 0
        for _ in 0..<steps {
            try perfect.synchronize(with: environment)
            let plan = try planner.plan(from: observation, model: perfect, generator: &generator)
            let step = try environment.step(plan.firstAction)
            total += step.reward
            observation = step.observation
        }
        return (total, Pendulum.angleNormalize(environment.physicalState[0]))
    }

    /// Runs `planner` through `model` (which needs no synchronisation) for `steps` steps.
    static func run<P: Planner>(_ planner: inout P, model: any PlanningModel, theta: Double, thetaDot: Double,
                                steps: Int, seed: UInt64 = 0) throws -> (totalReward: Float, finalAngle: Double) {
        var environment = try pendulum(theta: theta, thetaDot: thetaDot)
        var generator = RandomGenerator(seed: seed)
        planner.reset()
        var observation = environment.currentObservation
        var total: Float = 0
        for _ in 0..<steps {
            let plan = try planner.plan(from: observation, model: model, generator: &generator)
            let step = try environment.step(plan.firstAction)
            total += step.reward
            observation = step.observation
        }
        return (total, Pendulum.angleNormalize(environment.physicalState[0]))
    }

    /// The total reward of uniformly random torques over `steps` steps (the baseline to beat).
    static func randomReturn(theta: Double, thetaDot: Double, steps: Int, seed: UInt64 = 0) throws -> Float {
        var environment = try pendulum(theta: theta, thetaDot: thetaDot)
        var generator = RandomGenerator(seed: seed)
        var total: Float = 0
        for _ in 0..<steps {
            total += try environment.step(environment.actionSpace.sample(using: &generator)).reward
        }
        return total
    }
}
