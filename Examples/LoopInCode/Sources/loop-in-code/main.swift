import Envs
import MBRLCore
import Models
import Planners

// MPC through a learned model on the pendulum: one random episode, then CEM plans every step
// through a 2 x 200 MLP that is refitted to all the data after each episode.
var pendulum = TimeLimit(Pendulum(), maxEpisodeSteps: 200)
var generator = RandomGenerator(seed: 0)
var model = try DynamicsEnsemble(config: .init(kind: .deterministic, ensembleSize: 1, hiddenSizes: [200, 200], training: .init(epochs: 100)),
                                 observationSize: 3, actionSpace: pendulum.actionSpace, generator: &generator)
var planner = try CrossEntropyPlanner(config: .init(populationSize: 200), actionSpace: pendulum.actionSpace)
var buffer = ReplayBuffer(capacity: 10_000, observationSize: 3, actionSize: 1)
for episode in 0..<4 {
    let scorer = try ModelEnvironment(model: model, actionSpace: pendulum.actionSpace, rewardFunction: pendulum.rewardFunction,
                                      terminationFunction: nil, config: .init(particleCount: 1))
    var observation = try pendulum.reset(seed: UInt64(episode)), episodeReturn: Float = 0, done = false
    planner.reset()
    while !done {
        let action = episode == 0 ? pendulum.actionSpace.sample(using: &generator)
            : try planner.plan(from: observation, model: scorer, generator: &generator).firstAction
        let step = try pendulum.step(action)
        try buffer.append(Transition(observation: observation, action: action, step: step))
        (observation, episodeReturn, done) = (step.observation, episodeReturn + step.reward, step.isDone)
    }
    buffer.endEpisode()
    _ = try model.train(on: buffer, generator: &generator)
    print("episode \(episode): return \(episodeReturn)")
}
