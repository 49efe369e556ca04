import MBRLCore

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
