import Foundation
import MBRLCore

/// Runs a `MazeExperiment`: every agent for every repetition, each repetition with a fresh
/// environment and optimizer from the registry and its own generator.
///
/// Repetition `r` of every agent acts with `RandomGenerator(seed: seed, stream: 2r)` and plans
/// with stream `2r + 1`: the seed is held constant across agents, as in the book's Figure 8.2,
/// so every agent's first maze episode (all values zero) is the same walk; an agent's numbers
/// do not depend on which other agents the experiment lists; the same seed gives the same
/// numbers bit for bit.
///
/// Summary numbers (`AgentResult.summary`):
/// - `"steps-per-episode"`: `meanStepsEpisode1`, `...2`, `...3`, `...5`, `...10`, `...25` (when
///   run that long), `meanStepsLastEpisode`, `meanStepsLast10Episodes`, and
///   `firstEpisodeWithin20PercentOfFinal`: the first episode whose mean steps is at most 1.2
///   times the mean of the last 10 episodes (how long the agent took to settle).
/// - `"cumulative-reward"`: `finalCumulativeReward`, `finalGreedyPathShortestFraction` (the
///   fraction of repetitions whose greedy policy at the end follows a shortest path of the maze
///   as it is then: for the shortcut maze, the runs that found the shortcut), and with
///   `changeStep` `cumulativeRewardAtChange` and `rewardAfterChange`.
/// - `"updates-to-optimal-path"`: `meanUpdates`, `medianUpdates`, `minUpdates`, `maxUpdates`
///   (over repetitions that found the path), `meanRealSteps`, `reachedFraction`.
///
/// ```swift
/// let registry = ComponentRegistry()
/// registerEnvironments(in: registry); registerPolicyOptimizers(in: registry)
/// let runner = try MazeExperimentRunner(experiment: try MazeExperiment.load(from: url), registry: registry)
/// let result = try runner.run()
/// print(result.agents[0].mean)
/// ```
public final class MazeExperimentRunner {
    /// The experiment.
    public let experiment: MazeExperiment
    /// The experiment with every default and every optimizer setting written out.
    public let resolvedExperiment: JSONValue
    /// The environment's id.
    public let environmentID: String
    /// The fewest steps from start to goal (breadth-first search), when the environment is a
    /// `StatefulEnvironment`.
    public let fewestSteps: Int?
    let registry: ComponentRegistry
    let observationSpace: Space
    let actionSpace: Space
    let resolvedOptimizers: [JSONValue]

    /// Builds the environment and every agent once, so that a mistake (an unknown name or key,
    /// a continuous environment) is a `RecipeError` before anything runs.
    public init(experiment: MazeExperiment, registry: ComponentRegistry) throws {
        self.experiment = experiment
        self.registry = registry
        let (environment, environmentJSON) = try registry.environments.build(
            experiment.environment, context: .init(seed: experiment.seed), path: "environment")
        guard environment.observationSpace.discrete != nil, environment.actionSpace.discrete != nil else {
            throw RecipeError(path: "environment",
                              message: "\(environment.id) has observations \(TabularQSpaces.describe(environment.observationSpace)) and actions \(TabularQSpaces.describe(environment.actionSpace)); maze experiments run tabular learners and need discrete observations and actions (for example DynaMaze-v0, BlockingMaze-v0, ShortcutMaze-v0)")
        }
        environmentID = environment.id
        observationSpace = environment.observationSpace
        actionSpace = environment.actionSpace
        var optimizers: [JSONValue] = []
        for (index, agent) in experiment.agents.enumerated() {
            let (_, resolved) = try registry.policyOptimizers.build(
                agent.optimizer, context: .init(observationSpace: observationSpace, actionSpace: actionSpace, seed: experiment.seed),
                path: "agents[\(index)].optimizer")
            optimizers.append(resolved)
        }
        resolvedOptimizers = optimizers
        if let stateful = environment as? any StatefulEnvironment {
            fewestSteps = try MazeShortestPath.fewestSteps(from: stateful, actionCount: environment.actionSpace.encodedSize)
        } else {
            fewestSteps = nil
        }
        if experiment.measure == .updatesToOptimalPath && fewestSteps == nil {
            throw RecipeError(path: "measure", message: "\"updates-to-optimal-path\" needs the fewest steps to the goal, found by search through copies of a StatefulEnvironment; \(environment.id) is not one, or its goal is unreachable")
        }
        var resolved: [String: JSONValue] = [
            "name": .string(experiment.name), "description": .string(experiment.description),
            "seed": .number(Double(experiment.seed)), "environment": environmentJSON,
            "measure": .string(experiment.measure.rawValue), "repetitions": .number(Double(experiment.repetitions)),
            "episodes": .number(Double(experiment.episodes)), "steps": .number(Double(experiment.steps)),
            "maxEpisodeSteps": .number(Double(experiment.maxEpisodeSteps)), "pathTolerance": .number(experiment.pathTolerance),
            "agents": .array(zip(experiment.agents, optimizers).map { .object(["label": .string($0.label), "optimizer": $1]) }),
            "plot": .object(["title": .string(experiment.plot.title), "firstEpisode": .number(Double(experiment.plot.firstEpisode))]),
        ]
        if let changeStep = experiment.changeStep { resolved["changeStep"] = .number(Double(changeStep)) }
        resolvedExperiment = .object(resolved)
    }

