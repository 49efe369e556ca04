import MBRLCore
import Testing

/// Generalised advantage estimation against a hand-computed example.
@Suite struct TrajectoryBufferTests {
    /// Two environments, four steps. Environment 0: rewards 1, 2, 0, 1; values 0.5, 1, 2, 1;
    /// step 1 truncated (final observation value 4), step 2 terminated; last value 2.
    /// Environment 1: rewards 0, 0, 0, 1, values 0, no episode end, last value 0.
    static func example() throws -> TrajectoryBuffer {
        var buffer = TrajectoryBuffer(observationSize: 1, actionSize: 1, environmentCount: 2)
        let rewards: [[Float]] = [[1, 0], [2, 0], [0, 0], [1, 1]]
        let values: [[Float]] = [[0.5, 0], [1, 0], [2, 0], [1, 0]]
        let terminated: [[Bool]] = [[false, false], [false, false], [true, false], [false, false]]
        let truncated: [[Bool]] = [[false, false], [true, false], [false, false], [false, false]]
        let starts: [[Bool]] = [[true, true], [false, false], [true, false], [true, false]]
        for step in 0..<4 {
            try buffer.append(observations: Matrix(rows: 2, columns: 1, values: [Float(step), Float(10 + step)]),
                              actions: Matrix(rows: 2, columns: 1), rewards: rewards[step], logProbabilities: [0, 0],
                              values: values[step], terminated: terminated[step], truncated: truncated[step],
                              episodeStarts: starts[step], finalObservationValues: step == 1 ? [4, 0] : nil)
        }
        return buffer
    }

    @Test func gaeMatchesTheHandComputedExample() throws {
        var buffer = try Self.example()
        try buffer.computeReturnsAndAdvantages(lastValues: [2, 0], discount: 0.5, gaeLambda: 0.5)
        // Environment 0, backwards (gamma = lambda = 0.5):
        // t3: delta = 1 + 0.5 * 2 - 1 = 1                       A = 1
        // t2: terminated, delta = 0 - 2 = -2                     A = -2
        // t1: truncated, delta = 2 + 0.5 * 4 - 1 = 3             A = 3
        // t0: delta = 1 + 0.5 * 1 - 0.5 = 1, A = 1 + 0.25 * 3 =  1.75
        // Environment 1: deltas 0, 0, 0, 1; A = 1/64, 1/16, 1/4, 1 (gamma * lambda = 0.25).
        let expected: [Float] = [1.75, 1.0 / 64, 3, 1.0 / 16, -2, 0.25, 1, 1]
        for (got, want) in zip(buffer.advantages, expected) { #expect(abs(got - want) < 1e-6) }
        let expectedReturns: [Float] = [2.25, 1.0 / 64, 4, 1.0 / 16, 0, 0.25, 2, 1]
        for (got, want) in zip(buffer.returns, expectedReturns) { #expect(abs(got - want) < 1e-6) }
        let batch = buffer.batch([0, 5])
        #expect(batch.observations.values == [0, 12])
        #expect(batch.advantages == [1.75, 0.25])
    }

    @Test func lambdaOneGivesDiscountedMonteCarloReturnsAndTerminationDoesNotBootstrap() throws {
        var buffer = try Self.example()
        try buffer.computeReturnsAndAdvantages(lastValues: [2, 0], discount: 0.5, gaeLambda: 1)
        // Environment 0 returns: t0 = 1 + 0.5 * (2 + 0.5 * 4) = 3 (truncation bootstraps 4), t2 = 0 (terminal).
        #expect(abs(buffer.returns[0] - 3) < 1e-6)
        #expect(abs(buffer.returns[4] - 0) < 1e-6)
        #expect(abs(buffer.returns[6] - 2) < 1e-6)
    }

    @Test func truncationWithoutAFinalValueIsRefused() throws {
        var buffer = TrajectoryBuffer(observationSize: 1, actionSize: 1)
        #expect(throws: MBRLError.self) {
            try buffer.append(observations: Matrix(rows: 1, columns: 1), actions: Matrix(rows: 1, columns: 1), rewards: [1],
                              logProbabilities: [0], values: [0], terminated: [false], truncated: [true], episodeStarts: [true])
        }
        #expect(buffer.count == 0)
    }
}
