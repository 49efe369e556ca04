import Algorithms
import Foundation
import MBRLCore

/// `mbrl-run bench mbpo`: seconds per environment step of MBPO in steady state.
///
/// Runs an MBPO recipe through `MBRLLoop` (no evaluation episodes, quiet, a temporary run
/// directory) for its exploration steps and then N training steps, with the `"mbpo"` optimizer
/// wrapped in `TimedPolicyOptimizer`, and reports the wall and CPU time of the training steps
/// per step (model fits, model rollouts, SAC updates, acting, environment steps, logs and
/// checkpoints all included), broken down into SAC updates, model rollouts, acting, model fits
/// (each fit run again on its own, on a copy of the fitted model and its data) and the rest.
/// `scripts/bench_mbpo_mbrl_lib.py` measures mbrl-lib's MBPO the same way.
enum MBPOBenchmark {
    static let help = """
        mbrl-run bench mbpo [RECIPE] [--steps N] [--seed S] [--threads T] [--json]

        Runs RECIPE (default recipes/mbpo-cartpole.json: mbrl-lib's mbpo_cartpole settings) through
        the loop for its exploration steps and then N training steps (default 600: with a refit
        every 200 steps, three model fits, each followed by 400 x 200 = 80,000 one-step model
        rollouts, and 20 SAC updates of batch 256 per step), without evaluation episodes, in a
        temporary run directory removed afterwards, and reports the seconds per training step:
        wall time (monotonic clock) and this process's CPU time, from the end of the last
        exploration step to the end of the last training step's SAC updates, divided by N.
        RECIPE must use the "mbpo" policy optimizer and collect its first data by
        loop.explorationSteps (with explorationEpisodes 0), as recipes/mbpo-cartpole.json does.

        Breakdown per training step: SAC updates, model rollouts (the optimizer's work after each
        fit), acting (the actor on one observation per step), model fits (each fit run again
        afterwards on a copy of the fitted model and of the data it was fitted on, same epochs),
        and the rest (environment steps, the loop's logs and per-episode checkpoints). The rest is
        what remains of the wall time, so it also takes up any difference between the fits in the
        run and their second timing (--json gives fits and rest together as well).

          --steps N     training steps after exploration (default 600)
          --seed S      the recipe's seed (default: the recipe's own)
          --threads T   GEMM threads (default: all cores; the MBRL_THREADS variable)
          --json        one JSON line instead of the text

        Compare with mbrl-lib's MBPO side by side: scripts/bench_mbpo_vs_mbrl_lib.sh
        """

    typealias Timed = TimedPolicyOptimizer<ModelBasedPolicyOptimization>

