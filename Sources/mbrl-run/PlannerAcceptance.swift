import Dispatch
import Envs
import Foundation
import MBRLCore
import Models
import Planners

/// `mbrl-run bench planners`: the planners' acceptance runs with true dynamics, averaged over
/// episodes from the environments' reset distributions, printed as the README's table rows.
///
///     mbrl-run bench planners [--planner NAME]... [--episodes 10] [--seed 0] [--config JSON]
///
/// Each planner runs with the settings in `settings(for:)` (the ones the README table reports);
/// `--config` replaces them with a JSON config for that planner (strictly decoded), for trying
/// other settings.
enum PlannerAcceptance {
    static let help = """
        mbrl-run bench planners [--planner NAME]... [--episodes N] [--seed S] [--config JSON]

        Runs planners with true dynamics and prints one Markdown table row per planner: mean
        episode return (and its spread) over N episodes (default 10; environment seeds S ..< S + N),
        sequence steps through the model per action, and wall-clock time per action.
          cem, cem-small, icem, mppi, random-shooting
                                             Pendulum-v1 through PerfectModel (cloned environments)
          gradient-shooting                  Pendulum-v1 through ModelEnvironment(PendulumDynamicsModel)
          ilqr                               Pendulum-v1 through ModelLinearization(PendulumDynamicsModel)
          mcts                               CartPole-v1 through PerfectModel
        --planner NAME   repeatable; default: all of the above
        --config JSON    the planner's config instead of the acceptance settings (one --planner)
        """

    static let allPlanners = ["cem", "cem-small", "icem", "mppi", "random-shooting", "gradient-shooting", "ilqr", "mcts"]

    static func main(_ arguments: [String]) throws {
        if arguments.contains("--help") { print(help); return }
        var parsed = try CommandArguments(arguments)
        var planners = parsed.strings("planner")
        let episodes = try parsed.integer("episodes", default: 10, range: 1...1000)
        let seed = UInt64(try parsed.integer("seed", default: 0, range: 0...Int.max))
        let configJSON = parsed.string("config")
        try parsed.rejectUnknown(command: "bench planners")
        if planners.isEmpty { planners = allPlanners }
        if configJSON != nil && planners.count != 1 {
            throw UsageError("--config needs exactly one --planner")
        }
        print("| planner | environment | model | settings | mean return | min / max | steps through the model per action | time per action |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- |")
        for planner in planners {
            let row = try run(planner, episodes: episodes, seed: seed, configJSON: configJSON)
            print(row)
        }
    }

    // MARK: - One planner

    static func decode<Config: Decodable>(_ type: Config.Type, _ json: String?, default defaultValue: Config) throws -> Config {
        guard let json else { return defaultValue }
        return try JSONDecoder().decode(Config.self, from: Data(json.utf8))
    }

