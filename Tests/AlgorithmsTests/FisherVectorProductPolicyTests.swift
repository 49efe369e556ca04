import Algorithms
import MBRLCore
import MBRLTesting
import Testing

/// The MLP's Jacobian-vector product, and the Fisher-vector products of the diagonal Gaussian
/// and categorical policies against finite differences of the KL gradient (a Hessian-vector
/// product of the mean KL at the old parameters).
@Suite struct FisherVectorProductPolicyTests {
    typealias Checks = PolicyGradientTesting

    /// A random direction with one entry per parameter.
    func direction(_ count: Int, generator: inout RandomGenerator) -> [Float] {
        var values = [Float](repeating: 0, count: count)
        generator.fillStandardNormal(&values)
        return values
    }

    /// The cosine of two vectors and the largest entry difference relative to the RMS of `exact`.
    func compare(_ numeric: [Double], _ exact: [Float]) -> (cosine: Double, worst: Double) {
        var dot = 0.0, numericNorm = 0.0, exactNorm = 0.0, worst = 0.0
        for index in numeric.indices {
            dot += numeric[index] * Double(exact[index])
            numericNorm += numeric[index] * numeric[index]
            exactNorm += Double(exact[index]) * Double(exact[index])
        }
        let rms = (exactNorm / Double(max(exact.count, 1))).squareRoot()
        for index in numeric.indices { worst = max(worst, abs(numeric[index] - Double(exact[index])) / max(rms, 1e-12)) }
        return (dot / max((numericNorm * exactNorm).squareRoot(), 1e-30), worst)
    }

    @Test func mlpJacobianVectorProductMatchesFiniteDifferences() throws {
        for (activation, hiddenSizes) in [(Activation.tanh, [5, 4]), (.silu, [6]), (.softplus, [3, 3])] {
            for seed in Checks.seeds {
                var generator = RandomGenerator(seed: seed)
                let network = try MLP(inputSize: 3, hiddenSizes: hiddenSizes, outputSize: 2, activation: activation,
                                      outputActivation: .tanh, generator: &generator)
                let inputs = TestData.uniform(4, 3, generator: &generator)
                let tangents = network.parameters.map { TestData.uniform($0.rows, $0.columns, generator: &generator) }
                let inputTangent = TestData.uniform(4, 3, generator: &generator)
                let (_, tape) = try network.forward(inputs)
                let product = try network.jacobianVectorProduct(parameterTangents: tangents, inputTangent: inputTangent, tape: tape)
                let step: Float = 1e-2
                func shifted(_ sign: Float) throws -> Matrix {
                    var moved = network
                    try moved.setParameters(zip(network.parameters, tangents).map { $0 + sign * step * $1 })
                    return try moved(inputs + sign * step * inputTangent)
                }
                let numeric = (try shifted(1) - shifted(-1)).values.map { Double($0) / Double(2 * step) }
                let result = compare(numeric, product.values)
                #expect(result.cosine > 0.9999 && result.worst < 1e-2, "\(activation): \(result)")
            }
        }
    }

    /// Checks `F v` against `(g(theta + h v) - g(theta - h v)) / 2h`, `g` the gradient of the
    /// mean `KL(old || theta)` with `old` the distribution at the current parameters.
    func checkFisher<P: FisherVectorProductPolicy>(_ policy: P, observations: Matrix, generator: inout RandomGenerator,
                                                   sourceLocation: SourceLocation = #_sourceLocation) throws {
        let rows = observations.rows
        let old = try policy.distribution(for: observations)
        let v = direction(policy.parameterCount, generator: &generator)
        let product = try policy.fisherVectorProduct(v, for: observations)
        func klGradient(_ shift: Float) throws -> [Float] {
            var moved = policy
            try moved.setFlattenedParameters(zip(policy.flattenedParameters(), v).map { $0 + shift * $1 })
            let (_, pullback) = try moved.klDivergencesWithPullback(from: old, for: observations)
            return try pullback([Float](repeating: 1 / Float(rows), count: rows)).parameters.flatMap(\.values)
        }
        let step: Float = 1e-2
        let plus = try klGradient(step), minus = try klGradient(-step)
        let numeric = zip(plus, minus).map { Double($0 - $1) / Double(2 * step) }
        let result = compare(numeric, product)
        #expect(result.cosine > 0.9999 && result.worst < 2e-2, "\(result)", sourceLocation: sourceLocation)
        // The Fisher is positive semi-definite; damping adds damping * v.
        #expect(zip(v, product).reduce(0) { $0 + Double($1.0) * Double($1.1) } >= 0, sourceLocation: sourceLocation)
        let damped = try policy.fisherVectorProduct(v, for: observations, damping: 0.5)
        #expect(zip(damped, zip(product, v)).allSatisfy { abs($0 - ($1.0 + 0.5 * $1.1)) < 1e-4 * max(1, abs($0)) },
                sourceLocation: sourceLocation)
        #expect(throws: MBRLError.self, sourceLocation: sourceLocation) {
            try policy.fisherVectorProduct(Array(v.dropLast()), for: observations)
        }
    }

    @Test func diagonalGaussianFisherVectorProduct() throws {
        for shape in Checks.shapes {
            for seed in Checks.seeds {
                for activation in [Activation.tanh, .silu] {
                    var generator = RandomGenerator(seed: seed)
                    var policy = try DiagonalGaussianMLPPolicy(
                        config: .init(hiddenSizes: shape.hiddenSizes, activation: activation),
                        observationSpace: .box(Box(lowerBound: -1, upperBound: 1, size: shape.observationSize)),
                        actionSpace: .box(Box(lowerBound: -1, upperBound: 1, size: shape.actionSize)), generator: &generator)
                    var parameters = policy.parameters
                    parameters[parameters.count - 1] = TestData.uniform(1, shape.actionSize, scale: 0.5, generator: &generator)
                    try policy.setParameters(parameters)
                    let observations = TestData.uniform(shape.rows, shape.observationSize, generator: &generator)
                    try checkFisher(policy, observations: observations, generator: &generator)
                }
            }
        }
    }

    @Test func categoricalFisherVectorProduct() throws {
        for (observationSize, actionCount, hiddenSizes, rows) in [(3, 2, [4], 3), (2, 4, [5, 3], 4), (4, 3, [6], 5)] {
            for seed in Checks.seeds {
                for activation in [Activation.tanh, .silu] {
                    var generator = RandomGenerator(seed: seed)
                    let policy = try CategoricalMLPPolicy(
                        config: .init(hiddenSizes: hiddenSizes, activation: activation),
                        observationSpace: .box(Box(lowerBound: -1, upperBound: 1, size: observationSize)),
                        actionSpace: .discrete(Discrete(count: actionCount)), generator: &generator)
                    let observations = TestData.uniform(rows, observationSize, scale: 2, generator: &generator)
                    try checkFisher(policy, observations: observations, generator: &generator)
                }
            }
        }
    }
}
