import MBRLCore
import Testing

/// Conjugate gradient and the KL-bounded backtracking line search.
@Suite struct TrustRegionTests {
    /// `A v` for a fixed symmetric positive definite 4 x 4 matrix.
    static let matrix: [[Float]] = [[4, 1, 0, 0.5], [1, 3, 0.2, 0], [0, 0.2, 2, 0.1], [0.5, 0, 0.1, 1]]
    static func product(_ vector: [Float]) -> [Float] {
        matrix.map { row in zip(row, vector).reduce(0) { $0 + $1.0 * $1.1 } }
    }

    @Test func conjugateGradientSolvesASmallSPDSystem() throws {
        let solution: [Float] = [1, -2, 0.5, 3]
        let rightHandSide = Self.product(solution)
        let result = try ConjugateGradient().solve(rightHandSide: rightHandSide, product: Self.product)
        for (got, want) in zip(result.solution, solution) { #expect(abs(got - want) < 1e-4) }
        #expect(result.iterations <= 5)   // exact in at most n steps, up to rounding
        #expect(!result.stoppedOnNonPositiveCurvature)
        // A budget of one iteration is a steepest-descent step: not yet the solution.
        let short = try ConjugateGradient(maximumIterations: 1).solve(rightHandSide: rightHandSide, product: Self.product)
        #expect(short.iterations == 1)
        #expect(zip(short.solution, solution).contains { abs($0 - $1) > 0.1 })
    }

    @Test func conjugateGradientStopsOnNegativeCurvatureAndZeroRightHandSide() throws {
        let negative = try ConjugateGradient().solve(rightHandSide: [1, 0]) { $0.map { -$0 } }
        #expect(negative.stoppedOnNonPositiveCurvature)
        let zero = try ConjugateGradient().solve(rightHandSide: [0, 0, 0], product: Self.product)
        #expect(zero.iterations == 0 && zero.solution == [0, 0, 0])
    }

    /// A quadratic KL `0.5 * d^T F d` with `F = diag(2, 8)` and a linear surrogate `g^T d`.
    @Test func lineSearchAcceptsTheFirstStepInsideTheTrustRegion() throws {
        let fisher: [Float] = [2, 8]
        let gradient: [Float] = [1, 1]
        func kl(_ step: [Float]) -> Float { 0.5 * (fisher[0] * step[0] * step[0] + fisher[1] * step[1] * step[1]) }
        let direction = try ConjugateGradient().solve(rightHandSide: gradient) { zip(fisher, $0).map { $0 * $1 } }.solution
        #expect(abs(direction[0] - 0.5) < 1e-6 && abs(direction[1] - 0.125) < 1e-6)
        let search = KullbackLeiblerLineSearch(maximumKullbackLeibler: 0.01)
        let curvature = fisher[0] * direction[0] * direction[0] + fisher[1] * direction[1] * direction[1]
        let full = try search.fullStep(direction: direction, curvature: curvature)
        #expect(abs(kl(full) - 0.01) < 1e-6)   // the full step lies on the trust region's edge
        let start: [Float] = [3, -1]
        // A true KL twice the quadratic model (0.02 c^2) rejects c = 1 and 0.8, accepts c = 0.64.
        let accepted = try #require(try search.search(from: start, fullStep: full) { candidate in
            let step = zip(candidate, start).map { $0 - $1 }
            return (zip(gradient, step).reduce(0) { $0 + $1.0 * $1.1 }, 2 * kl(step))
        })
        #expect(accepted.evaluations == 3)
        #expect(abs(accepted.coefficient - 0.64) < 1e-6)
        #expect(accepted.kullbackLeibler <= 0.01 && accepted.improvement > 0)
        #expect(abs(accepted.parameters[0] - (3 + 0.64 * full[0])) < 1e-6)
        // Never improving: no step after 10 tries.
        var tries = 0
        let rejected = try search.search(from: start, fullStep: full) { _ in tries += 1; return (-1, 0) }
        #expect(rejected == nil && tries == 10)
    }
}
