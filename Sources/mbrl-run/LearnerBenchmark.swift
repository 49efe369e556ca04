import Algorithms
import Foundation
import MBRLCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `mbrl-run bench learner`: the speed of the model-free learner MBPO runs on, and of the
/// imagined rollouts that feed it.
///
/// (a) SAC updates per second (`SoftActorCriticUpdate`, Stable-Baselines3's SAC step): batch
/// 256, a tanh-squashed Gaussian actor and twin critics of 2 x 256 ReLU, Adam, entropy tuning
/// and a Polyak target update every step, on random data (the values do not change the cost),
/// at Pendulum sizes (observation 3, action 1) and HalfCheetah sizes (observation 17, action 6).
/// (b) Imagined steps per second, measured by `ImaginedRolloutBenchmark`.
/// `scripts/bench_learner_pytorch.py` measures the same in PyTorch.
enum LearnerBenchmark {
    static let help = """
        mbrl-run bench learner [--threads N] [--seconds S] [--warmup N] [--batch N] [--json]

        (a) SAC updates per second: one update is Stable-Baselines3's SAC gradient step
        (temperature, twin critics with targets from the target critics, reparameterised actor,
        three Adam steps, Polyak target update) on a batch of N rows (default 256) with a
        tanh-squashed Gaussian actor and twin critics of 2 x 256 ReLU, on random data, at
        Pendulum sizes (observation 3, action 1) and HalfCheetah sizes (observation 17, action 6).
        (b) Imagined steps per second: one closed-loop step of 100,000 start states through a
        7-member 4 x 200 SiLU ensemble (observation 17, action 6) with a 2 x 256 ReLU policy,
        members drawn per row among the elites (median of 3 steps).

        Timing: a monotonic clock; --warmup updates first (default 20), then as many updates as
        take at least S seconds (default 2). Prints the processor (model, family, vector extension) with the figures.

        Threads: without --threads, measures on 1 thread and on all cores (each in a child
        process with MBRL_THREADS set, since the GEMM thread count is fixed per process); with
        --threads N, on N threads only.

        Compare with PyTorch side by side: scripts/bench_learner_vs_pytorch.sh
        """

    /// One measured problem size.
    struct Problem: Sendable {
        var name: String
        var observationSize: Int
        var actionSize: Int
    }

    static let problems = [
        Problem(name: "pendulum", observationSize: 3, actionSize: 1),
        Problem(name: "halfcheetah", observationSize: 17, actionSize: 6),
    ]

    static func main(_ arguments: [String]) throws {
        if arguments.contains("--help") { print(help); return }
        var parsed = try CommandArguments(arguments, flagNames: ["json"])
        let threads = try parsed.integer("threads", default: 0, range: 0...1024)
        let seconds = try parsed.numbers("seconds")?.first ?? 2
        let warmup = try parsed.integer("warmup", default: 20, range: 0...100_000)
        let batchSize = try parsed.integer("batch", default: 256, range: 1...1_000_000)
        let json = parsed.flag("json")
        try parsed.rejectUnknown(command: "bench learner")
        if let extra = parsed.positionals.first { throw UsageError("unexpected argument '\(extra)' for 'bench learner'") }
        guard seconds > 0 && seconds <= 600 else { throw UsageError("--seconds takes seconds in (0, 600], got \(seconds)") }

        guard threads > 0 else {
            // Both thread counts, each in its own process.
            let all = ProcessInfo.processInfo.activeProcessorCount
            var lines: [String] = []
            for count in all > 1 ? [1, all] : [1] {
                let output = try runChild(threads: count, seconds: seconds, warmup: warmup, batchSize: batchSize)
                if json { print(output) } else { lines.append(output) }
            }
            if !json { lines.forEach { print($0) } }
            return
        }
        try TrainBenchmark.applyThreads(threads)
        let result = try measure(seconds: seconds, warmup: warmup, batchSize: batchSize)
        print(json ? result.json : result.text)
    }

    /// The figures of one thread count.
    struct Result {
        var threads: Int
        var batchSize: Int
        var updatesPerSecond: [(problem: Problem, value: Double)]
        var imaginedStepsPerSecond: Double?

