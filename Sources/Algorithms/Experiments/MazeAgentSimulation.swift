import MBRLCore

/// One agent acting and learning in one environment, a real step at a time: the policy acts
/// epsilon-greedily, the environment steps, the transition goes to the buffer and to the
/// optimizer's `improve`. Episodes restart after termination or `maxEpisodeSteps` steps.
///
/// Acting and learning (planning) draw from separate generators, so agents given the same
/// acting generator make the same choices while their values agree: as in the book's Figure
/// 8.2, where the seed was held constant across algorithms, every agent's first episode (all
/// values still zero) is exactly the same walk.
struct MazeAgentSimulation {
    /// What one real step did.
    struct StepOutcome {
        var reward: Double
        /// Q updates the optimizer reported (`"qUpdates"`).
        var updates: Double
        /// The step ended an episode (terminated or cut off), whose length is `episodeSteps`.
        var endedEpisode: Bool
        var episodeSteps: Int
    }

    var environment: any Environment
    var optimizer: any PolicyOptimizer
    var actingGenerator: RandomGenerator
    var learningGenerator: RandomGenerator
    let maxEpisodeSteps: Int
    private var buffer: ReplayBuffer
    private var observation: [Float]
    private var episodeSteps = 0

    /// Starts the first episode with `reset(seed: seed)`.
    init(environment: any Environment, optimizer: any PolicyOptimizer, actingGenerator: RandomGenerator,
         learningGenerator: RandomGenerator, seed: UInt64, maxEpisodeSteps: Int) throws {
        self.environment = environment
        self.optimizer = optimizer
        self.actingGenerator = actingGenerator
        self.learningGenerator = learningGenerator
        self.maxEpisodeSteps = maxEpisodeSteps
        buffer = ReplayBuffer(capacity: 4096, observationSize: environment.observationSize, actionSize: environment.actionSize)
        observation = try self.environment.reset(seed: seed)
    }

    /// Takes one real step and learns from it.
    mutating func step() throws -> StepOutcome {
        let action = try optimizer.policy.action(for: observation, mode: .exploration, generator: &actingGenerator)
        let result = try environment.step(action)
        episodeSteps += 1
        let cutOff = !result.terminated && (result.truncated || episodeSteps >= maxEpisodeSteps)
        let transition = Transition(observation: observation, action: action, reward: result.reward,
                                    nextObservation: result.observation, terminated: result.terminated, truncated: cutOff)
        try buffer.append(transition)
        let context = PolicyOptimizerContext(buffer: buffer, observationSpace: environment.observationSpace,
                                             actionSpace: environment.actionSpace, totalSteps: buffer.totalAppended)
        let metrics = try optimizer.improve(after: transition, context: context, generator: &learningGenerator)
        let outcome = StepOutcome(reward: Double(result.reward), updates: metrics["qUpdates"] ?? 0,
                                  endedEpisode: result.terminated || cutOff, episodeSteps: episodeSteps)
        if outcome.endedEpisode {
            try optimizer.endEpisode()
            observation = try environment.reset(seed: nil)
            episodeSteps = 0
        } else {
            observation = result.observation
        }
        return outcome
    }
}
