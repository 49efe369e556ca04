import Algorithms
import Foundation
import MBRLCore
import Models

/// `mbrl-run bench latent`: latent models with MLP and with convolutional encoders and decoders,
/// trained on the same random-action episodes and scored on held-out ones.
///
/// Every variant starts from the recipe's model settings and changes only the keys it names, so
/// the comparison isolates the encoder and decoder. Scores are per pixel on held-out episodes:
/// the reconstruction error `|dec(enc(o)) - o|^2`, the open-loop prediction error
/// `|dec(s_t) - o_t|^2` after 1, 5 and `--steps` latent steps from `s_0 = enc(o_0)` with the
/// actions taken, and the reward error of the open-loop predictions; with the training time.
enum LatentBenchmark {
    static let help = """
        mbrl-run bench latent [RECIPE] [--episodes N] [--held-out N] [--updates N | --seconds S]
                              [--steps K] [--variants LIST] [--seed S] [--threads N] [--json]

        Trains the latent model of RECIPE (default recipes/latent-pointmass-pixels.json) in
        several encoder/decoder variants on the same N random-action episodes (default 20) of the
        recipe's environment, for the same number of gradient steps (default 1500, batches and
        loss as the recipe says) or, with --seconds, for the same training time (steps in chunks
        of 100 until S seconds have passed), and scores each on held-out random episodes
        (default 5):

          reconstruction   mean squared error per pixel of dec(enc(o)) against o
          prediction@t     the same for dec(s_t), s_0 = enc(o_0), rolled open loop t steps with
                           the actions taken (t = 1, 5 and K, default 10)
          reward RMSE      root mean squared error of the open-loop rewards over the K steps
          baseline         the per-pixel variance of the held-out frames (predicting their mean
                           image scores this)
          first/last loss  the mean training loss of the first and of the last 100 updates

        --variants takes names from: mlp (no convolutions), conv-encoder (two 32-channel
        convolutions before the encoder MLP), conv (those and two transposed convolutions after
        the decoder MLP); default mlp,conv-encoder,conv. Kernel and stride come from the recipe
        (defaults 6 and 2: 32 x 32 frames become 14 x 14 and then 5 x 5 maps).
        --threads sets the GEMM threads (default: all cores; the MBRL_THREADS variable).
        """

    /// A named change to the recipe's model settings.
    struct Variant {
        var name: String
        var settings: [String: JSONValue]
    }

    static let variants: [Variant] = [
        Variant(name: "mlp", settings: ["encoderConvolutionChannels": .array([]), "decoderConvolutionChannels": .array([])]),
        Variant(name: "conv-encoder", settings: ["encoderConvolutionChannels": .array([.number(32), .number(32)]),
                                                 "decoderConvolutionChannels": .array([])]),
        Variant(name: "conv", settings: ["encoderConvolutionChannels": .array([.number(32), .number(32)]),
                                         "decoderConvolutionChannels": .array([.number(32), .number(32)])]),
    ]