        var json: String {
            var fields = [
                "\"system\": \"mbrl-swift\"", "\"threads\": \(threads)", "\"batch\": \(batchSize)",
                "\"cpu\": \"\(cpuModel().replacingOccurrences(of: "\"", with: "'"))\"",
            ]
            for (problem, value) in updatesPerSecond { fields.append("\"\(problem.name)_updates_per_second\": \(value)") }
            fields.append("\"imagined_steps_per_second\": " + (imaginedStepsPerSecond.map { "\($0)" } ?? "null"))
            return "{" + fields.joined(separator: ", ") + "}"
        }

        var text: String {
            var lines = ["CPU: \(cpuModel()); \(threads) thread\(threads == 1 ? "" : "s")"]
            for (problem, value) in updatesPerSecond {
                lines.append(String(format: "  SAC updates/s, %@ (obs %d, act %d, batch %d): %.1f",
                                    problem.name, problem.observationSize, problem.actionSize, batchSize, value))
            }
            lines.append("  imagined steps/s: " + (imaginedStepsPerSecond.map { String(format: "%.0f", $0) }
                                                   ?? "not measured"))
            return lines.joined(separator: "\n")
        }
    }

    /// Every measurement on this process's thread count.
    static func measure(seconds: Double, warmup: Int, batchSize: Int) throws -> Result {
        var result = Result(threads: GEMM.defaultThreadCount, batchSize: batchSize, updatesPerSecond: [])
        for problem in problems {
            let rate = try sacUpdatesPerSecond(problem, batchSize: batchSize, seconds: seconds, warmup: warmup)
            result.updatesPerSecond.append((problem, rate))
        }
        // MARK: (b) imagined steps per second
        // One closed-loop step of 100,000 start states through a 7-member 4 x 200 SiLU ensemble
        // with a 2 x 256 ReLU tanh policy, at HalfCheetah sizes (as scripts/bench_learner_pytorch.py).
        let imagined = try ImaginedRolloutBenchmark.measure(observationSize: 17, actionSize: 6, startCount: 100_000,
                                                           repeats: 3, seed: 0)
        result.imaginedStepsPerSecond = imagined.stepsPerSecond
        return result
    }

    /// SAC updates per second at one problem size.
    static func sacUpdatesPerSecond(_ problem: Problem, batchSize: Int, seconds: Double, warmup: Int) throws -> Double {
        var generator = RandomGenerator(seed: 0)
        let bound: Float = 1
        let actor = try SquashedGaussianMLPPolicy(
            config: .init(hiddenSizes: [256, 256], activation: .relu),
            observationSpace: .box(Box(lowerBound: -.infinity, upperBound: .infinity, size: problem.observationSize)),
            actionSpace: .box(Box(lowerBound: -bound, upperBound: bound, size: problem.actionSize)), generator: &generator)
        var learner = try SoftActorCriticUpdate(actor: actor, generator: &generator)
        var batch = TransitionBatch(count: batchSize, observationSize: problem.observationSize, actionSize: problem.actionSize)
        generator.fillStandardNormal(&batch.observations)
        generator.fillStandardNormal(&batch.nextObservations)
        generator.fillUniform(&batch.actions, lower: -bound, upper: bound)
        for row in 0..<batchSize {
            batch.rewards[row] = generator.nextUniformFloat(in: -1, 1)
            batch.terminated[row] = generator.nextUniformFloat(in: 0, 1) < 0.01
        }
        for _ in 0..<warmup { _ = try learner.update(on: batch, generator: &generator) }
        let clock = ContinuousClock()
        let start = clock.now
        var updates = 0
        var elapsed = 0.0
        repeat {
            for _ in 0..<10 { _ = try learner.update(on: batch, generator: &generator) }
            updates += 10
            let duration = clock.now - start
            elapsed = Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
        } while elapsed < seconds
        return Double(updates) / elapsed
    }

    /// Runs `mbrl-run bench learner --threads N` in a child process and returns its output.
    static func runChild(threads: Int, seconds: Double, warmup: Int, batchSize: Int) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        if !FileManager.default.isExecutableFile(atPath: process.executableURL?.path ?? "") {
            process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        }
        var childArguments = ["bench", "learner", "--threads", String(threads), "--seconds", String(seconds),
                              "--warmup", String(warmup), "--batch", String(batchSize)]
        if CommandLine.arguments.contains("--json") { childArguments.append("--json") }
        process.arguments = childArguments
        var environment = ProcessInfo.processInfo.environment
        environment["MBRL_THREADS"] = String(threads)
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw UsageError("bench learner on \(threads) thread(s) failed with status \(process.terminationStatus)")
        }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The processor, as `MachinePeak` describes it (model, family, widest vector extension).
    static func cpuModel() -> String { MachinePeak.processorDescription }
}
