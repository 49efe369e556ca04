extension ReplayBuffer {
    /// Plays one episode of `environment` with actions drawn uniformly from its action space by
    /// `generator` (as `RandomPolicy` draws them), appending every transition, and returns the
    /// episode's length.
    ///
    /// ```swift
    /// var environment = try EnvironmentCatalog.make("PointMassPixels-v0", seed: 0)
    /// var buffer = ReplayBuffer(capacity: 10_000, observationSize: environment.observationSize,
    ///                           actionSize: environment.actionSize)
    /// for episode in 0..<5 {
    ///     try buffer.appendRandomEpisode(from: &environment, resetSeed: UInt64(episode), generator: &generator)
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - resetSeed: the seed of the episode's reset (nil continues the environment's own stream).
    ///   - maxSteps: the most steps before giving up on an episode that never ends.
    /// - Throws: the environment's and the buffer's errors, and `MBRLError.invalidArgument`
    ///   when the episode has not ended after `maxSteps` steps (an environment without a time
    ///   limit); the transitions played so far stay in the buffer.
    @discardableResult
    public mutating func appendRandomEpisode(from environment: inout some Environment, resetSeed: UInt64?,
                                             maxSteps: Int = 100_000, generator: inout RandomGenerator) throws -> Int {
        var observation = try environment.reset(seed: resetSeed)
        for length in 1...max(1, maxSteps) {
            let action = environment.actionSpace.sample(using: &generator)
            let step = try environment.step(action)
            try append(Transition(observation: observation, action: action, step: step))
            observation = step.observation
            if step.isDone { return length }
        }
        throw MBRLError.invalidArgument(
            "\(environment.id) ran \(maxSteps) steps without ending an episode; give it a time limit or raise maxSteps")
    }
}
