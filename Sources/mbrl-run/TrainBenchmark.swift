import Foundation
import MBRLCore
import Models

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `mbrl-run bench train`: dynamics-model training throughput on mbrl-lib's PETS cartpole model.
///
/// Trains a 7-member ensemble of 4 x 200 SiLU Gaussian networks (the default
/// `DynamicsModelConfig`) with the default `ModelTrainer` settings (Adam, batch 256 per member,
/// bootstrap resamples, every member scored on the training data after each epoch) on a fixed
/// set of cartpole-sized transitions, after a one-epoch warm-up fit, and reports epochs and
/// transitions per second. `scripts/bench_train_mbrl_lib.py` runs the same fit with mbrl-lib's
/// `ModelTrainer` for comparison. Also times the PETS hot path: one routed prediction of
/// 7,000 rows (350 candidates x 20 particles) through the 5 elites.
enum TrainBenchmark {
    static let help = """
        mbrl-run bench train [--epochs N] [--threads N] [--transitions N] [--json]

        Measures dynamics-model training: mbrl-lib's PETS cartpole ensemble (7 members, 4 hidden
        layers of 200, SiLU, Gaussian outputs with learned log-variance bounds, inputs normalised,
        delta targets) fitted with Adam (lr 7.5e-4, weight decay 3e-5, batch 256 per member,
        bootstrap resamples, members scored on the training data after each epoch) to N
        cartpole-sized transitions (default 10000; 4 observation entries, 1 action entry).

        Timing: a monotonic clock around one fit of --epochs epochs (default 5) after a one-epoch
        warm-up fit. Reports epochs per second and transitions per second (transitions x epochs
        / seconds), and the time of one routed prediction of 7000 rows through the elites.
        --threads sets the GEMM threads (default: all cores; the MBRL_THREADS variable).

        Compare with mbrl-lib (PyTorch) on the same work:
          /tmp/anchorvenv/bin/python scripts/bench_train_mbrl_lib.py --epochs N --threads N
        """

    static func main(_ arguments: [String]) throws {
        if arguments.contains("--help") { print(help); return }
        var parsed = try CommandArguments(arguments, flagNames: ["json"])
        let epochs = try parsed.integer("epochs", default: 5, range: 1...10_000)
        let threads = try parsed.integer("threads", default: 0, range: 0...1024)
        let transitions = try parsed.integer("transitions", default: 10_000, range: 256...10_000_000)
        let json = parsed.flag("json")
        try parsed.rejectUnknown(command: "bench train")
        if let extra = parsed.positionals.first { throw UsageError("unexpected argument '\(extra)' for 'bench train'") }
        try applyThreads(threads)

        var generator = RandomGenerator(seed: 0)
        let data = syntheticCartPoleTransitions(count: transitions, generator: &generator)
        var config = DynamicsModelConfig()
        config.training.patience = 0
        var model = try DynamicsEnsemble(config: config, observationSize: 4,
                                         actionSpace: .box(Box(lowerBound: -1, upperBound: 1, size: 1)), generator: &generator)
        var warmUp = try ModelTrainer(config: trainerConfig(epochs: 1))
        try warmUp.train(&model, on: data, generator: &generator)
        var trainer = try ModelTrainer(config: trainerConfig(epochs: epochs))
        let clock = ContinuousClock()
        var result: ModelTrainingResult?
        let elapsed = try clock.measure { result = try trainer.train(&model, on: data, generator: &generator) }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let predictionSeconds = try routedPredictionSeconds(model: model, generator: &generator)
        let epochsPerSecond = Double(epochs) / seconds
        let samplesPerSecond = Double(epochs * transitions) / seconds
        if json {
            let fields: [String] = [
                "\"system\": \"mbrl-swift\"", "\"epochs\": \(epochs)", "\"threads\": \(GEMM.defaultThreadCount)",
                "\"transitions\": \(transitions)", "\"seconds\": \(seconds)", "\"epochs_per_second\": \(epochsPerSecond)",
                "\"samples_per_second\": \(samplesPerSecond)", "\"routed_predict_7000_rows_seconds\": \(predictionSeconds)",
                "\"final_training_loss\": \(result?.epochs.last?.trainingLoss ?? .nan)",
            ]
            print("{" + fields.joined(separator: ", ") + "}")
        } else {
            print("processor: \(MachinePeak.processorDescription)")
            print("model: 7 x (4 x 200 SiLU) Gaussian ensemble, batch 256 per member, \(transitions) transitions, \(GEMM.defaultThreadCount) threads")
            print(String(format: "training: %d epochs in %.3f s: %.3f epochs/s, %.0f transitions/s (final loss %.4f)",
                         epochs, seconds, epochsPerSecond, samplesPerSecond, result?.epochs.last?.trainingLoss ?? .nan))
            print(String(format: "routed prediction of 7000 rows through 5 elites: %.2f ms", predictionSeconds * 1000))
        }
    }

    /// Sets the GEMM thread count for the process (0 keeps the default: all cores, or
    /// `MBRL_THREADS`). The count is read once, on the first multiplication, so this must run
    /// before any.
    static func applyThreads(_ threads: Int) throws {
        guard threads > 0 else { return }
        setenv("MBRL_THREADS", String(threads), 1)
        guard GEMM.defaultThreadCount == threads else {
            throw UsageError("--threads \(threads) could not be applied (GEMM already uses \(GEMM.defaultThreadCount) threads)")
        }
    }

    /// The benchmark's trainer settings: the defaults (mbrl-lib's cartpole) without early stopping.
    static func trainerConfig(epochs: Int) -> ModelTrainerConfig {
        ModelTrainerConfig(epochs: epochs, patience: 0)
    }

    /// Cartpole-sized transitions of a smooth made-up system (the values do not change the cost),
    /// the same recipe as `scripts/bench_train_mbrl_lib.py`.
    static func syntheticCartPoleTransitions(count: Int, generator: inout RandomGenerator) -> TransitionBatch {
        var data = TransitionBatch(count: count, observationSize: 4, actionSize: 1)
        generator.fillStandardNormal(&data.observations)
        generator.fillUniform(&data.actions, lower: -1, upper: 1)
        for row in 0..<count {
            for column in 0..<4 {
                let state = data.observations[row, column]
                data.nextObservations[row, column] = state + 0.1 * tanhf(state + data.actions[row, 0])
            }
            data.rewards[row] = 1
        }
        return data
    }

    /// The best of 10 timings of one routed prediction of 7,000 rows spread over the elites.
    static func routedPredictionSeconds(model: DynamicsEnsemble, generator: inout RandomGenerator) throws -> Double {
        let rows = 7000
        var observations = Matrix(rows: rows, columns: 4), actions = Matrix(rows: rows, columns: 1)
        generator.fillStandardNormal(&observations)
        generator.fillUniform(&actions, lower: -1, upper: 1)
        let members = (0..<rows).map { $0 % model.memberCount }
        let clock = ContinuousClock()
        var best = Double.infinity
        for _ in 0..<10 {
            let elapsed = try clock.measure {
                _ = try model.predict(observations: observations, actions: actions, members: members, generator: &generator)
            }
            best = min(best, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
        }
        return best
    }
}
