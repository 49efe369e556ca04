import Envs
import Foundation
import MBRLCore
import Models
import Planners

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `mbrl-run bench plan`: the time to plan one PETS action, with mbrl-lib's default cart-pole
/// settings unless flags change them, and `--scaling` for the table of costs as each size doubles.
///
/// The set-up mirrors `../shared/anchors/mbrl_lib_plan_bench.py`: an untrained Gaussian ensemble
/// (7 members of 4 x 200 SiLU) whose input normaliser is fitted to 200 random cart-pole-sized
/// transitions (observations uniform in [-0.5, 0.5], actions in [-1, 1]), particles routed
/// through random members at every step (`random-model`), the cart-pole reward and termination
/// functions, and CEM (population 350, elite ratio 0.1, 5 iterations, alpha 0.1, horizon 15, 20
/// particles), replanning from the first observation of `ContinuousCartPole-v0` after one
/// warm-up action.
enum PlanBenchmark {
    static let help = """
        mbrl-run bench plan [--actions N] [--threads N] [--population N] [--horizon N]
                            [--particles N] [--iterations N] [--ensemble N] [--hidden N] [--layers N]
                            [--seed S] [--json] [--planner cem|gradient-shooting]
        mbrl-run bench plan --scaling [--actions N] [--threads N] [--json]

        Times one PETS planning step on ContinuousCartPole-v0 with mbrl-lib's default settings:
        a 7-member Gaussian ensemble of 4 hidden layers of 200 SiLU units (untrained; inputs
        normalised), 20 particles with random-model propagation, CEM with population 350, elite
        ratio 0.1, 5 iterations, alpha 0.1, horizon 15. Flags change one setting each.

        Prints seconds per action (the mean of N actions, default 10, after one warm-up action;
        also the processor time per action, user + system over all threads, which other processes
        on a shared machine disturb less),
        rows per second (population x particles x horizon x iterations rows through the network
        per action, divided by the time) and GFLOP/s (2 multiply-adds per weight per row, the
        hidden activations' FLOPs not counted, the same count for mbrl-lib), with the processor,
        the machine's peak on the same thread count measured first in the same run (a loop of
        fused multiply-adds on 512-bit vectors) and the fraction of it the planner reaches.

        --scaling measures the default and then each of population, horizon, particles,
        ensemble size and hidden width doubled, with the ratio to the default (linear cost
        means a ratio of 2, except the ensemble size: the rows are split over the members, so
        the work stays the same).

        --planner gradient-shooting times the gradient-shooting planner instead (its default
        settings: horizon 30, 200 random candidates, the best 4 refined by 30 Adam steps on the
        return's gradient by backpropagation through the model) on Pendulum-v1 with its
        differentiable reward, the same ensemble shape (3 observation entries, 1 action) and the
        model's mean prediction; --population, --particles and --iterations do not apply to it.

        Compare with mbrl-lib side by side: scripts/bench_plan_vs_mbrl_lib.sh
        """

    /// One measured setting.
    struct Setting: Sendable {
        var population = 350
        var horizon = 15
        var particles = 20
        var iterations = 5
        var ensemble = 7
        var hidden = 200
        var layers = 4

        /// Rows through the network per action.
        var rowsPerAction: Int { population * particles * horizon * iterations }

        /// Floating-point operations of the network per row: 2 per weight (4 observation entries
        /// and 1 action in, 4 means and 4 log-variances out).
        var flopsPerRow: Double {
            let input = 5, output = 8
            let weights = input * hidden + max(layers - 1, 0) * hidden * hidden + hidden * output
            return 2 * Double(weights)
        }

        var label: String {
            "population \(population), horizon \(horizon), particles \(particles), iterations \(iterations), ensemble \(ensemble), \(layers) x \(hidden)"
        }
    }

    /// A measurement.
    struct Result: Sendable {
        var setting: Setting
        var secondsPerAction: Double
        /// Processor time (user + system, all threads) per action: less sensitive than the wall
        /// time to other processes on a shared machine.
        var cpuSecondsPerAction: Double
        var rowsPerSecond: Double { Double(setting.rowsPerAction) / secondsPerAction }
        var gigaflopsPerSecond: Double { Double(setting.rowsPerAction) * setting.flopsPerRow / secondsPerAction / 1e9 }
    }