    static func encoded<Config: Encodable>(_ config: Config) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? String(decoding: encoder.encode(config), as: UTF8.self)) ?? "?"
    }

    static func run(_ planner: String, episodes: Int, seed: UInt64, configJSON: String?) throws -> String {
        let pendulumActions = Pendulum().actionSpace
        let makePendulum: (UInt64) -> TimeLimit<Pendulum> = { TimeLimit(Pendulum(seed: $0), maxEpisodeSteps: Pendulum.maxEpisodeSteps) }
        let perfect: (TimeLimit<Pendulum>) throws -> any PlanningModel = { try PerfectModel(environment: $0) }
        switch planner {
        case "cem":
            let config = try decode(CrossEntropyPlanner.Config.self, configJSON, default: Settings.crossEntropy)
            var instance = try CrossEntropyPlanner(config: config, actionSpace: pendulumActions)
            let result = try runEpisodes(&instance, makeEnvironment: makePendulum, model: perfect, episodes: episodes, seed: seed)
            return result.row(planner: "CEM", environment: "Pendulum-v1", model: "PerfectModel", settings: encoded(config))
        case "cem-small":
            let config = try decode(CrossEntropyPlanner.Config.self, configJSON, default: Settings.crossEntropyOnSmallBudget)
            var instance = try CrossEntropyPlanner(config: config, actionSpace: pendulumActions)
            let result = try runEpisodes(&instance, makeEnvironment: makePendulum, model: perfect, episodes: episodes, seed: seed)
            return result.row(planner: "CEM, small budget", environment: "Pendulum-v1", model: "PerfectModel", settings: encoded(config))
        case "icem":
            let config = try decode(ImprovedCrossEntropyPlanner.Config.self, configJSON, default: Settings.improvedCrossEntropy)
            var instance = try ImprovedCrossEntropyPlanner(config: config, actionSpace: pendulumActions)
            let result = try runEpisodes(&instance, makeEnvironment: makePendulum, model: perfect, episodes: episodes, seed: seed)
            return result.row(planner: "iCEM", environment: "Pendulum-v1", model: "PerfectModel", settings: encoded(config))
        case "mppi":
            let config = try decode(PathIntegralPlanner.Config.self, configJSON, default: Settings.pathIntegral)
            var instance = try PathIntegralPlanner(config: config, actionSpace: pendulumActions)
            let result = try runEpisodes(&instance, makeEnvironment: makePendulum, model: perfect, episodes: episodes, seed: seed)
            return result.row(planner: "MPPI", environment: "Pendulum-v1", model: "PerfectModel", settings: encoded(config))
        case "random-shooting":
            let config = try decode(RandomShootingPlanner.Config.self, configJSON, default: Settings.randomShooting)
            var instance = try RandomShootingPlanner(config: config, actionSpace: pendulumActions)
            let result = try runEpisodes(&instance, makeEnvironment: makePendulum, model: perfect, episodes: episodes, seed: seed)
            return result.row(planner: "random shooting", environment: "Pendulum-v1", model: "PerfectModel", settings: encoded(config))
        case "gradient-shooting":
            let config = try decode(GradientShootingPlanner.Config.self, configJSON, default: Settings.gradientShooting)
            var instance = try GradientShootingPlanner(config: config, actionSpace: pendulumActions)
            let evaluator = try ModelEnvironment(model: PendulumDynamicsModel(), actionSpace: pendulumActions,
                                                 rewardFunction: PendulumRewardFunction(), terminationFunction: nil,
                                                 config: .init(particleCount: 1))
            try instance.checkCompatibility(with: evaluator)
            let result = try runEpisodes(&instance, makeEnvironment: makePendulum, model: { _ in evaluator }, episodes: episodes, seed: seed)
            return result.row(planner: "gradient shooting", environment: "Pendulum-v1",
                              model: "ModelEnvironment(PendulumDynamicsModel)", settings: encoded(config))
        case "ilqr":
            let config = try decode(IterativeLQRPlanner.Config.self, configJSON, default: Settings.iterativeLQR)
            var instance = try IterativeLQRPlanner(config: config, actionSpace: pendulumActions)
            let linearization = try ModelLinearization(model: PendulumDynamicsModel(), actionSpace: pendulumActions,
                                                       rewardFunction: PendulumRewardFunction())
            try instance.checkCompatibility(with: linearization)
            let result = try runEpisodes(&instance, makeEnvironment: makePendulum, model: { _ in linearization }, episodes: episodes, seed: seed)
            return result.row(planner: "iLQR", environment: "Pendulum-v1",
                              model: "ModelLinearization(PendulumDynamicsModel)", settings: encoded(config))
        case "mcts":
            let config = try decode(MonteCarloTreeSearchPlanner.Config.self, configJSON, default: Settings.treeSearch)
            var instance = try MonteCarloTreeSearchPlanner(config: config)
            let makeCartPole: (UInt64) -> TimeLimit<CartPole> = { TimeLimit(CartPole(seed: $0), maxEpisodeSteps: CartPole.maxEpisodeSteps) }
            let result = try runEpisodes(&instance, makeEnvironment: makeCartPole, model: { try PerfectModel(environment: $0, threadCount: 1) },
                                         episodes: episodes, seed: seed)
            return result.row(planner: "MCTS/UCT", environment: "CartPole-v1", model: "PerfectModel", settings: encoded(config))
        default:
            throw UsageError("unknown planner '\(planner)'; planners: \(allPlanners.joined(separator: ", "))")
        }
    }

    // MARK: - Episodes

    /// What a set of episodes gave.
    struct Result {
        var returns: [Float] = []
        var episodeLengths: [Int] = []
        var actions = 0
        var modelEvaluations = 0
        var seconds = 0.0

        func row(planner: String, environment: String, model: String, settings: String) -> String {
            let mean = returns.reduce(0, +) / Float(returns.count)
            let spread = "\(format(returns.min() ?? 0)) / \(format(returns.max() ?? 0))"
            let perAction = actions > 0 ? modelEvaluations / actions : 0
            let milliseconds = actions > 0 ? seconds * 1000 / Double(actions) : 0
            let lengths = environment.hasPrefix("CartPole")
                ? " (\(episodeLengths.filter { $0 >= CartPole.maxEpisodeSteps }.count) of \(episodeLengths.count) episodes reach \(CartPole.maxEpisodeSteps) steps)"
                : ""
            return "| \(planner) | \(environment) | \(model) | `\(settings)` | \(format(mean))\(lengths) | \(spread) | \(perAction) | \(String(format: "%.2f", milliseconds)) ms |"
        }

        func format(_ value: Float) -> String { String(format: "%.1f", value) }
    }

    /// Runs `episodes` episodes of `planner`, planning through `model(environment)` before every
    /// action; environment `i` is made and reset with seed `seed + i`.
    static func runEpisodes<P: Planner, Env: Environment>(
        _ planner: inout P, makeEnvironment: (UInt64) -> Env, model: (Env) throws -> any PlanningModel,
        episodes: Int, seed: UInt64
    ) throws -> Result {
        var result = Result()
        for episode in 0..<episodes {
            let episodeSeed = seed + UInt64(episode)
            var environment = makeEnvironment(episodeSeed)
            var observation = try environment.reset(seed: episodeSeed)
            var generator = RandomGenerator(seed: episodeSeed, stream: 1)
            planner.reset()
            var total: Float = 0
            var length = 0
            let start = DispatchTime.now().uptimeNanoseconds
            while true {
                let planningModel = try model(environment)
                let plan = try planner.plan(from: observation, model: planningModel, generator: &generator)
                result.modelEvaluations += plan.modelEvaluations
                result.actions += 1
                let step = try environment.step(plan.firstAction)
                total += step.reward
                length += 1
                observation = step.observation
                if step.isDone { break }
            }
            result.seconds += Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            result.returns.append(total)
            result.episodeLengths.append(length)
            FileHandle.standardError.write(Data("  episode \(episode): return \(total), \(length) steps\n".utf8))
        }
        return result
    }
}