    static func main(_ arguments: [String]) throws {
        if arguments.contains("--help") { print(help); return }
        var parsed = try CommandArguments(arguments, flagNames: ["json"])
        let steps = try parsed.integer("steps", default: 600, range: 1...10_000_000)
        let threads = try parsed.integer("threads", default: 0, range: 0...1024)
        let seed = parsed.string("seed")
        let json = parsed.flag("json")
        try parsed.rejectUnknown(command: "bench mbpo")
        guard parsed.positionals.count <= 1 else {
            throw UsageError("unexpected argument '\(parsed.positionals[1])' for 'bench mbpo'")
        }
        try TrainBenchmark.applyThreads(threads)

        let path = parsed.positionals.first ?? "recipes/mbpo-cartpole.json"
        guard FileManager.default.fileExists(atPath: path) else {
            throw UsageError("no recipe at \(path); run from the repository root or pass the recipe's path")
        }
        let directory = try PetsBenchmark.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var overrides = ["output.directory=\"\(directory)\"", "output.progress=quiet", "loop.evaluationEpisodes=0"]
        if let seed { overrides.append("seed=\(seed)") }
        var recipe = try Recipe.load(from: URL(fileURLWithPath: path), overrides: overrides)
        let explorationSteps = recipe.loop.explorationSteps
        recipe.loop.maxSteps = explorationSteps + steps
        // Every training episode takes at least one step, so `steps` episodes are enough.
        recipe.loop.episodes = steps
        guard case .string("mbpo")? = recipe.policyOptimizer?["type"] else {
            throw UsageError("bench mbpo times the \"mbpo\" policy optimizer; \(path) has no \"policyOptimizer\": {\"type\": \"mbpo\", ...}")
        }
        guard recipe.loop.explorationEpisodes == 0, explorationSteps > 0 else {
            throw UsageError("bench mbpo counts training steps after loop.explorationSteps; \(path) sets loop.explorationEpisodes (\(recipe.loop.explorationEpisodes)) or no explorationSteps")
        }

        let times = Timed.Times()
        let loop = try MBRLLoop(recipe: recipe, registry: try timedRegistry(times: times))
        _ = try loop.run(resume: false, allowOverwrite: true)
        guard times.trainingSteps == steps, let start = times.explorationEnd, let end = times.trainingEnd else {
            throw MBRLError.invalidArgument(
                "bench mbpo: the run made \(times.trainingSteps) training steps, expected \(steps); did it stop early (loop.stopAtReturn)?")
        }
        let wall = end.wall - start.wall - times.bookkeepingSeconds.wall
        let cpu = end.cpu - start.cpu - times.bookkeepingSeconds.cpu

        // MARK: The fits again, on their own
        var generator = RandomGenerator(seed: recipe.seed, stream: 99)
        var fitSeconds = 0.0
        var fitEpochs: [Int] = []
        for fit in times.fits {
            guard var trainable = fit.model as? any TrainableDynamicsModel else {
                throw MBRLError.incompatible("bench mbpo times model fits of trainable models; \(path)'s model is not one")
            }
            var buffer = ReplayBuffer(capacity: max(1, fit.data.count), observationSize: fit.data.observations.columns,
                                      actionSize: fit.data.actions.columns)
            try buffer.append(fit.data)
            let fitStart = TimedPolicy.wallSeconds()
            let report = try trainable.train(on: buffer, generator: &generator)
            fitSeconds += TimedPolicy.wallSeconds() - fitStart
            fitEpochs.append(report.epochs)
        }

        let perStep = { (seconds: Double) in seconds / Double(steps) }
        let sac = perStep(times.improvementSeconds), rollouts = perStep(times.modelDidFitSeconds)
        let acting = perStep(times.actingSeconds), fits = perStep(fitSeconds)
        let other = perStep(wall) - sac - rollouts - acting - fits
        let rolloutStarts = Int(times.lastFitMetrics["rolloutStarts"] ?? 0)
        let transitions = times.fits.map(\.data.count)
        let sacUpdates = Int(times.lastImprovementMetrics["sacUpdates"] ?? 0)
        if json {
            let fields = [
                "\"system\": \"mbrl-swift\"", "\"recipe\": \"\(recipe.name)\"", "\"seed\": \(recipe.seed)",
                "\"threads\": \(GEMM.defaultThreadCount)", "\"steps\": \(steps)", "\"exploration_steps\": \(explorationSteps)",
                "\"seconds\": \(wall)", "\"seconds_per_step\": \(perStep(wall))", "\"cpu_seconds_per_step\": \(perStep(cpu))",
                "\"model_fits\": \(times.fits.count)", "\"fit_epochs\": [\(fitEpochs.map(String.init).joined(separator: ", "))]",
                "\"fit_transitions\": [\(transitions.map(String.init).joined(separator: ", "))]",
                "\"rollout_starts_per_fit\": \(rolloutStarts)", "\"sac_updates\": \(sacUpdates)",
                "\"sac_seconds_per_step\": \(sac)", "\"rollout_seconds_per_step\": \(rollouts)",
                "\"acting_seconds_per_step\": \(acting)", "\"fit_seconds_per_step\": \(fits)",
                "\"other_seconds_per_step\": \(other)", "\"fits_and_other_seconds_per_step\": \(fits + other)",
                "\"cpu\": \"\(LearnerBenchmark.cpuModel().replacingOccurrences(of: "\"", with: "'"))\"",
            ]
            print("{" + fields.joined(separator: ", ") + "}")
        } else {
            print(String(format: "%@, seed %llu, %d thread%@: %d training steps after %d exploration steps, %d model fits (epochs %@, on %@ transitions), %d rollout starts per fit, %d SAC updates",
                         recipe.name, recipe.seed, GEMM.defaultThreadCount, GEMM.defaultThreadCount == 1 ? "" : "s", steps,
                         explorationSteps, times.fits.count, fitEpochs.map(String.init).joined(separator: "/"),
                         transitions.map(String.init).joined(separator: "/"), rolloutStarts, sacUpdates))
            print(String(format: "%.4f s per training step (CPU %.4f s): SAC updates %.4f, model rollouts %.4f, model fits %.4f, acting %.5f, environment, logs and checkpoints %.4f",
                         perStep(wall), perStep(cpu), sac, rollouts, fits, acting, other))
        }
    }

    typealias TimedPolicy = Timed.TimedPolicy

    /// The registry `mbrl-run` uses, with `"mbpo"` built as usual and then wrapped to record
    /// into `times`.
    static func timedRegistry(times: Timed.Times) throws -> ComponentRegistry {
        let plain = makeRegistry()
        let registry = makeRegistry()
        let summary = plain.policyOptimizers.info("mbpo")?.summary ?? "model-based policy optimization"
        registry.policyOptimizers.register("mbpo", summary: summary, config: ModelBasedPolicyOptimization.Config.self) { config, context in
            var specification = try JSONValue(encoding: config)
            try specification.set(path: ["type"], to: .string("mbpo"))
            let (built, _) = try plain.policyOptimizers.build(specification, context: context, path: "policyOptimizer")
            guard let optimizer = built as? ModelBasedPolicyOptimization else {
                throw MBRLError.incompatible("bench mbpo: \"mbpo\" built a \(type(of: built)), not ModelBasedPolicyOptimization")
            }
            return Timed(base: optimizer, times: times)
        }
        return registry
    }
}
