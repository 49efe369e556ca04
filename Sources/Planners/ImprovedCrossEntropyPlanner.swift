#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MBRLCore

/// The improved cross-entropy method, iCEM (Pinneri et al., "Sample-efficient Cross-Entropy
/// Method for Real-time Planning", CoRL 2020), with mbrl-lib's `ICEMOptimizer` as the reference
/// for the details.
///
/// Differences from CEM, each from the paper:
/// - samples are coloured noise (`ColoredNoise`, exponent `noiseExponent`) along time, scaled by
///   the standard deviation, added to the mean and clipped to the action bounds;
/// - the population shrinks each iteration: `N_i = max(ceil(N * decay^-i), minimum)` (the
///   minimum defaults to twice the elite count, as mbrl-lib);
/// - a fraction `keepEliteFraction` of the elites joins the next iteration's population; at the
///   first iteration of a plan those come from the previous plan's elites shifted one step
///   earlier (with a fresh last step drawn from `N(mean, var)` of the last step);
/// - the last iteration also scores the mean itself;
/// - the plan is the best sequence seen (`returnMeanElites` false), not the mean.
///
/// The mean is warm-started by shifting (the last step reset to the middle of the box), and the
/// variance restarts at `(upper - lower)^2 / 16` every plan. `Plan.modelEvaluations` counts
/// sequence steps over every scored sequence.
///
/// ```swift
/// var planner = try ImprovedCrossEntropyPlanner(config: .init(horizon: 30), actionSpace: environment.actionSpace)
/// let plan = try planner.plan(from: observation, model: evaluator, generator: &generator)
/// ```
public struct ImprovedCrossEntropyPlanner: Planner {
    /// The settings.
    public let config: Config
    /// The actions plans are made of (a bounded box).
    public let actionSpace: Space
    let bounds: ActionBounds
    let noise: ColoredNoise
    /// The warm-start mean for the next plan, `[H * A]` (nil after `reset()`).
    public private(set) var warmStart: [Float]?
    /// The last plan's elites `[K, H * A]`, not yet shifted (nil after `reset()`).
    public private(set) var previousElites: Matrix?

    /// A planner for `actionSpace`; throws when the space is not a bounded box or the config is
    /// out of range.
    public init(config: Config = Config(), actionSpace: Space) throws {
        try config.validate()
        self.config = config
        self.actionSpace = actionSpace
        self.bounds = try ActionBounds(space: actionSpace, planner: "icem")
        self.noise = ColoredNoise(exponent: config.noiseExponent, length: config.horizon)
    }

    public var name: String { "icem" }
    public var requirements: PlanningCapabilities { .sequenceScoring }

    /// The population size of iteration `iteration` (0-based), before kept elites and the mean.
    public func populationSize(atIteration iteration: Int) -> Int {
        let decayed = (Double(config.populationSize) * pow(Double(config.populationDecay), -Double(iteration))).rounded(.up)
        return max(Int(decayed), config.resolvedMinimumPopulationSize)
    }

    public mutating func plan(from observation: [Float], model: any PlanningModel,
                              generator: inout RandomGenerator) throws -> Plan {
        let evaluator = try SequencePlanning.evaluator(model, planner: name, actionSpace: actionSpace)
        try SequencePlanning.checkObservation(observation, planner: name)
        let horizon = config.horizon, actionSize = bounds.size, width = horizon * actionSize
        let lower = bounds.tiledLower(horizon: horizon), upper = bounds.tiledUpper(horizon: horizon)
        var mean = (config.warmStart ? warmStart : nil) ?? bounds.tiledMiddle(horizon: horizon)
        var variance = SequencePlanning.initialVariance(lower: lower, upper: upper)
        let eliteCount = config.eliteCount, keepCount = config.keptEliteCount

        var elites: Matrix? = config.warmStart ? previousElites.map {
            shiftedElites($0, mean: mean, variance: variance, generator: &generator)
        } : nil
        var bestValue = -Float.infinity
        var bestSequence = mean
        var evaluations = 0
        for iteration in 0..<config.iterations {
            // MARK: Sample coloured noise around the mean
            let sampled = populationSize(atIteration: iteration)
            var population = Matrix(rows: sampled, columns: width)
            var series = [Float](repeating: 0, count: horizon)
            let deviations = variance.map { $0.squareRoot() }
            for row in 0..<sampled {
                for dimension in 0..<actionSize {
                    noise.fill(&series, generator: &generator)
                    for time in 0..<horizon {
                        let column = time * actionSize + dimension
                        population[row, column] = min(max(mean[column] + deviations[column] * series[time], lower[column]), upper[column])
                    }
                }
            }
            // MARK: Add kept elites and, last, the mean
            if let elites, keepCount > 0 {
                let chosen = try generator.sampleWithoutReplacement(from: elites.rows, count: min(keepCount, elites.rows))
                population = population.concatenatedRows(elites.gatherRows(chosen))
            }
            if iteration == config.iterations - 1 {
                var clampedMean = mean
                bounds.clamp(&clampedMean)
                population.appendRow(clampedMean)
            }

            // MARK: Score and refit
            let values = SequencePlanning.sanitized(
                try evaluator.evaluate(from: observation, actionSequences: population, horizon: horizon, generator: &generator))
            evaluations += population.rows * horizon
            let eliteRows = SequencePlanning.topIndices(values, count: min(eliteCount, population.rows))
            elites = population.gatherRows(eliteRows)
            let (eliteMean, eliteVariance) = SequencePlanning.meanAndVariance(of: population, rows: eliteRows)
            for column in 0..<width {
                mean[column] = config.alpha * mean[column] + (1 - config.alpha) * eliteMean[column]
                variance[column] = config.alpha * variance[column] + (1 - config.alpha) * eliteVariance[column]
            }
            if values[eliteRows[0]] > bestValue {
                bestValue = values[eliteRows[0]]
                bestSequence = population.row(eliteRows[0])
            }
        }

        // MARK: Answer and warm start
        var solution = config.returnMeanElites ? mean : bestSequence
        bounds.clamp(&solution)
        var shiftedMean = mean
        bounds.clamp(&shiftedMean)
        warmStart = SequencePlanning.shifted(shiftedMean, actionSize: actionSize, fill: bounds.middle)
        previousElites = elites
        return Plan(actions: SequencePlanning.actionMatrix(solution, actionSize: actionSize),
                    expectedReturn: config.returnMeanElites ? nil : bestValue, modelEvaluations: evaluations)
    }

    /// The previous plan's elites moved one step earlier, each with a new last step drawn from
    /// `N(mean, var)` of the last step and clipped to the bounds.
    func shiftedElites(_ elites: Matrix, mean: [Float], variance: [Float], generator: inout RandomGenerator) -> Matrix {
        let actionSize = bounds.size, width = elites.columns
        var shifted = Matrix(rows: elites.rows, columns: width)
        for row in 0..<elites.rows {
            for column in 0..<(width - actionSize) { shifted[row, column] = elites[row, column + actionSize] }
            for dimension in 0..<actionSize {
                let column = width - actionSize + dimension
                let value = mean[column] + variance[column].squareRoot() * generator.nextStandardNormalFloat()
                shifted[row, column] = min(max(value, bounds.lower[dimension]), bounds.upper[dimension])
            }
        }
        return shifted
    }

    /// Forgets the warm start and the kept elites.
    public mutating func reset() {
        warmStart = nil
        previousElites = nil
    }
}