/// The settings the README's planner table reports.
enum Settings {
    /// mbrl-lib's PETS CEM settings (population 350, elite ratio 0.1, 5 iterations, alpha 0.1)
    /// with a 2-second horizon, which swinging the pendulum up from the bottom needs.
    static let crossEntropy = CrossEntropyPlanner.Config(horizon: 40, populationSize: 350, eliteRatio: 0.1, iterations: 5, alpha: 0.1)
    /// CEM cut to about iCEM's budget, for comparison.
    static let crossEntropyOnSmallBudget = CrossEntropyPlanner.Config(horizon: 40, populationSize: 80, eliteRatio: 0.1, iterations: 3, alpha: 0.1)
    static let improvedCrossEntropy = ImprovedCrossEntropyPlanner.Config(horizon: 40, populationSize: 100, iterations: 3)
    static let pathIntegral = PathIntegralPlanner.Config(horizon: 40, populationSize: 350, iterations: 5)
    static let gradientShooting = GradientShootingPlanner.Config(horizon: 40, candidateCount: 200, startCount: 4, iterations: 30, learningRate: 0.1)
    static let iterativeLQR = IterativeLQRPlanner.Config(horizon: 40, maximumIterations: 20)
    static let treeSearch = MonteCarloTreeSearchPlanner.Config(simulationsPerStep: 100, rolloutDepth: 200)
    static let randomShooting = RandomShootingPlanner.Config(horizon: 40, sequenceCount: 1000)
}
