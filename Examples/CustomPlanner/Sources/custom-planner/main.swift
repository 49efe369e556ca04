// An executable of your own that extends the framework: it registers the built-in components
// the way `mbrl-run` does, adds a planner of its own (`ConstantTorquePlanner.swift`) under a new
// name, and runs a recipe that uses it.
//
//     swift run -c release custom-planner pendulum-constant-torque.json [key.path=value ...]
//
import Algorithms
import Envs
import Foundation
import MBRLCore
import Models
import Planners

let registry = ComponentRegistry()
registerEnvironments(in: registry)
registerModels(in: registry)
registerPlanners(in: registry)
registry.planners.register("constant-torque", summary: "the best of a few constant actions", config: ConstantTorquePlanner.Config.self) {
    config, context in try ConstantTorquePlanner(config: config, actionSpace: context.actionSpace)
}

let arguments = CommandLine.arguments.dropFirst()
guard let path = arguments.first else {
    print("usage: custom-planner RECIPE [key.path=value ...]")
    exit(2)
}
do {
    let recipe = try Recipe.load(from: URL(fileURLWithPath: path), overrides: Array(arguments.dropFirst()))
    let summary = try MBRLLoop(recipe: recipe, registry: registry).run(allowOverwrite: true)
    print("returns: \(summary.trainingReturns.map { String(format: "%.1f", $0) }.joined(separator: ", "))")
} catch {
    FileHandle.standardError.write(Data("custom-planner: \(error)\n".utf8))
    exit(1)
}
