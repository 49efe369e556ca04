import Algorithms
import MBRLCore
import MBRLTesting
import Testing

/// Helpers shared by the neural policies' gradient tests, and the checks every stochastic
/// policy must pass (surrogate gradient, log-densities of its own samples).
enum PolicyGradientTesting {
    /// The shapes the gradient tests run over: observation size, action size, hidden sizes, rows.
    static let shapes: [(observationSize: Int, actionSize: Int, hiddenSizes: [Int], rows: Int)] = [
        (3, 1, [4], 3), (2, 3, [5, 3], 4), (4, 2, [6], 2),
    ]
    /// The seeds every shape runs with.
    static let seeds: [UInt64] = [1, 2]

    /// A checker for Float policies of a few small tanh layers.
    static let checker = GradientCheck(step: 1e-2, relativeTolerance: 2e-2, absoluteTolerance: 1e-3)

    /// A box with random bounds, lower in `[-2, -0.5]`, upper in `[0.5, 3]`.
    static func randomBox(size: Int, generator: inout RandomGenerator) -> Box {
        Box(lowerBound: (0..<size).map { _ in generator.nextUniformFloat(in: -2, -0.5) },
            upperBound: (0..<size).map { _ in generator.nextUniformFloat(in: 0.5, 3) })
    }

    /// Random upstream weights `[B]`.
    static func weights(_ rows: Int, generator: inout RandomGenerator) -> [Float] {
        (0..<rows).map { _ in generator.nextUniformFloat(in: -1, 1) }
    }

    /// `sum_i weights_i * values_i` in Double.
    static func weighted(_ values: [Float], _ weights: [Float]) -> Double {
        zip(values, weights).reduce(0) { $0 + Double($1.0) * Double($1.1) }
    }

    /// Expects `analytic` to match finite differences of `loss` with respect to every parameter
    /// of `policy` and to the observations.
    static func expectGradients<P: ParameterContainer>(
        _ policy: P, observations: Matrix, analytic: PolicyGradients, checker: GradientCheck = checker,
        sourceLocation: SourceLocation = #_sourceLocation,
        _ loss: (P, Matrix) throws -> Double
    ) throws {
        let reports = try checker.checkParameters(of: policy, analytic: analytic.parameters) { try loss($0, observations) }
        for report in reports { #expect(report.passed, "\(report)", sourceLocation: sourceLocation) }
        let report = try checker.check("observations", at: observations, analytic: analytic.observations) {
            try loss(policy, $0)
        }
        #expect(report.passed, "\(report)", sourceLocation: sourceLocation)
    }

    /// Checks the surrogate's gradient and that a policy's own samples get the log-densities
    /// its `sample` reported.
    static func checkSurrogateAndSampleDensities<P: StochasticPolicy>(
        _ policy: P, observations: Matrix, generator: inout RandomGenerator,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let draw = try policy.sample(for: observations, generator: &generator)
        let recomputed = try policy.logDensities(of: draw.samples, for: observations)
        for row in 0..<observations.rows {
            #expect(abs(recomputed[row] - draw.logDensities[row]) < 1e-3 * max(1, abs(recomputed[row])),
                    "row \(row): sample said \(draw.logDensities[row]), log-density \(recomputed[row])",
                    sourceLocation: sourceLocation)
        }
        // Old log-densities off the current ones, so the ratios are not all 1.
        let old = draw.logDensities.map { $0 + generator.nextUniformFloat(in: -0.3, 0.3) }
        let advantages = weights(observations.rows, generator: &generator)
        let (value, ratios, gradients) = try policy.surrogateWithGradient(
            samples: draw.samples, observations: observations, oldLogDensities: old, advantages: advantages)
        #expect(ratios.count == observations.rows, sourceLocation: sourceLocation)
        let samples = draw.samples
        func surrogate(_ candidate: P, _ inputs: Matrix) throws -> Double {
            try candidate.surrogateWithGradient(samples: samples, observations: inputs, oldLogDensities: old,
                                                advantages: advantages).value.doubleValue
        }
        #expect(abs(Double(value) - (try surrogate(policy, observations))) < 1e-6, sourceLocation: sourceLocation)
        try expectGradients(policy, observations: observations, analytic: gradients, sourceLocation: sourceLocation) {
            try surrogate($0, $1)
        }
    }

    /// Writes `policy` into a checkpoint and reads it into `blank` (same shapes, other values).
    static func roundTrip<P: Checkpointable>(_ policy: P, into blank: P) throws -> P {
        var writer = CheckpointWriter()
        try policy.write(to: &writer, prefix: "policy")
        let checkpoint = try Checkpoint(data: try writer.encodedData())
        var restored = blank
        try restored.read(from: checkpoint, prefix: "policy")
        return restored
    }
}

extension Float {
    /// The value as a Double.
    var doubleValue: Double { Double(self) }
}
