import Foundation
import MBRLCore
import Testing

@Suite struct InitializerTests {
    private func moments(_ values: [Float]) -> (mean: Double, standardDeviation: Double) {
        let mean = values.reduce(0.0) { $0 + Double($1) } / Double(values.count)
        let variance = values.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(values.count)
        return (mean, variance.squareRoot())
    }

    @Test func truncatedNormalFollowsMbrlLib() {
        var generator = RandomGenerator(seed: 60)
        let inputSize = 16
        let weights = WeightInitializer.truncatedNormal.weights(inputSize: inputSize, outputSize: 2000, generator: &generator)
        let standardDeviation = 1 / (2 * Double(inputSize).squareRoot())
        #expect(abs(Double(WeightInitializer.truncatedNormalStandardDeviation(inputSize: inputSize)) - standardDeviation) < 1e-7)
        #expect(weights.values.allSatisfy { abs(Double($0)) <= 2 * standardDeviation + 1e-6 })
        // A standard normal truncated at +-2 has standard deviation 0.8796.
        let (mean, measured) = moments(weights.values)
        #expect(abs(mean) < 0.02 * standardDeviation)
        #expect(abs(measured / standardDeviation - 0.8796) < 0.01)
        // Draws beyond 1.9 std exist: the tails are kept up to the cut.
        #expect(weights.values.contains { abs(Double($0)) > 1.9 * standardDeviation })
    }

    @Test func glorotUniformBoundsAndSpread() {
        var generator = RandomGenerator(seed: 61)
        let weights = WeightInitializer.glorotUniform.weights(inputSize: 100, outputSize: 200, generator: &generator)
        let bound = (6.0 / 300).squareRoot()
        #expect(weights.values.allSatisfy { abs(Double($0)) <= bound })
        let (mean, measured) = moments(weights.values)
        #expect(abs(mean) < 0.01 * bound)
        #expect(abs(measured - bound / 3.0.squareRoot()) < 0.01 * bound)
    }

    @Test func seededAndBiasesZero() throws {
        for initializer in WeightInitializer.allCases {
            var first = RandomGenerator(seed: 62), second = RandomGenerator(seed: 62), third = RandomGenerator(seed: 63)
            let a = try Dense(inputSize: 5, outputSize: 4, initializer: initializer, generator: &first)
            let b = try Dense(inputSize: 5, outputSize: 4, initializer: initializer, generator: &second)
            let c = try Dense(inputSize: 5, outputSize: 4, initializer: initializer, generator: &third)
            #expect(a == b)
            #expect(a.weight != c.weight)
            #expect(a.bias == Matrix(rows: 1, columns: 4))
        }
    }

    @Test func recipeNames() throws {
        #expect(WeightInitializer(name: "xavier-uniform") == .glorotUniform)
        #expect(WeightInitializer(name: "truncated-normal") == .truncatedNormal)
        let decoded = try JSONDecoder().decode([WeightInitializer].self, from: Data(#"["glorot-uniform", "xavier_uniform"]"#.utf8))
        #expect(decoded == [.glorotUniform, .glorotUniform])
        #expect(throws: DecodingError.self) {
            _ = try JSONDecoder().decode([WeightInitializer].self, from: Data(#"["he-normal"]"#.utf8))
        }
    }
}
