// An executable of your own that extends the framework: it registers the built-in components
// the way `mbrl-run` does, adds a planner of its own under a new name, and runs a recipe that
// uses it. Build and run:
//
//     swift run -c release custom-planner-example Examples/CustomPlanner/pendulum-constant-torque.json
//
import Algorithms
import Envs
import Foundation
import MBRLCore
import Models
import Planners

/// A deliberately simple planner: it scores a handful of constant-torque sequences through the
/// model and keeps the best. Its settings follow the framework's recipe conventions: every key
/// optional with a default, unknown keys rejected.
struct ConstantTorquePlanner: Planner {
    struct Config: DocumentedConfig, Equatable {
        var levels = 9
        var horizon = 20
        init() {}
        static var defaults: Self { Self() }
        static let keyDescriptions = ["levels": "constant actions tried, evenly spaced over the bounds",
                                      "horizon": "steps each constant action is held"]
        enum CodingKeys: String, CodingKey, CaseIterable { case levels, horizon }
        init(from decoder: Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let container = try decoder.container(keyedBy: CodingKeys.self)
            levels = try container.decode(Int.self, forKey: .levels, default: 9, in: 2...1000)
            horizon = try container.decode(Int.self, forKey: .horizon, default: 20, in: 1...1000)
        }
    }

    let config: Config
    let bounds: Box
    var name: String { "constant-torque" }
    var requirements: PlanningCapabilities { [.sequenceScoring] }

    init(config: Config, actionSpace: Space) throws {
        guard let box = actionSpace.box, box.size == 1 else {
            throw MBRLError.incompatible("constant-torque plans one-dimensional box actions, got \(actionSpace)")
        }
        self.config = config
        bounds = box
    }

    mutating func plan(from observation: [Float], model: any PlanningModel, generator: inout RandomGenerator) throws -> Plan {
        guard let evaluator = model as? any TrajectoryEvaluator else {
            throw MBRLError.incompatible("constant-torque needs a model that scores action sequences")
        }
        let low = bounds.lowerBound[0], high = bounds.upperBound[0]
        var sequences = Matrix(rows: config.levels, columns: config.horizon)
        for level in 0..<config.levels {
            let action = low + (high - low) * Float(level) / Float(config.levels - 1)
            for step in 0..<config.horizon { sequences[level, step] = action }
        }
        let returns = try evaluator.evaluate(from: observation, actionSequences: sequences, horizon: config.horizon, generator: &generator)
        let best = returns.indices.max { returns[$0] < returns[$1] } ?? 0
        return Plan(actions: sequences.rows(best..<(best + 1)).reshaped(rows: config.horizon, columns: 1),
                    expectedReturn: returns[best], modelEvaluations: config.levels * config.horizon)
    }

    mutating func reset() {}
}

let registry = ComponentRegistry()
registerEnvironments(in: registry)
registerModels(in: registry)
registerPlanners(in: registry)
registry.planners.register("constant-torque", summary: "the best of a few constant actions", config: ConstantTorquePlanner.Config.self) {
    config, context in try ConstantTorquePlanner(config: config, actionSpace: context.actionSpace)
}

let arguments = CommandLine.arguments.dropFirst()
guard let path = arguments.first else {
    print("usage: custom-planner-example RECIPE")
    exit(2)
}
do {
    let recipe = try Recipe.load(from: URL(fileURLWithPath: path), overrides: Array(arguments.dropFirst()))
    let summary = try MBRLLoop(recipe: recipe, registry: registry).run(allowOverwrite: true)
    print("returns: \(summary.trainingReturns.map { String(format: "%.1f", $0) }.joined(separator: ", "))")
} catch {
    FileHandle.standardError.write(Data("custom-planner-example: \(error)\n".utf8))
    exit(1)
}
