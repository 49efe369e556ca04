import Foundation
import MBRLCore
import Models

/// Imagined-rollout throughput, for `mbrl-run bench learner`: one closed-loop step of a policy
/// through a 7-member ensemble from many start states (MBPO's model rollouts), in imagined steps
/// (rows) per second.
///
/// The set-up follows mbrl-lib's MBPO on HalfCheetah: a Gaussian ensemble of 7 members with 4
/// hidden layers of 200 SiLU units, 5 elites, a learned reward head, inputs normalised, each row
/// routed to a random elite; the policy is a 2 x 256 ReLU network with a tanh output (SAC's
/// actor size, its mean only). The weights are untrained; the cost does not depend on them.
enum ImaginedRolloutBenchmark {
    /// One measured case.
    struct Result: Sendable {
        /// Entries per observation and action.
        var observationSize: Int
        var actionSize: Int
        /// Start states per closed-loop step.
        var startCount: Int
        /// Seconds per closed-loop step, each repeat (sorted).
        var seconds: [Double]
        /// Processor seconds (user + system, all threads) per step, the mean over the repeats:
        /// less disturbed than the wall time by other processes on a shared machine.
        var processorSeconds: Double
        /// The median seconds per step.
        var medianSeconds: Double { seconds[seconds.count / 2] }
        /// Imagined steps (rows) per second at the median.
        var stepsPerSecond: Double { Double(startCount) / medianSeconds }
    }

    /// A deterministic MLP policy acting on whole batches (the benchmark's actor).
    struct NetworkPolicy: Policy {
        var network: MLP
        func actions(for observations: Matrix, mode: ActionMode, generator: inout RandomGenerator) throws -> Matrix {
            try network(observations)
        }
    }

    /// Measures one closed-loop step from `startCount` states for each `(observation, action)`
    /// size: the 17/6 HalfCheetah case and the 3/1 Pendulum case unless given.
    ///
    /// - Parameters:
    ///   - sizes: `(observationSize, actionSize)` pairs.
    ///   - startCount: start states per step (default 100,000, MBPO's rollout batch size).
    ///   - repeats: timed repeats after one warm-up step; the median is reported (default 5).
    ///   - seed: the weights', start states' and routing's seed.
    static func measure(sizes: [(Int, Int)] = [(17, 6), (3, 1)], startCount: Int = 100_000, repeats: Int = 5,
                        seed: UInt64 = 0) throws -> [Result] {
        try sizes.map { observationSize, actionSize in
            try measure(observationSize: observationSize, actionSize: actionSize, startCount: startCount,
                        repeats: repeats, seed: seed)
        }
    }

    /// Measures one case (see `measure(sizes:startCount:repeats:seed:)`).
    static func measure(observationSize: Int, actionSize: Int, startCount: Int, repeats: Int, seed: UInt64) throws -> Result {
        guard startCount >= 1, repeats >= 1 else {
            throw MBRLError.invalidArgument("the imagined-rollout benchmark needs at least 1 start state and 1 repeat")
        }
        var generator = RandomGenerator(seed: seed)
        let actionSpace = Space.box(Box(lowerBound: -1, upperBound: 1, size: actionSize))
        let config = DynamicsModelConfig(kind: .gaussian, ensembleSize: 7, eliteCount: 5,
                                         hiddenSizes: [200, 200, 200, 200], activation: .silu, learnedReward: true)
        var model = try DynamicsEnsemble(config: config, observationSize: observationSize, actionSpace: actionSpace,
                                         generator: &generator)
        try model.setElites([0, 1, 2, 3, 4])
        var data = TransitionBatch(count: 1000, observationSize: observationSize, actionSize: actionSize)
        generator.fillUniform(&data.observations, lower: -1, upper: 1)
        generator.fillUniform(&data.actions, lower: -1, upper: 1)
        generator.fillUniform(&data.nextObservations, lower: -1, upper: 1)
        try model.fitNormalizers(to: data)
        let policy = NetworkPolicy(network: try MLP(inputSize: observationSize, hiddenSizes: [256, 256], outputSize: actionSize,
                                                    activation: .relu, outputActivation: .tanh, generator: &generator))
        var starts = Matrix(rows: startCount, columns: observationSize)
        generator.fillUniform(&starts, lower: -1, upper: 1)
        let rollout = try ModelRollout(config: .init(horizon: 1, memberSelection: .randomEachStep),
                                       rewardFunction: nil, terminationFunction: NoTermination())
        _ = try rollout.run(model: model, policy: policy, startObservations: starts, generator: &generator)
        let clock = ContinuousClock()
        var seconds: [Double] = []
        let processorBefore = PlanBenchmark.processorSeconds()
        for _ in 0..<repeats {
            var imagined: ImaginedTransitions?
            let elapsed = try clock.measure {
                imagined = try rollout.run(model: model, policy: policy, startObservations: starts, generator: &generator)
            }
            guard imagined?.count == startCount else {
                throw MBRLError.invalidArgument("the benchmark rollout returned \(imagined?.count ?? 0) rows for \(startCount) start states")
            }
            seconds.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
        }
        let processor = (PlanBenchmark.processorSeconds() - processorBefore) / Double(repeats)
        return Result(observationSize: observationSize, actionSize: actionSize, startCount: startCount, seconds: seconds.sorted(),
                      processorSeconds: processor)
    }

    /// One line per case: sizes, median seconds and imagined steps per second.
    static func report(_ results: [Result]) -> String {
        results.map { result in
            String(format: "imagined rollout, observation %d, action %d, %d start states, 7 x 4 x 200 SiLU ensemble, 2 x 256 policy: %.3f s per step (median of %d; %.3f processor s), %.3g imagined steps/s",
                   result.observationSize, result.actionSize, result.startCount, result.medianSeconds, result.seconds.count,
                   result.processorSeconds, result.stepsPerSecond)
        }.joined(separator: "\n")
    }
}