    static func main(_ arguments: [String]) throws {
        if arguments.contains("--help") { print(help); return }
        var parsed = try CommandArguments(arguments, flagNames: ["json", "scaling"])
        let actions = try parsed.integer("actions", default: 10, range: 1...100_000)
        let threads = try parsed.integer("threads", default: 0, range: 0...1024)
        let seed = try parsed.integer("seed", default: 0, range: 0...Int.max)
        var setting = Setting()
        setting.population = try parsed.integer("population", default: setting.population, range: 2...1_000_000)
        setting.horizon = try parsed.integer("horizon", default: setting.horizon, range: 1...10_000)
        setting.particles = try parsed.integer("particles", default: setting.particles, range: 1...100_000)
        setting.iterations = try parsed.integer("iterations", default: setting.iterations, range: 1...1000)
        setting.ensemble = try parsed.integer("ensemble", default: setting.ensemble, range: 1...1000)
        setting.hidden = try parsed.integer("hidden", default: setting.hidden, range: 1...100_000)
        setting.layers = try parsed.integer("layers", default: setting.layers, range: 1...100)
        let json = parsed.flag("json"), scaling = parsed.flag("scaling")
        let plannerName = parsed.string("planner") ?? "cem"
        guard ["cem", "gradient-shooting"].contains(plannerName) else {
            throw UsageError("--planner must be cem or gradient-shooting, got '\(plannerName)'")
        }
        try parsed.rejectUnknown(command: "bench plan")
        if let extra = parsed.positionals.first { throw UsageError("unexpected argument '\(extra)' for 'bench plan'") }
        try TrainBenchmark.applyThreads(threads)
        if plannerName == "gradient-shooting" {
            let seconds = try measureGradientShooting(setting, actions: actions, seed: UInt64(seed))
            if json {
                print("{\"system\": \"mbrl-swift\", \"case\": \"gradient-shooting\", \"seconds_per_action\": \(seconds), \"actions\": \(actions), \"threads\": \(GEMM.defaultThreadCount), \"horizon\": \(setting.horizon), \"ensemble\": \(setting.ensemble), \"hidden\": \(setting.hidden), \"layers\": \(setting.layers)}")
            } else {
                print("Gradient shooting on Pendulum-v1, horizon \(setting.horizon), ensemble \(setting.ensemble), \(setting.layers) x \(setting.hidden), \(GEMM.defaultThreadCount) threads, \(actions) actions")
                print(String(format: "%.4f s per action", seconds))
            }
            return
        }

        let settings: [(String, Setting)]
        if scaling {
            func doubled(_ change: (inout Setting) -> Void) -> Setting { var copy = setting; change(&copy); return copy }
            settings = [
                ("default", setting),
                ("population x2", doubled { $0.population *= 2 }),
                ("horizon x2", doubled { $0.horizon *= 2 }),
                ("particles x2", doubled { $0.particles *= 2 }),
                ("ensemble x2", doubled { $0.ensemble *= 2 }),
                ("hidden width x2", doubled { $0.hidden *= 2 }),
            ]
        } else {
            settings = [("setting", setting)]
        }
        // The machine's peak on the planner's thread count, measured in the same run.
        let peak = MachinePeak.measure(threads: GEMM.defaultThreadCount)
        if !json {
            print("processor: \(MachinePeak.processorDescription)")
            print(BenchGEMMRunner.peakLine([peak]))
        }
        var results: [(String, Result)] = []
        for (name, each) in settings {
            let result = try measure(each, actions: actions, seed: UInt64(seed))
            results.append((name, result))
            if !json && scaling {
                print(String(format: "%@: %.3f s per action (%.3f processor s)", name, result.secondsPerAction, result.cpuSecondsPerAction))
            }
        }
        if json {
            for (name, result) in results {
                let fields = [
                    "\"system\": \"mbrl-swift\"", "\"case\": \"\(name)\"", "\"seconds_per_action\": \(result.secondsPerAction)",
                    "\"cpu_seconds_per_action\": \(result.cpuSecondsPerAction)",
                    "\"rows_per_second\": \(result.rowsPerSecond)", "\"gflops\": \(result.gigaflopsPerSecond)",
                    "\"peak_gflops\": \(peak.gigaflopsPerSecond)", "\"fraction_of_peak\": \(result.gigaflopsPerSecond / peak.gigaflopsPerSecond)",
                    "\"processor\": \"\(MachinePeak.processorDescription.replacingOccurrences(of: "\"", with: "'"))\"",
                    "\"actions\": \(actions)", "\"threads\": \(GEMM.defaultThreadCount)",
                    "\"population\": \(result.setting.population)", "\"horizon\": \(result.setting.horizon)",
                    "\"particles\": \(result.setting.particles)", "\"iterations\": \(result.setting.iterations)",
                    "\"ensemble\": \(result.setting.ensemble)", "\"hidden\": \(result.setting.hidden)", "\"layers\": \(result.setting.layers)",
                ]
                print("{" + fields.joined(separator: ", ") + "}")
            }
        } else if scaling {
            let base = results[0].1.secondsPerAction, cpuBase = results[0].1.cpuSecondsPerAction
            print("")
            print("| change | s per action | ratio to default | processor s per action | ratio | rows per action | GFLOP/s | of peak |")
            print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
            for (name, result) in results {
                print(String(format: "| %@ | %.3f | %.2f | %.3f | %.2f | %d | %.0f | %.2f |", name, result.secondsPerAction,
                             result.secondsPerAction / base, result.cpuSecondsPerAction, result.cpuSecondsPerAction / cpuBase,
                             result.setting.rowsPerAction, result.gigaflopsPerSecond,
                             result.gigaflopsPerSecond / peak.gigaflopsPerSecond))
            }
        } else if let result = results.first?.1 {
            print("PETS planning, \(result.setting.label), \(GEMM.defaultThreadCount) threads, \(actions) actions")
            print(String(format: "%.4f s per action (%.4f processor s), %.3g rows/s, %.1f GFLOP/s, %.2f of the measured peak", result.secondsPerAction,
                         result.cpuSecondsPerAction, result.rowsPerSecond, result.gigaflopsPerSecond,
                         result.gigaflopsPerSecond / peak.gigaflopsPerSecond))
        }
    }

    /// An untrained ensemble of `setting`'s shape (one action entry in `[-actionBound, actionBound]`)
    /// with its input normalisers fitted to 200 uniform rows, as the planning benchmarks use it.
    static func untrainedEnsemble(_ setting: Setting, observationSize: Int, observationScale: Float, actionBound: Float,
                                  generator: inout RandomGenerator) throws -> DynamicsEnsemble {
        var config = DynamicsModelConfig()
        config.ensembleSize = setting.ensemble
        config.eliteCount = min(config.eliteCount, setting.ensemble)
        config.hiddenSizes = Array(repeating: setting.hidden, count: setting.layers)
        var model = try DynamicsEnsemble(config: config, observationSize: observationSize,
                                         actionSpace: .box(Box(lowerBound: -actionBound, upperBound: actionBound, size: 1)),
                                         generator: &generator)
        var data = TransitionBatch(count: 200, observationSize: observationSize, actionSize: 1)
        generator.fillUniform(&data.observations, lower: -observationScale, upper: observationScale)
        generator.fillUniform(&data.actions, lower: -actionBound, upper: actionBound)
        data.nextObservations = data.observations
        try model.fitNormalizers(to: data)
        return model
    }

    /// Plans `actions` actions (after one warm-up action) with `setting` and returns the mean time.
    static func measure(_ setting: Setting, actions: Int, seed: UInt64) throws -> Result {
        var generator = RandomGenerator(seed: seed)
        let actionSpace = Space.box(Box(lowerBound: -1, upperBound: 1, size: 1))
        let model = try untrainedEnsemble(setting, observationSize: 4, observationScale: 0.5, actionBound: 1,
                                          generator: &generator)

        var environment = ContinuousCartPole(seed: seed)
        let observation = try environment.reset(seed: seed)
        let evaluator = try ModelEnvironment(
            model: model, actionSpace: actionSpace, rewardFunction: environment.rewardFunction,
            terminationFunction: environment.terminationFunction,
            config: .init(particleCount: setting.particles, propagation: .randomModel))
        var planner = try CrossEntropyPlanner(
            config: .init(horizon: setting.horizon, populationSize: setting.population, eliteRatio: 0.1,
                          iterations: setting.iterations, alpha: 0.1),
            actionSpace: actionSpace)
        try planner.checkCompatibility(with: evaluator)
        _ = try planner.plan(from: observation, model: evaluator, generator: &generator)
        let clock = ContinuousClock()
        let cpuBefore = processorSeconds()
        let elapsed = try clock.measure {
            for _ in 0..<actions { _ = try planner.plan(from: observation, model: evaluator, generator: &generator) }
        }
        let cpu = processorSeconds() - cpuBefore
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        return Result(setting: setting, secondsPerAction: seconds / Double(actions), cpuSecondsPerAction: cpu / Double(actions))
    }

    /// Plans `actions` actions (after one warm-up action) with the gradient-shooting planner
    /// through an untrained Pendulum-sized ensemble of `setting`'s shape and returns the mean
    /// seconds per action. `setting.horizon` is the planning horizon when given with --horizon,
    /// else the planner's default (30).
    static func measureGradientShooting(_ setting: Setting, actions: Int, seed: UInt64) throws -> Double {
        var generator = RandomGenerator(seed: seed)
        let actionSpace = Space.box(Box(lowerBound: -2, upperBound: 2, size: 1))
        let model = try untrainedEnsemble(setting, observationSize: 3, observationScale: 1, actionBound: 2,
                                          generator: &generator)
        var environment = Pendulum(seed: seed)
        let observation = try environment.reset(seed: seed)
        let evaluator = try ModelEnvironment(
            model: model, actionSpace: actionSpace, rewardFunction: environment.rewardFunction,
            terminationFunction: environment.terminationFunction,
            config: .init(particleCount: 1, propagation: .expectation))
        let horizon = setting.horizon == Setting().horizon ? GradientShootingPlanner.Config().horizon : setting.horizon
        var planner = try GradientShootingPlanner(config: .init(horizon: horizon), actionSpace: actionSpace)
        try planner.checkCompatibility(with: evaluator)
        _ = try planner.plan(from: observation, model: evaluator, generator: &generator)
        let clock = ContinuousClock()
        let elapsed = try clock.measure {
            for _ in 0..<actions { _ = try planner.plan(from: observation, model: evaluator, generator: &generator) }
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        return seconds / Double(actions)
    }

    /// User plus system processor time of this process so far, in seconds.
    static func processorSeconds() -> Double {
        var usage = rusage()
        #if canImport(Darwin)
        guard getrusage(RUSAGE_SELF, &usage) == 0 else { return .nan }
        #else
        guard getrusage(RUSAGE_SELF.rawValue, &usage) == 0 else { return .nan }
        #endif
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) * 1e-6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}
