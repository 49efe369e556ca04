import Envs
import MBRLCore
import MBRLTesting
import Models

/// Data and finite-difference helpers for the neural dynamics model tests.
enum NeuralModelTestSupport {
    /// `count` transitions of a smooth made-up system with `observationSize` entries and a box
    /// action of `actionSize`: observations around `offset` with spread `scale`, a nonlinear next
    /// observation, a reward and a few terminations.
    static func syntheticTransitions(count: Int, observationSize: Int, actionSize: Int, scale: Float = 1,
                                     offset: Float = 0, generator: inout RandomGenerator) -> TransitionBatch {
        var batch = TransitionBatch(count: count, observationSize: observationSize, actionSize: actionSize)
        for row in 0..<count {
            for column in 0..<observationSize {
                batch.observations[row, column] = offset + scale * generator.nextStandardNormalFloat()
            }
            for column in 0..<actionSize { batch.actions[row, column] = generator.nextUniformFloat(in: -1, 1) }
            var reward: Float = 0
            for column in 0..<observationSize {
                let state = batch.observations[row, column]
                let push = batch.actions[row, column % actionSize]
                batch.nextObservations[row, column] = state + 0.3 * sinf(state) + 0.2 * push
                    + 0.05 * generator.nextStandardNormalFloat()
                reward -= state * state
            }
            batch.rewards[row] = reward
            batch.terminated[row] = row % 7 == 3
        }
        return batch
    }

    /// Transitions of `Pendulum-v1` under uniformly random torques, `episodes` episodes of
    /// `steps` steps, the environment seeded with `seed`.
    static func pendulumTransitions(episodes: Int, steps: Int, seed: UInt64) throws -> TransitionBatch {
        var environment = try EnvironmentCatalog.make("Pendulum-v1", seed: seed)
        var generator = RandomGenerator(seed: seed, stream: 1)
        var batch = TransitionBatch(count: episodes * steps, observationSize: environment.observationSize,
                                    actionSize: environment.actionSize)
        var row = 0
        for episode in 0..<episodes {
            var observation = try environment.reset(seed: seed &* 1000 &+ UInt64(episode))
            for step in 0..<steps {
                let action = environment.actionSpace.sample(using: &generator)
                let result = try environment.step(action)
                batch.observations.setRow(row, to: observation)
                batch.actions.setRow(row, to: action)
                batch.nextObservations.setRow(row, to: result.observation)
                batch.rewards[row] = result.reward
                batch.truncated[row] = step == steps - 1
                observation = result.observation
                row += 1
            }
        }
        return batch
    }

    /// A replay buffer holding `batch` in order (episodes end at truncated or terminated rows).
    static func buffer(_ batch: TransitionBatch) throws -> ReplayBuffer {
        var buffer = ReplayBuffer(capacity: max(batch.count, 1), observationSize: batch.observations.columns,
                                  actionSize: batch.actions.columns)
        for row in 0..<batch.count {
            try buffer.append(Transition(observation: batch.observations.row(row), action: batch.actions.row(row),
                                         reward: batch.rewards[row], nextObservation: batch.nextObservations.row(row),
                                         terminated: batch.terminated[row], truncated: batch.truncated[row]))
        }
        return buffer
    }

    /// See `SampledGradientComparison.compare` (MBRLTesting).
    static func compare(analytic: [Matrix], at point: [Matrix], entriesPerMatrix: Int, step: Float,
                        generator: inout RandomGenerator,
                        function: ([Matrix]) throws -> Float) rethrows -> (cosine: Double, worst: Double, checked: Int) {
        try SampledGradientComparison.compare(analytic: analytic, at: point, entriesPerMatrix: entriesPerMatrix, step: step,
                                              generator: &generator, function: function)
    }

    /// See `SampledGradientComparison.compare` (MBRLTesting).
    static func compare(analytic: [Matrix], at point: [Matrix], entriesPerMatrix: Int, step: Float,
                        generator: inout RandomGenerator, measuredStep: Bool, scaleFloor: Double,
                        function: ([Matrix]) throws -> Double) rethrows -> (cosine: Double, worst: Double, checked: Int) {
        try SampledGradientComparison.compare(analytic: analytic, at: point, entriesPerMatrix: entriesPerMatrix, step: step,
                                              generator: &generator, measuredStep: measuredStep, scaleFloor: scaleFloor,
                                              function: function)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
