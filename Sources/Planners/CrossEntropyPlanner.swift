import MBRLCore

/// The cross-entropy method (CEM) over action sequences, with mbrl-lib's `CEMOptimizer` as the
/// reference (the `CEM_PETS` variant of Chua et al. 2018, described in Pinneri et al. 2020, §2.1).
///
/// Each plan starts from a mean sequence (the previous plan shifted one step earlier with the
/// last step reset to the middle of the action box, or the middle everywhere after `reset()`) and
/// the variance `(upper - lower)^2 / 16`, then for `iterations` rounds:
///
///     std_j   = sqrt(min(((mean_j - lower_j) / 2)^2, ((upper_j - mean_j) / 2)^2, var_j))
///     sample  = mean + std * z,   z ~ N(0, 1) truncated at ±2
///     elites  = the ceil(populationSize * eliteRatio) sequences with the highest return
///     mean    = alpha * mean + (1 - alpha) * mean(elites)
///     var     = alpha * var  + (1 - alpha) * var(elites)        (biased variance)
///
/// so every sample stays inside the action bounds. The plan is the final mean
/// (`returnMeanElites`, as mbrl-lib's example configs) or the best sequence seen. When
/// `varianceTolerance > 0` the loop stops early once every variance is below it (PETS's
/// `epsilon`). `Plan.modelEvaluations` counts sequence steps (`population * horizon` per round).
///
/// ```swift
/// var planner = try CrossEntropyPlanner(config: .init(horizon: 15), actionSpace: environment.actionSpace)
/// try planner.checkCompatibility(with: evaluator)
/// let plan = try planner.plan(from: observation, model: evaluator, generator: &generator)
/// let action = plan.firstAction
/// ```
public struct CrossEntropyPlanner: Planner {
    /// The settings.
    public let config: Config
    /// The actions plans are made of (a bounded box).
    public let actionSpace: Space
    let bounds: ActionBounds
    /// The warm start for the next plan, `[H * A]` (nil after `reset()`).
    public private(set) var warmStart: [Float]?

    /// A planner for `actionSpace`; throws when the space is not a bounded box or the config is
    /// out of range.
    public init(config: Config = Config(), actionSpace: Space) throws {
        try config.validate()
        self.config = config
        self.actionSpace = actionSpace
        self.bounds = try ActionBounds(space: actionSpace, planner: "cem")
    }

    public var name: String { "cem" }
    public var requirements: PlanningCapabilities { .sequenceScoring }

    /// The number of elites: `ceil(populationSize * eliteRatio)`, as mbrl-lib.
    public var eliteCount: Int { config.eliteCount }

    public mutating func plan(from observation: [Float], model: any PlanningModel,
                              generator: inout RandomGenerator) throws -> Plan {
        let evaluator = try SequencePlanning.evaluator(model, planner: name, actionSpace: actionSpace)
        try SequencePlanning.checkObservation(observation, planner: name)
        let horizon = config.horizon, actionSize = bounds.size, width = horizon * actionSize
        let lower = bounds.tiledLower(horizon: horizon), upper = bounds.tiledUpper(horizon: horizon)
        var mean = (config.warmStart ? warmStart : nil) ?? bounds.tiledMiddle(horizon: horizon)
        var variance = SequencePlanning.initialVariance(lower: lower, upper: upper)

        var population = Matrix(rows: config.populationSize, columns: width)
        var bestValue = -Float.infinity
        var bestSequence = mean
        var lastEliteValues: [Float] = []
        var evaluations = 0
        for _ in 0..<config.iterations {
            if config.varianceTolerance > 0 && variance.allSatisfy({ $0 < config.varianceTolerance }) { break }
            // MARK: Sample inside the bounds
            let deviations = (0..<width).map { column -> Float in
                let below = (mean[column] - lower[column]) / 2, above = (upper[column] - mean[column]) / 2
                return max(0, min(below * below, above * above, variance[column])).squareRoot()
            }
            generator.fillTruncatedNormal(&population, means: mean, standardDeviations: deviations, truncation: 2)
            bounds.clamp(&population)

            // MARK: Score and refit
            let values = SequencePlanning.sanitized(
                try evaluator.evaluate(from: observation, actionSequences: population, horizon: horizon, generator: &generator))
            evaluations += config.populationSize * horizon
            let elites = SequencePlanning.topIndices(values, count: eliteCount)
            let (eliteMean, eliteVariance) = SequencePlanning.meanAndVariance(of: population, rows: elites)
            for column in 0..<width {
                mean[column] = config.alpha * mean[column] + (1 - config.alpha) * eliteMean[column]
                variance[column] = config.alpha * variance[column] + (1 - config.alpha) * eliteVariance[column]
            }
            if values[elites[0]] > bestValue {
                bestValue = values[elites[0]]
                bestSequence = population.row(elites[0])
            }
            lastEliteValues = elites.map { values[$0] }
        }

        // MARK: Answer and warm start
        var solution = config.returnMeanElites ? mean : bestSequence
        bounds.clamp(&solution)
        warmStart = SequencePlanning.shifted(solution, actionSize: actionSize, fill: bounds.middle)
        let expected: Float? = config.returnMeanElites
            ? (lastEliteValues.isEmpty ? nil : lastEliteValues.reduce(0, +) / Float(lastEliteValues.count))
            : (bestValue.isFinite ? bestValue : nil)
        return Plan(actions: SequencePlanning.actionMatrix(solution, actionSize: actionSize),
                    expectedReturn: expected, modelEvaluations: evaluations)
    }

    /// Forgets the warm start.
    public mutating func reset() { warmStart = nil }
}
