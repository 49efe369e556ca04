import MBRLCore
import MBRLTesting
import Testing

/// The Huber loss: values and gradient by hand on both sides of delta, finite differences, and
/// refusals of bad shapes and deltas.
@Suite struct HuberLossTests {
    @Test func valueAndGradientByHandOnBothSidesOfDelta() throws {
        let prediction = Matrix(rowArrays: [[0.5, 3], [-2, 0]])
        let target = Matrix(rows: 2, columns: 2)
        let (loss, gradient) = try HuberLoss.lossAndGradient(prediction: prediction, target: target)
        // 0.5 * 0.25, 1 * (3 - 0.5), 1 * (2 - 0.5), 0, averaged over 4 entries.
        #expect(abs(loss - (0.125 + 2.5 + 1.5) / 4) < 1e-6)
        #expect(gradient == Matrix(rowArrays: [[0.125, 0.25], [-0.25, 0]]))
        // With delta 4 every entry is quadratic: half the mean squared error.
        let wide = try HuberLoss.loss(prediction: prediction, target: target, delta: 4)
        #expect(abs(wide - 0.5 * (0.25 + 9 + 4) / 4) < 1e-6)
    }

    @Test func gradientMatchesFiniteDifferences() throws {
        var generator = RandomGenerator(seed: 70)
        let values = (0..<12).map { _ in Float(generator.nextUniformDouble() * 6 - 3) }
        let prediction = Matrix(rows: 4, columns: 3, values: values)
        let target = Matrix(rows: 4, columns: 3, repeating: 0.2)
        for delta: Float in [0.5, 1, 2] {
            let (_, gradient) = try HuberLoss.lossAndGradient(prediction: prediction, target: target, delta: delta)
            let report = try GradientCheck(step: 1e-3).check("prediction", at: prediction, analytic: gradient) {
                Double(try HuberLoss.loss(prediction: $0, target: target, delta: delta))
            }
            #expect(report.passed, "delta \(delta): \(report)")
        }
    }

    @Test func badShapesAndDeltasAreRefused() {
        #expect(throws: MBRLError.self) { try HuberLoss.loss(prediction: Matrix(rows: 2, columns: 1), target: Matrix(rows: 1, columns: 2)) }
        #expect(throws: MBRLError.self) { try HuberLoss.loss(prediction: Matrix(rows: 1, columns: 1), target: Matrix(rows: 1, columns: 1), delta: 0) }
    }
}