    static func main(_ arguments: [String]) throws {
        if arguments.contains("--help") { print(help); return }
        var parsed = try CommandArguments(arguments, flagNames: ["json"])
        let episodes = try parsed.integer("episodes", default: 20, range: 1...100_000)
        let heldOut = try parsed.integer("held-out", default: 5, range: 1...100_000)
        let updatesGiven = parsed.string("updates") != nil
        let updates = try parsed.integer("updates", default: 1500, range: 1...10_000_000)
        let budget = try parsed.numbers("seconds")?.first
        if let budget, !(budget > 0 && budget.isFinite) {
            throw UsageError("--seconds takes a positive number of seconds, got \(budget)")
        }
        if budget != nil && updatesGiven {
            throw UsageError("--updates and --seconds both set the training budget; give one of them")
        }
        let steps = try parsed.integer("steps", default: 10, range: 1...1000)
        let threads = try parsed.integer("threads", default: 0, range: 0...1024)
        let seedText = parsed.string("seed")
        let names = parsed.string("variants")?.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
            ?? variants.map(\.name)
        let json = parsed.flag("json")
        try parsed.rejectUnknown(command: "bench latent")
        guard parsed.positionals.count <= 1 else {
            throw UsageError("unexpected argument '\(parsed.positionals[1])' for 'bench latent'")
        }
        let chosen = try names.map { name in
            guard let variant = variants.first(where: { $0.name == name }) else {
                throw UsageError("unknown variant '\(name)' for --variants; valid: \(variants.map(\.name).joined(separator: ", "))")
            }
            return variant
        }
        try TrainBenchmark.applyThreads(threads)

        let path = parsed.positionals.first ?? "recipes/latent-pointmass-pixels.json"
        guard FileManager.default.fileExists(atPath: path) else {
            throw UsageError("no recipe at \(path); run from the repository root or pass the recipe's path")
        }
        let recipe = try Recipe.load(from: URL(fileURLWithPath: path), overrides: seedText.map { ["seed=\($0)"] } ?? [])
        guard case .object(var modelSettings) = recipe.model, modelSettings["type"] == .string("latent") else {
            throw UsageError("bench latent needs a recipe whose model is {\"type\": \"latent\", ...}; \(path) has \(recipe.model)")
        }
        let registry = makeRegistry()
        let (built, _) = try registry.environments.build(recipe.environment, context: .init(seed: recipe.seed), path: "environment")
        var environment = built
        var generator = RandomGenerator(seed: recipe.seed, stream: 1)
        let training = try collect(episodes: episodes, from: &environment, generator: &generator)
        let evaluation = try collect(episodes: heldOut, from: &environment, generator: &generator)
        let baseline = LatentModelScores.pixelVariance(of: evaluation)

        let chunk = budget == nil ? updates : 100
        modelSettings["maxUpdatesPerFit"] = .number(Double(chunk))
        modelSettings["epochs"] = .number(100_000)
        if !json {
            print("\(recipe.name): \(environment.id), \(training.count) training transitions (\(episodes) random episodes), "
                  + "\(evaluation.count) held out (\(heldOut) episodes), "
                  + (budget.map { "\(String(format: "%g", $0)) s of training" } ?? "\(updates) updates") + " per variant, \(GEMM.defaultThreadCount) threads")
            print("baseline (per-pixel variance of the held-out frames): \(format(baseline))")
            print("| variant | parameters | train s | updates/s | updates | first loss | last loss | reconstruction | prediction@1 | prediction@5 | prediction@\(steps) | reward RMSE |")
            print("| --- " + String(repeating: "| ---: ", count: 11) + "|")
        }
        var lines: [String] = []
        for variant in chosen {
            var settings = modelSettings
            for (key, value) in variant.settings { settings[key] = value }
            let (product, _) = try registry.models.build(
                .object(settings),
                context: .init(observationSpace: environment.observationSpace, actionSpace: environment.actionSpace, seed: recipe.seed),
                path: "model")
            guard var model = product as? LatentModel else {
                throw UsageError("the recipe's model did not build a LatentModel")
            }
            var trainingGenerator = RandomGenerator(seed: recipe.seed, stream: 3)
            let clock = ContinuousClock()
            var losses: [Double] = []
            let started = clock.now
            var seconds = 0.0
            repeat {
                try model.train(on: training, generator: &trainingGenerator, onUpdate: { _, terms in losses.append(Double(terms.total)) })
                let elapsed = clock.now - started
                seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            } while seconds < (budget ?? 0)
            let scores = try LatentModelScores(model: model, buffer: evaluation, steps: steps)
            let doneUpdates = losses.count
            let first = mean(losses.prefix(100)), last = mean(losses.suffix(100))
            let predictionAt = { (step: Int) -> Double in scores.prediction[min(step, scores.prediction.count) - 1] }
            if json {
                let fields = [
                    "\"variant\": \"\(variant.name)\"", "\"parameters\": \(model.parameterCount)", "\"updates\": \(doneUpdates)",
                    "\"train_seconds\": \(seconds)", "\"first_loss\": \(first)", "\"last_loss\": \(last)",
                    "\"reconstruction\": \(scores.reconstruction)",
                    "\"prediction\": [\(scores.prediction.map { String($0) }.joined(separator: ", "))]",
                    "\"reward_rmse\": \(scores.rewardRootMeanSquare)", "\"baseline\": \(baseline)",
                    "\"held_out_windows\": \(scores.windowCount)", "\"threads\": \(GEMM.defaultThreadCount)",
                ]
                lines.append("{" + fields.joined(separator: ", ") + "}")
                print(lines.last ?? "")
            } else {
                print("| \(variant.name) | \(model.parameterCount) | \(String(format: "%.1f", seconds)) | "
                      + "\(String(format: "%.1f", Double(doneUpdates) / seconds)) | \(doneUpdates) | \(format(first)) | \(format(last)) | "
                      + "\(format(scores.reconstruction)) | \(format(predictionAt(1))) | \(format(predictionAt(5))) | "
                      + "\(format(predictionAt(steps))) | \(format(scores.rewardRootMeanSquare)) |")
            }
        }
    }

    /// `count` episodes of uniformly random actions, each reset with a seed drawn from `generator`.
    static func collect(episodes count: Int, from environment: inout any Environment,
                        generator: inout RandomGenerator) throws -> ReplayBuffer {
        var buffer = ReplayBuffer(capacity: 1_000_000, observationSize: environment.observationSize,
                                  actionSize: environment.actionSize)
        for _ in 0..<count {
            try buffer.appendRandomEpisode(from: &environment, resetSeed: generator.next(), generator: &generator)
        }
        return buffer
    }

    static func mean(_ values: ArraySlice<Double>) -> Double {
        values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count)
    }

    static func format(_ value: Double) -> String { String(format: value.magnitude < 0.01 ? "%.5f" : "%.4f", value) }
}
