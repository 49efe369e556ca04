// A dynamics model of your own: `LinearDynamicsModel` (a least-squares fit of one step's change)
// is registered under a name and a recipe plans through it with CEM on the continuous
// cart-pole, refitting it every 50 steps. Near upright the cart-pole is close to linear, so the
// linear model balances the pole from the first planned episode.
//
//     swift run -c release custom-model
//
import Algorithms
import Envs
import Foundation
import MBRLCore
import Models
import Planners

do {
    let registry = ComponentRegistry()
    registerEnvironments(in: registry)
    registerModels(in: registry)
    registerPlanners(in: registry)
    // The factory gets the sizes from the environment; the recipe never states them.
    registry.models.register("linear", summary: "s' - s = [s, a, 1] W by ridge regression",
                             config: LinearDynamicsModel.Config.self) { config, context in
        try LinearDynamicsModel(config: config, observationSize: context.observationSpace.flatSize,
                                actionSize: context.actionSpace.flatSize)
    }

    let recipe = try Recipe(json: JSONValue(parsing: """
        {
          "name": "linear-model-cartpole",
          "environment": "ContinuousCartPole-v0",
          "model": {"type": "linear", "ridge": 0.0001},
          "planner": {"type": "cem", "horizon": 15, "populationSize": 200, "iterations": 4},
          "planning": {"particleCount": 1},
          "loop": {"explorationEpisodes": 1, "explorationSteps": 200, "episodes": 3, "trainEvery": 50},
          "output": {"directory": "runs/linear-model-cartpole", "progress": "lines"}
        }
        """))
    let summary = try MBRLLoop(recipe: recipe, registry: registry).run(allowOverwrite: true)
    print("returns: \(summary.trainingReturns.map { String(format: "%.1f", $0) }.joined(separator: ", "))")
} catch {
    FileHandle.standardError.write(Data("custom-model: \(error)\n".utf8))
    exit(1)
}
