#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MBRLCore

/// Model-predictive path integral control, MPPI (Williams et al. 2017), in the form of
/// mbrl-lib's `MPPIOptimizer` (the PDDM variant of Nagabandi et al. 2019, with refinement
/// iterations): sequences are the mean plus time-smoothed noise, and the new mean is their
/// average weighted by `exp(gamma * (return - best return))`.
///
/// Each plan first shifts the mean one step earlier (keeping its last step) and remembers the
/// previous first step as the action just executed. Then, `iterations` times:
///
///     std_t   = sqrt(min(((mean_t - lower) / 2)^2, ((upper - mean_t) / 2)^2, sigma^2))
///     n_t     = std_t * z_t,   z ~ N(0, 1) truncated at ±2
///     a_0     = beta * (mean_0 + n_0) + (1 - beta) * executed action
///     a_t     = beta * (mean_t + n_t) + (1 - beta) * a_{t-1}          (then clipped to the bounds)
///     w_i     = exp(gamma * (R_i - max_j R_j))
///     mean    = sum_i w_i a_i / (sum_i w_i + 1e-10)
///
/// The plan is the mean. One deliberate difference from mbrl-lib: there the smoothed samples use
/// the unscaled noise `z`, so `sigma` has no effect; here the noise is scaled by `std` as the
/// docstring ("noise scaling term") and PDDM intend. `Plan.expectedReturn` is the weighted mean
/// of the last iteration's returns.
///
/// ```swift
/// var planner = try PathIntegralPlanner(config: .init(horizon: 30, gamma: 0.9, sigma: 1, beta: 0.9),
///                                       actionSpace: environment.actionSpace)
/// let plan = try planner.plan(from: observation, model: evaluator, generator: &generator)
/// ```
public struct PathIntegralPlanner: Planner {
    /// The settings.
    public let config: Config
    /// The actions plans are made of (a bounded box).
    public let actionSpace: Space
    let bounds: ActionBounds
    /// The mean sequence `[H * A]` of the last plan (nil after `reset()`).
    public private(set) var mean: [Float]?

    /// A planner for `actionSpace`; throws when the space is not a bounded box or the config is
    /// out of range.
    public init(config: Config = Config(), actionSpace: Space) throws {
        try config.validate()
        self.config = config
        self.actionSpace = actionSpace
        self.bounds = try ActionBounds(space: actionSpace, planner: "mppi")
    }

    public var name: String { "mppi" }
    public var requirements: PlanningCapabilities { .sequenceScoring }

    public mutating func plan(from observation: [Float], model: any PlanningModel,
                              generator: inout RandomGenerator) throws -> Plan {
        let evaluator = try SequencePlanning.evaluator(model, planner: name, actionSpace: actionSpace)
        try SequencePlanning.checkObservation(observation, planner: name)
        let horizon = config.horizon, actionSize = bounds.size, width = horizon * actionSize
        let lower = bounds.tiledLower(horizon: horizon), upper = bounds.tiledUpper(horizon: horizon)

        // MARK: Shift the mean; its old first step is the action just executed
        var current = mean ?? bounds.tiledMiddle(horizon: horizon)
        let executed = Array(current[0..<actionSize])
        current = SequencePlanning.shifted(current, actionSize: actionSize, fill: Array(current[(width - actionSize)...]))

        let populationSize = config.populationSize
        var noise = Matrix(rows: populationSize, columns: width)
        var population = Matrix(rows: populationSize, columns: width)
        let beta = config.beta, sigmaSquared = config.sigma * config.sigma
        var expected: Float = 0
        for _ in 0..<config.iterations {
            // MARK: Smoothed samples
            let deviations = (0..<width).map { column -> Float in
                let below = (current[column] - lower[column]) / 2, above = (upper[column] - current[column]) / 2
                return max(0, min(below * below, above * above, sigmaSquared)).squareRoot()
            }
            generator.fillTruncatedNormal(&noise, mean: 0, standardDeviation: 1, truncation: 2)
            for row in 0..<populationSize {
                for column in 0..<width {
                    let previous = column < actionSize ? executed[column] : population[row, column - actionSize]
                    population[row, column] = beta * (current[column] + deviations[column] * noise[row, column]) + (1 - beta) * previous
                }
            }
            bounds.clamp(&population)

            // MARK: Exponentially weighted mean
            let values = SequencePlanning.sanitized(
                try evaluator.evaluate(from: observation, actionSequences: population, horizon: horizon, generator: &generator))
            let best = values.max() ?? 0
            let weights = values.map { Double(exp(Double(config.gamma) * Double($0 - best))) }
            let norm = weights.reduce(0, +) + 1e-10
            var weighted = [Double](repeating: 0, count: width)
            for row in 0..<populationSize where weights[row] > 0 {
                for column in 0..<width { weighted[column] += weights[row] * Double(population[row, column]) }
            }
            current = weighted.map { Float($0 / norm) }
            expected = Float(zip(weights, values).reduce(0) { $0 + $1.0 * Double($1.1) } / norm)
        }
        bounds.clamp(&current)
        mean = current
        return Plan(actions: SequencePlanning.actionMatrix(current, actionSize: actionSize), expectedReturn: expected,
                    modelEvaluations: config.iterations * populationSize * horizon)
    }

    /// Forgets the mean (the next plan starts from the middle of the action box).
    public mutating func reset() { mean = nil }
}
