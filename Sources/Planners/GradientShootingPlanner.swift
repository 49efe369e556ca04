import MBRLCore

/// Gradient shooting: optimises action sequences by gradient ascent (Adam) on the return the
/// model predicts, back-propagating through the model and a differentiable reward
/// (`DifferentiableTrajectoryEvaluator`, for example `ModelEnvironment` over a
/// `DifferentiableDynamicsModel` with a `DifferentiableRewardFunction`).
///
/// Each plan:
/// 1. draws `candidateCount` uniform sequences, scores them, and keeps the best `startCount` as
///    starting points (plus the previous plan shifted one step, when warm-starting);
/// 2. runs `iterations` Adam steps on all starts at once, each step followed by projecting the
///    actions back into the bounds;
/// 3. returns the best sequence seen at any step.
///
/// `requirements` include `.returnGradients`, so pairing it with a model or reward that has no
/// gradients fails `checkCompatibility` when a recipe is built. `Plan.modelEvaluations` counts
/// sequence steps of forward passes (a gradient pass counts once).
///
/// ```swift
/// let evaluator = try ModelEnvironment(model: PendulumDynamicsModel(), actionSpace: actionSpace,
///                                      rewardFunction: PendulumRewardFunction(), terminationFunction: nil)
/// var planner = try GradientShootingPlanner(config: .init(horizon: 30), actionSpace: actionSpace)
/// try planner.checkCompatibility(with: evaluator)
/// let plan = try planner.plan(from: observation, model: evaluator, generator: &generator)
/// ```
public struct GradientShootingPlanner: Planner {
    /// The settings.
    public let config: Config
    /// The actions plans are made of (a bounded box).
    public let actionSpace: Space
    let bounds: ActionBounds
    /// The previous plan shifted one step (nil after `reset()`).
    public private(set) var warmStart: [Float]?

    /// A planner for `actionSpace`; throws when the space is not a bounded box or the config is
    /// out of range.
    public init(config: Config = Config(), actionSpace: Space) throws {
        try config.validate()
        self.config = config
        self.actionSpace = actionSpace
        self.bounds = try ActionBounds(space: actionSpace, planner: "gradient-shooting")
    }

    public var name: String { "gradient-shooting" }
    public var requirements: PlanningCapabilities { [.sequenceScoring, .returnGradients] }

    public mutating func plan(from observation: [Float], model: any PlanningModel,
                              generator: inout RandomGenerator) throws -> Plan {
        guard let evaluator = model as? any DifferentiableTrajectoryEvaluator, model.capabilities.contains(.returnGradients) else {
            throw MBRLError.incompatible(
                "planner \"\(name)\" needs gradients of the return with respect to the actions, which \(type(of: model)) does not provide "
                    + "(it offers \(model.capabilities)); use a differentiable model and reward, or a sampling planner such as \"cem\"")
        }
        try SequencePlanning.checkActionSpace(of: model, matches: actionSpace, planner: name)
        try SequencePlanning.checkObservation(observation, planner: name)
        let horizon = config.horizon, actionSize = bounds.size, width = horizon * actionSize
        let lower = bounds.tiledLower(horizon: horizon), upper = bounds.tiledUpper(horizon: horizon)
        var evaluations = 0

        // MARK: Starts: the best random candidates and the warm start
        var candidates = Matrix(rows: config.candidateCount, columns: width)
        candidates.withUnsafeMutableBufferPointer { buffer in
            for index in buffer.indices {
                let column = index % width
                buffer[index] = min(lower[column] + (upper[column] - lower[column]) * generator.nextUniformFloat(), upper[column])
            }
        }
        let candidateValues = SequencePlanning.sanitized(
            try evaluator.evaluate(from: observation, actionSequences: candidates, horizon: horizon, generator: &generator))
        evaluations += config.candidateCount * horizon
        var starts = candidates.gatherRows(SequencePlanning.topIndices(candidateValues, count: min(config.startCount, config.candidateCount)))
        if config.warmStart, let warmStart { starts.appendRow(warmStart) }

        // MARK: Adam ascent with projection
        var optimizer = try Adam(learningRate: config.learningRate)
        var parameters = [starts]
        var bestValue = -Float.infinity
        var bestSequence = starts.row(0)
        for iteration in 0...config.iterations {
            let values: [Float]
            var gradients = Matrix(rows: 0, columns: 0)
            if iteration < config.iterations {
                let result = try evaluator.evaluateWithGradients(from: observation, actionSequences: parameters[0],
                                                                 horizon: horizon, generator: &generator)
                values = SequencePlanning.sanitized(result.returns)
                gradients = result.gradients
            } else {
                values = SequencePlanning.sanitized(
                    try evaluator.evaluate(from: observation, actionSequences: parameters[0], horizon: horizon, generator: &generator))
            }
            evaluations += parameters[0].rows * horizon
            for (row, value) in values.enumerated() where value > bestValue {
                bestValue = value
                bestSequence = parameters[0].row(row)
            }
            guard iteration < config.iterations else { break }
            // Adam minimises: step on the negated return gradient, zeroing non-finite entries.
            var descent = gradients
            descent.withUnsafeMutableBufferPointer { buffer in
                for index in buffer.indices { buffer[index] = buffer[index].isFinite ? -buffer[index] : 0 }
            }
            try optimizer.step(parameters: &parameters, gradients: [descent])
            bounds.clamp(&parameters[0])
        }

        warmStart = SequencePlanning.shifted(bestSequence, actionSize: actionSize, fill: bounds.middle)
        return Plan(actions: SequencePlanning.actionMatrix(bestSequence, actionSize: actionSize),
                    expectedReturn: bestValue, modelEvaluations: evaluations)
    }

    /// Forgets the warm start.
    public mutating func reset() { warmStart = nil }
}