    // MARK: - Running

    /// Runs every agent and repetition; `progress` receives one line per agent.
    public func run(progress: ((String) -> Void)? = nil) throws -> MazeExperimentResult {
        let started = Date()
        var agents: [MazeExperimentResult.AgentResult] = []
        for (index, agent) in experiment.agents.enumerated() {
            let agentStarted = Date()
            let result = try runAgent(agent, index: index)
            agents.append(result)
            progress?("\(agent.label): \(experiment.repetitions) repetitions in \(String(format: "%.1f", Date().timeIntervalSince(agentStarted))) s")
        }
        return MazeExperimentResult(
            name: experiment.name, measure: experiment.measure, environment: environmentID, seed: experiment.seed,
            repetitions: experiment.repetitions, fewestSteps: fewestSteps, pathTolerance: experiment.pathTolerance,
            changeStep: experiment.changeStep,
            agents: agents, wallSeconds: Date().timeIntervalSince(started))
    }

    /// Every repetition of one agent.
    func runAgent(_ agent: MazeExperiment.Agent, index: Int) throws -> MazeExperimentResult.AgentResult {
        var series: [[Double]] = []
        var realSteps: [Double] = []
        var reached: [Bool] = []
        for repetition in 0..<experiment.repetitions {
            var simulation = try makeSimulation(agent, index: index, repetition: repetition)
            switch experiment.measure {
            case .stepsPerEpisode:
                series.append(try stepsPerEpisode(&simulation))
            case .cumulativeReward:
                series.append(try cumulativeReward(&simulation))
                reached.append(try finalGreedyPathIsShortest(simulation))
            case .updatesToOptimalPath:
                let outcome = try updatesToOptimalPath(&simulation, repetition: repetition)
                series.append([outcome.updates])
                realSteps.append(outcome.realSteps)
                reached.append(outcome.reached)
            }
        }
        let x: [Double]
        switch experiment.measure {
        case .stepsPerEpisode: x = (1...experiment.episodes).map(Double.init)
        case .cumulativeReward: x = (1...experiment.steps).map(Double.init)
        case .updatesToOptimalPath: x = [1]
        }
        var result = MazeExperimentResult.AgentResult(label: agent.label, optimizer: resolvedOptimizers[index], x: x,
                                                      repetitions: series, realSteps: realSteps, reachedOptimalPath: reached)
        result.summary = summarize(result)
        return result
    }

    /// A fresh environment and optimizer for one repetition, with the repetition's generator.
    func makeSimulation(_ agent: MazeExperiment.Agent, index: Int, repetition: Int) throws -> MazeAgentSimulation {
        let seed = experiment.seed &+ UInt64(repetition)
        let (environment, _) = try registry.environments.build(experiment.environment, context: .init(seed: seed), path: "environment")
        let (optimizer, _) = try registry.policyOptimizers.build(
            agent.optimizer, context: .init(observationSpace: observationSpace, actionSpace: actionSpace, seed: seed),
            path: "agents[\(index)].optimizer")
        return try MazeAgentSimulation(environment: environment, optimizer: optimizer,
                                       actingGenerator: RandomGenerator(seed: experiment.seed, stream: 2 * UInt64(repetition)),
                                       learningGenerator: RandomGenerator(seed: experiment.seed, stream: 2 * UInt64(repetition) + 1),
                                       seed: seed, maxEpisodeSteps: experiment.maxEpisodeSteps)
    }

    // MARK: - Measures

    /// Steps of each of `episodes` episodes (Figure 8.2).
    func stepsPerEpisode(_ simulation: inout MazeAgentSimulation) throws -> [Double] {
        var lengths: [Double] = []
        lengths.reserveCapacity(experiment.episodes)
        while lengths.count < experiment.episodes {
            let outcome = try simulation.step()
            if outcome.endedEpisode { lengths.append(Double(outcome.episodeSteps)) }
        }
        return lengths
    }

