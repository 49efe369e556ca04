import Foundation
import MBRLCore
import MBRLTesting
import Testing

@Suite struct LossTests {
    // MARK: - Mean squared error

    @Test func meanSquaredErrorValueAndGradient() throws {
        let prediction = Matrix(rowArrays: [[1, 2], [3, 4]])
        let target = Matrix(rowArrays: [[0, 2], [1, 0]])
        let (loss, gradient) = try MeanSquaredError.lossAndGradient(prediction: prediction, target: target)
        // (1 + 0 + 4 + 16) / 4
        #expect(abs(loss - 5.25) < 1e-6)
        #expect(gradient == Matrix(rowArrays: [[0.5, 0], [1, 2]]))
        #expect(try MeanSquaredError.loss(prediction: prediction, target: target) == loss)
    }

    @Test func meanSquaredErrorMatchesFiniteDifferences() throws {
        var generator = RandomGenerator(seed: 40)
        let prediction = TestData.uniform(5, 3, generator: &generator)
        let target = TestData.uniform(5, 3, generator: &generator)
        let (_, gradient) = try MeanSquaredError.lossAndGradient(prediction: prediction, target: target)
        let report = try GradientCheck().check("prediction", at: prediction, analytic: gradient) {
            Double(try MeanSquaredError.loss(prediction: $0, target: target))
        }
        #expect(report.passed, "\(report)")
    }

    @Test func meanSquaredErrorSumsMemberMeansAndBroadcastsTargets() throws {
        var generator = RandomGenerator(seed: 41)
        let first = TestData.uniform(4, 3, generator: &generator)
        let second = TestData.uniform(4, 3, generator: &generator)
        let target = TestData.uniform(4, 3, generator: &generator)
        let stacked = first.concatenatedRows(second)
        let expected = try MeanSquaredError.loss(prediction: first, target: target)
            + MeanSquaredError.loss(prediction: second, target: target)
        let shared = try MeanSquaredError.lossAndGradient(prediction: stacked, target: target, memberCount: 2)
        let repeated = try MeanSquaredError.lossAndGradient(
            prediction: stacked, target: target.concatenatedRows(target), memberCount: 2)
        #expect(abs(shared.loss - expected) < 1e-5)
        #expect(abs(repeated.loss - expected) < 1e-5)
        #expect(shared.gradient.maxAbsoluteDifference(repeated.gradient) == 0)
        let firstGradient = try MeanSquaredError.lossAndGradient(prediction: first, target: target).gradient
        #expect(shared.gradient.rows(0..<4).maxAbsoluteDifference(firstGradient) < 1e-7)
        #expect(throws: MBRLError.self) { _ = try MeanSquaredError.loss(prediction: stacked, target: Matrix(rows: 3, columns: 3), memberCount: 2) }
        #expect(throws: MBRLError.self) { _ = try MeanSquaredError.loss(prediction: first, target: Matrix(rows: 4, columns: 2)) }
        #expect(throws: MBRLError.self) { _ = try MeanSquaredError.loss(prediction: first, target: target, memberCount: 3) }
    }

    // MARK: - Gaussian negative log-likelihood

    @Test func gaussianNLLValue() throws {
        // Per entry (mean - target)^2 exp(-lv) + lv; mean over entries.
        let mean = Matrix(rowArrays: [[1, 0]])
        let logVariance = Matrix(rowArrays: [[0, Float(log(4.0))]])
        let target = Matrix(rowArrays: [[0, 2]])
        let loss = try GaussianNegativeLogLikelihood.loss(mean: mean, logVariance: logVariance, target: target)
        let expected = (1.0 + 0) + (4.0 / 4 + log(4.0))
        #expect(abs(Double(loss) - expected / 2) < 1e-6)
    }

    @Test func gaussianNLLMatchesFiniteDifferences() throws {
        var generator = RandomGenerator(seed: 42)
        let mean = TestData.uniform(5, 3, generator: &generator)
        let logVariance = TestData.uniform(5, 3, scale: 2, generator: &generator)
        let target = TestData.uniform(5, 3, generator: &generator)
        let result = try GaussianNegativeLogLikelihood.lossAndGradients(mean: mean, logVariance: logVariance, target: target)
        #expect(result.boundGradients.isEmpty)
        let checker = GradientCheck()
        let meanReport = try checker.check("mean", at: mean, analytic: result.meanGradient) {
            Double(try GaussianNegativeLogLikelihood.loss(mean: $0, logVariance: logVariance, target: target))
        }
        let logVarianceReport = try checker.check("log-variance", at: logVariance, analytic: result.logVarianceGradient) {
            Double(try GaussianNegativeLogLikelihood.loss(mean: mean, logVariance: $0, target: target))
        }
        #expect(meanReport.passed, "\(meanReport)")
        #expect(logVarianceReport.passed, "\(logVarianceReport)")
    }

