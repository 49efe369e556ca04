import Algorithms
import Envs
import Foundation
import MBRLCore
import Models

/// `mbrl-run bench policy-gradient`: the norm of policy backpropagation's gradient against the
/// horizon on Pendulum-v1, through the true dynamics and through a learned model.
enum PolicyGradientBenchmark {
    static let help = """
        mbrl-run bench policy-gradient [RECIPE] [--samples N] [--horizons 5,10,20,50,100] [--episodes E] [--seed S] [--out DIR]

        How the gradient of the discounted H-step return with respect to a policy's parameters,
        taken by backpropagation through a model, grows with the horizon H on Pendulum-v1. For
        each of N pairs (default 100) of a freshly initialised deterministic policy (2 x 64 tanh,
        as recipes/policy-backprop-pendulum.json) and a start state drawn as Pendulum's reset
        draws it (angle in [-pi, pi], speed in [-1, 1]), the gradient's global norm is taken for
        every H through:

          true dynamics   PendulumDynamicsModel, the environment's own equations
          learned model   the model of RECIPE (default recipes/policy-backprop-pendulum.json,
                          the ensemble's mean prediction), fitted on E random episodes (default 10)

        with Pendulum's differentiable reward and discount 0.99. Prints the quantiles per H and
        writes policy_gradient_norms.csv (every norm) and policy_gradient_norms.svg (median and
        10% to 90% band, logarithmic axes) to DIR (default runs/policy-gradient-norms).
        """

    static func main(_ arguments: [String]) throws {
        if arguments.contains("--help") { print(help); return }
        var parsed = try CommandArguments(arguments)
        let samples = try parsed.integer("samples", default: 100, range: 1...100_000)
        let episodes = try parsed.integer("episodes", default: 10, range: 1...10_000)
        let seed = UInt64(try parsed.integer("seed", default: 0, range: 0...Int.max))
        let horizons = try (parsed.string("horizons") ?? "5,10,20,50,100").split(separator: ",").map { text -> Int in
            guard let value = Int(text.trimmingCharacters(in: .whitespaces)), value >= 1, value <= 10_000 else {
                throw UsageError("--horizons takes comma-separated whole numbers in 1...10000, got '\(text)'")
            }
            return value
        }
        let output = URL(fileURLWithPath: parsed.string("out") ?? "runs/policy-gradient-norms")
        try parsed.rejectUnknown(command: "bench policy-gradient")
        guard parsed.positionals.count <= 1 else {
            throw UsageError("unexpected argument '\(parsed.positionals[1])' for 'bench policy-gradient'")
        }
        let path = parsed.positionals.first ?? "recipes/policy-backprop-pendulum.json"
        guard FileManager.default.fileExists(atPath: path) else {
            throw UsageError("no recipe at \(path); run from the repository root or pass the recipe's path")
        }
        let recipe = try Recipe.load(from: URL(fileURLWithPath: path))

        // The learned model: the recipe's model, fitted on random episodes.
        var environment = try EnvironmentCatalog.make("Pendulum-v1")
        let registry = makeRegistry()
        let (built, _) = try registry.models.build(
            recipe.model, context: .init(observationSpace: environment.observationSpace, actionSpace: environment.actionSpace, seed: seed),
            path: "model")
        guard var learned = built as? any TrainableDynamicsModel & DifferentiableDynamicsModel else {
            throw UsageError("the model of \(path) is not a trainable differentiable model; policy-gradient needs one")
        }
        var generator = RandomGenerator(seed: seed, stream: 1)
        var buffer = ReplayBuffer(capacity: episodes * 1000, observationSize: 3, actionSize: 1)
        for episode in 0..<episodes {
            var observation = try environment.reset(seed: seed &+ UInt64(episode))
            while true {
                let action = [4 * generator.nextUniformFloat() - 2]
                let step = try environment.step(action)
                try buffer.append(Transition(observation: observation, action: action, step: step))
                observation = step.observation
                if step.isDone { break }
            }
        }
        print("fitting the learned model of \(path) on \(buffer.count) random transitions...")
        let report = try learned.train(on: buffer, generator: &generator)
        print("fitted: \(report.epochs) epochs, validation score \(report.validationScore.map { String(format: "%.4g", $0) } ?? "none")")

        // Start states as Pendulum's reset draws them.
        var values: [Float] = []
        for _ in 0..<samples {
            let angle = Float.pi * (2 * generator.nextUniformFloat() - 1)
            values += [cos(angle), sin(angle), 2 * generator.nextUniformFloat() - 1]
        }
        let starts = Matrix(rows: samples, columns: 3, values: values)
        let study = PolicyGradientHorizonStudy(config: .init(horizons: horizons, samples: samples, seed: seed))
        let spaces = (environment.observationSpace, environment.actionSpace)
        let trueRows = try study.measure(model: PendulumDynamicsModel(), label: "true dynamics", rewardFunction: PendulumRewardFunction(),
                                         starts: starts, observationSpace: spaces.0, actionSpace: spaces.1)
        let learnedRows = try study.measure(model: learned, label: "learned model", rewardFunction: PendulumRewardFunction(),
                                            starts: starts, observationSpace: spaces.0, actionSpace: spaces.1)
        let rows = trueRows + learnedRows

        print("\npolicy gradient norm over \(samples) random policies and start states (Pendulum-v1, discount 0.99)")
        print("model            H      10%       25%    median       75%       90%   90%/10%  median/H   non-finite")
        for row in rows {
            let figures = [0.1, 0.25, 0.5, 0.75, 0.9].map { String(format: "%9.3g", row.quantile($0)) }.joined(separator: " ")
            let spread = String(format: "%9.3g", row.quantile(0.9) / row.quantile(0.1))
            let perStep = String(format: "%9.3g", row.median / Double(row.horizon))
            print("\(row.label.padding(toLength: 14, withPad: " ", startingAt: 0)) \(String(format: "%4d", row.horizon)) \(figures) \(spread) \(perStep)   \(row.nonFinite)")
        }
        for (first, last) in [(trueRows.first, trueRows.last), (learnedRows.first, learnedRows.last)] {
            if let first, let last, first.horizon != last.horizon {
                print("\(first.label): median at H = \(last.horizon) is \(String(format: "%.3g", last.median / first.median)) times the median at H = \(first.horizon)")
            }
        }

        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        var csv = "model,horizon,sample_rank,norm\n"
        for row in rows { for (rank, norm) in row.norms.enumerated() { csv += "\(row.label),\(row.horizon),\(rank),\(norm)\n" } }
        try csv.write(to: output.appendingPathComponent("policy_gradient_norms.csv"), atomically: true, encoding: .utf8)
        let series = [trueRows, learnedRows].map { group in
            QuantileBandPlot.Series(label: group.first?.label ?? "", x: group.map { Double($0.horizon) }, median: group.map(\.median),
                                    low: group.map { $0.quantile(0.1) }, high: group.map { $0.quantile(0.9) })
        }
        let plot = QuantileBandPlot(title: "Pendulum-v1: policy gradient norm against the horizon (\(samples) random policies)",
                                    xLabel: "horizon H (imagined steps)", yLabel: "|| d J_H / d theta ||", series: series)
        try plot.svg().write(to: output.appendingPathComponent("policy_gradient_norms.svg"), atomically: true, encoding: .utf8)
        print("\nwrote \(output.path)/policy_gradient_norms.csv and policy_gradient_norms.svg")
    }
}
