import MBRLCore

/// Plays episodes for distillation: collection (the visited observations) and evaluation (mean
/// return and termination rate: the fraction of episodes that end by termination rather than the
/// time limit, which is the success rate where termination means reaching a goal, as in
/// `PointMass-v0`, a failure rate where it means falling, as in `CartPole-v1`, and 0 for
/// Pendulum).
///
/// ```swift
/// let episode = try DistillationRollouts.play(teacher.policy, in: &environment, seed: 7,
///                                             mode: .exploration, generator: &generator)
/// let score = try DistillationRollouts.score(student, in: &environment, episodes: 20, seed: 1000,
///                                            generator: &generator)
/// ```
public enum DistillationRollouts {
    /// One episode: the observations acted on `[T, obs]`, the return and whether it terminated.
    public struct Episode {
        public var observations: Matrix
        public var episodeReturn: Double
        public var terminated: Bool
    }

    /// Mean return and termination rate of some evaluation episodes.
    public struct Score: Sendable, Equatable {
        public var meanReturn: Double
        public var terminationRate: Double
    }

    /// Plays one episode from `reset(seed:)` with `policy` in `mode`.
    public static func play(_ policy: any Policy, in environment: inout any Environment, seed: UInt64, mode: ActionMode,
                            generator: inout RandomGenerator) throws -> Episode {
        var observation = try environment.reset(seed: seed)
        var observations: [Float] = []
        var total = 0.0
        var terminated = false
        var steps = 0
        while true {
            observations += observation
            steps += 1
            let action = try policy.action(for: observation, mode: mode, generator: &generator)
            let step = try environment.step(action)
            total += Double(step.reward)
            observation = step.observation
            if step.isDone {
                terminated = step.terminated
                break
            }
        }
        return Episode(observations: Matrix(rows: steps, columns: observations.count / max(steps, 1), values: observations),
                       episodeReturn: total, terminated: terminated)
    }

    /// `episodes` deterministic (`.evaluation`) episodes from seeds `seed`, `seed + 1`, ...
    public static func score(_ policy: any Policy, in environment: inout any Environment, episodes: Int, seed: UInt64,
                             generator: inout RandomGenerator) throws -> Score {
        guard episodes > 0 else { return Score(meanReturn: .nan, terminationRate: .nan) }
        var total = 0.0
        var terminations = 0
        for index in 0..<episodes {
            let episode = try play(policy, in: &environment, seed: seed &+ UInt64(index), mode: .evaluation, generator: &generator)
            total += episode.episodeReturn
            terminations += episode.terminated ? 1 : 0
        }
        return Score(meanReturn: total / Double(episodes), terminationRate: Double(terminations) / Double(episodes))
    }
}
