// An environment of your own: `Thermostat` (written in Swift, with its reward as a batched
// function for planning) is checked with the environment checker, registered under a name, and
// run by a recipe built in code: MPC with CEM through a learned model.
//
//     swift run -c release custom-environment
//
import Algorithms
import Envs
import Foundation
import MBRLCore
import Models
import Planners

do {
    // Gymnasium-style checks: spaces, determinism under a seed, invalid actions, and that the
    // batched reward agrees with `step`.
    try EnvironmentChecker.validate(Thermostat(config: .defaults, seed: 0))

    let registry = ComponentRegistry()
    registerEnvironments(in: registry)
    registerModels(in: registry)
    registerPlanners(in: registry)
    registry.environments.register("Thermostat-v0", summary: "heat a room to a target temperature, 50-step episodes",
                                   config: Thermostat.Config.self) { config, context in
        TimeLimit(Thermostat(config: config, seed: context.seed), maxEpisodeSteps: 50)
    }

    let recipe = try Recipe(json: JSONValue(parsing: """
        {
          "name": "thermostat-mpc",
          "environment": {"type": "Thermostat-v0", "targetTemperature": 21},
          "model": {"type": "deterministic-mlp", "hiddenSizes": [64, 64]},
          "planner": {"type": "cem", "horizon": 10, "populationSize": 100, "iterations": 3},
          "planning": {"particleCount": 1},
          "loop": {"explorationEpisodes": 1, "episodes": 3},
          "output": {"directory": "runs/thermostat-mpc", "progress": "lines"}
        }
        """))
    let summary = try MBRLLoop(recipe: recipe, registry: registry).run(allowOverwrite: true)
    print("returns: \(summary.trainingReturns.map { String(format: "%.1f", $0) }.joined(separator: ", "))")
} catch {
    FileHandle.standardError.write(Data("custom-environment: \(error)\n".utf8))
    exit(1)
}