    /// Cumulative reward after each of `steps` time steps (Figures 8.4 and 8.5).
    func cumulativeReward(_ simulation: inout MazeAgentSimulation) throws -> [Double] {
        var total = 0.0
        var series: [Double] = []
        series.reserveCapacity(experiment.steps)
        for _ in 0..<experiment.steps {
            total += try simulation.step().reward
            series.append(total)
        }
        return series
    }

    /// Whether the greedy policy at the end follows a shortest path of the environment as it is
    /// then (after the wall change): for the shortcut maze, whether the agent found the shortcut.
    /// `false` when the environment cannot be copied.
    func finalGreedyPathIsShortest(_ simulation: MazeAgentSimulation) throws -> Bool {
        guard let final = simulation.environment as? any StatefulEnvironment,
              let fewest = try MazeShortestPath.fewestSteps(from: final, actionCount: actionSpace.encodedSize) else { return false }
        var generator = RandomGenerator(seed: experiment.seed, stream: 1 << 41)
        return try MazeShortestPath.reachesGoal(simulation.optimizer.policy, in: final, within: fewest, generator: &generator)
    }

    /// Q updates until the greedy policy follows a shortest path (within `pathTolerance` times
    /// its length), checked after every real step in a fresh copy of the environment (Example 8.4).
    func updatesToOptimalPath(_ simulation: inout MazeAgentSimulation, repetition: Int) throws -> (updates: Double, realSteps: Double, reached: Bool) {
        let (built, _) = try registry.environments.build(experiment.environment, context: .init(seed: experiment.seed &+ UInt64(repetition)),
                                                         path: "environment")
        guard let pristine = built as? any StatefulEnvironment, let fewestSteps else {
            throw MBRLError.incompatible("\(environmentID) cannot be copied for the greedy-path check")
        }
        var checkGenerator = RandomGenerator(seed: experiment.seed, stream: UInt64(repetition) &+ (1 << 40))
        let allowedSteps = Int((experiment.pathTolerance * Double(fewestSteps) + 1e-9).rounded(.down))
        var updates = 0.0
        for step in 1...experiment.steps {
            updates += try simulation.step().updates
            let policy = simulation.optimizer.policy
            if try MazeShortestPath.reachesGoal(policy, in: pristine, within: allowedSteps, generator: &checkGenerator) {
                return (updates, Double(step), true)
            }
        }
        return (updates, Double(experiment.steps), false)
    }

    // MARK: - Summary

    func summarize(_ result: MazeExperimentResult.AgentResult) -> [String: Double] {
        var summary: [String: Double] = [:]
        let mean = result.mean
        switch experiment.measure {
        case .stepsPerEpisode:
            for episode in [1, 2, 3, 5, 10, 25] where episode <= mean.count {
                summary["meanStepsEpisode\(episode)"] = mean[episode - 1]
            }
            summary["meanStepsLastEpisode"] = mean.last
            let last = mean.suffix(10)
            let settled = last.reduce(0, +) / Double(last.count)
            summary["meanStepsLast10Episodes"] = settled
            if let first = mean.firstIndex(where: { $0 <= 1.2 * settled }) {
                summary["firstEpisodeWithin20PercentOfFinal"] = Double(first + 1)
            }
        case .cumulativeReward:
            summary["finalCumulativeReward"] = mean.last
            if !result.reachedOptimalPath.isEmpty {
                summary["finalGreedyPathShortestFraction"] = Double(result.reachedOptimalPath.filter { $0 }.count) / Double(result.reachedOptimalPath.count)
            }
            if let changeStep = experiment.changeStep, changeStep >= 1, changeStep <= mean.count {
                summary["cumulativeRewardAtChange"] = mean[changeStep - 1]
                summary["rewardAfterChange"] = (mean.last ?? 0) - mean[changeStep - 1]
            }
        case .updatesToOptimalPath:
            let found = zip(result.repetitions, result.reachedOptimalPath).filter(\.1).map { $0.0[0] }.sorted()
            summary["reachedFraction"] = Double(found.count) / Double(max(1, result.reachedOptimalPath.count))
            summary["meanRealSteps"] = result.realSteps.reduce(0, +) / Double(max(1, result.realSteps.count))
            if !found.isEmpty {
                summary["meanUpdates"] = found.reduce(0, +) / Double(found.count)
                summary["medianUpdates"] = found.count % 2 == 1 ? found[found.count / 2]
                    : (found[found.count / 2 - 1] + found[found.count / 2]) / 2
                summary["minUpdates"] = found.first
                summary["maxUpdates"] = found.last
            }
        }
        return summary
    }
}