    /// Bounds close enough that raw values reach both soft corners.
    private func makeBounds() throws -> LogVarianceBounds {
        try LogVarianceBounds(minLogVariance: [-2, -1.5, -3], maxLogVariance: [1, 0.5, 0])
    }

    private func boundedLoss(
        mean: Matrix, raw: Matrix, target: Matrix, bounds: LogVarianceBounds, memberCount: Int = 1
    ) throws -> Double {
        Double(try GaussianNegativeLogLikelihood.lossAndGradients(
            mean: mean, rawLogVariance: raw, target: target, bounds: bounds, memberCount: memberCount).loss)
    }

    @Test(arguments: [1, 2])
    func boundedGaussianNLLMatchesFiniteDifferences(memberCount: Int) throws {
        var generator = RandomGenerator(seed: 43)
        let bounds = try makeBounds()
        let rows = 4 * memberCount
        let mean = TestData.uniform(rows, 3, generator: &generator)
        let raw = TestData.uniform(rows, 3, scale: 4, generator: &generator)
        let target = TestData.uniform(4, 3, generator: &generator)   // shared by the members
        let result = try GaussianNegativeLogLikelihood.lossAndGradients(
            mean: mean, rawLogVariance: raw, target: target, bounds: bounds, memberCount: memberCount)
        #expect(result.logVariance == (try bounds(raw)))
        let checker = GradientCheck()
        let meanReport = try checker.check("mean", at: mean, analytic: result.meanGradient) {
            try boundedLoss(mean: $0, raw: raw, target: target, bounds: bounds, memberCount: memberCount)
        }
        let rawReport = try checker.check("raw log-variance", at: raw, analytic: result.logVarianceGradient) {
            try boundedLoss(mean: mean, raw: $0, target: target, bounds: bounds, memberCount: memberCount)
        }
        let boundReports = try checker.checkParameters(of: bounds, analytic: result.boundGradients) {
            try boundedLoss(mean: mean, raw: raw, target: target, bounds: $0, memberCount: memberCount)
        }
        #expect(meanReport.passed, "\(meanReport)")
        #expect(rawReport.passed, "\(rawReport)")
        #expect(boundReports.count == 2)
        for report in boundReports { #expect(report.passed, "\(report)") }
        // Both bounds matter for this data: their gradients are not negligible.
        #expect(result.boundGradients.allSatisfy { $0.norm() > 1e-2 })
    }

    @Test func boundsKeepTheLogVarianceInsideSoftly() throws {
        let bounds = try LogVarianceBounds(outputSize: 2)
        #expect(bounds.maxLogVariance == Matrix(row: [0.5, 0.5]))
        #expect(bounds.minLogVariance == Matrix(row: [-10, -10]))
        let raw = Matrix(rowArrays: [[-100, 100], [-9, 0], [-10, 0.5]])
        let bounded = try bounds(raw)
        let slack = Float(log1p(exp(-10.5)))
        for value in bounded.values { #expect(value >= -10 && value <= 0.5 + slack + 1e-6) }
        #expect(abs(bounded[0, 0] - -10) < 1e-4 && abs(bounded[0, 1] - 0.5) < 1e-4)
        // Far from both bounds the map is nearly the identity.
        #expect(abs(bounded[1, 1] - 0) < 0.5)
        #expect(throws: MBRLError.self) { _ = try bounds(Matrix(rows: 2, columns: 3)) }
        #expect(throws: MBRLError.self) { _ = try LogVarianceBounds(minLogVariance: [1], maxLogVariance: [0]) }
    }

    @Test func boundPenaltyValueAndGradient() throws {
        var bounds = try makeBounds()
        let (penalty, gradients) = bounds.penalty()
        #expect(abs(penalty - 0.01 * ((1 + 0.5 + 0) - (-2 - 1.5 - 3))) < 1e-6)
        let reports = try GradientCheck().checkParameters(of: bounds, analytic: gradients) {
            Double($0.penalty().value)
        }
        for report in reports { #expect(report.passed, "\(report)") }
        #expect(abs(bounds.penalty(weight: 0.1).value - 10 * penalty) < 1e-6)
        // Learnable: an optimiser step moves both bounds.
        var optimizer = try SGD(learningRate: 1)
        try optimizer.step(&bounds, gradients: gradients)
        #expect(bounds.maxLogVariance == Matrix(row: [0.99, 0.49, -0.01]))
        #expect(bounds.minLogVariance == Matrix(row: [-1.99, -1.49, -2.99]))
        let decoded = try JSONDecoder().decode(LogVarianceBounds.self, from: try JSONEncoder().encode(bounds))
        #expect(decoded == bounds)
    }
}
