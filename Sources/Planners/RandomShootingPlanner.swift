import MBRLCore

/// Random shooting: draws `sequenceCount` action sequences uniformly from the action box, scores
/// them all through the model in one batch, and returns the one with the highest mean return
/// (the lecture's "guess and check"; Nagabandi et al. 2018 plan this way).
///
/// It keeps no state between calls. `Plan.modelEvaluations` counts sequence steps
/// (`sequenceCount * horizon`); a particle-based evaluator runs that many rows per particle.
///
/// ```swift
/// var planner = try RandomShootingPlanner(config: .init(horizon: 20, sequenceCount: 500),
///                                         actionSpace: environment.actionSpace)
/// try planner.checkCompatibility(with: evaluator)
/// let plan = try planner.plan(from: observation, model: evaluator, generator: &generator)
/// ```
public struct RandomShootingPlanner: Planner {
    /// The settings.
    public let config: Config
    /// The actions plans are made of (a bounded box).
    public let actionSpace: Space
    let bounds: ActionBounds

    /// A planner for `actionSpace`; throws when the space is not a bounded box or the config is
    /// out of range.
    public init(config: Config = Config(), actionSpace: Space) throws {
        try config.validate()
        self.config = config
        self.actionSpace = actionSpace
        self.bounds = try ActionBounds(space: actionSpace, planner: "random-shooting")
    }

    public var name: String { "random-shooting" }
    public var requirements: PlanningCapabilities { .sequenceScoring }

    public mutating func plan(from observation: [Float], model: any PlanningModel,
                              generator: inout RandomGenerator) throws -> Plan {
        let evaluator = try SequencePlanning.evaluator(model, planner: name, actionSpace: actionSpace)
        try SequencePlanning.checkObservation(observation, planner: name)
        let horizon = config.horizon
        let lower = bounds.tiledLower(horizon: horizon), upper = bounds.tiledUpper(horizon: horizon)
        var candidates = Matrix(rows: config.sequenceCount, columns: horizon * bounds.size)
        candidates.withUnsafeMutableBufferPointer { buffer in
            for index in buffer.indices {
                let column = index % lower.count
                buffer[index] = min(lower[column] + (upper[column] - lower[column]) * generator.nextUniformFloat(), upper[column])
            }
        }
        let values = SequencePlanning.sanitized(
            try evaluator.evaluate(from: observation, actionSequences: candidates, horizon: horizon, generator: &generator))
        let best = SequencePlanning.topIndices(values, count: 1)[0]
        return Plan(actions: SequencePlanning.actionMatrix(candidates.row(best), actionSize: bounds.size),
                    expectedReturn: values[best], modelEvaluations: config.sequenceCount * horizon)
    }

    /// Nothing to forget: random shooting keeps no warm start.
    public mutating func reset() {}
}
