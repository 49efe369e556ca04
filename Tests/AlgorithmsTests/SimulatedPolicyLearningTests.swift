import Algorithms
import Envs
import Foundation
import MBRLCore
import Models
import Testing

/// The `"simple"` policy optimizer: strict config, the recipes it refuses at build time (no
/// decoder, an untrained decoder, a frame stack shorter than the model's history), and a short
/// run on CartPolePixels-v1 that rolls imagined trajectories and updates the policy on them.
@Suite struct SimulatedPolicyLearningTests {
    func registry() -> ComponentRegistry {
        makeTestRegistryWithShippedComponents()
    }

    @Test func configIsStrict() throws {
        let defaults = try JSONValue(parsing: "{}").decode(SimulatedPolicyLearningConfig.self)
        #expect(defaults == SimulatedPolicyLearningConfig())
        #expect(defaults.horizon == 50 && defaults.imaginedRollouts == 16 && defaults.learner == ProximalPolicyUpdateConfig())
        let tuned = try JSONValue(parsing: #"{"horizon": 10, "frameStack": 2, "clipRange": 0.1}"#).decode(SimulatedPolicyLearningConfig.self)
        #expect(tuned.horizon == 10 && tuned.frameStack == 2 && tuned.learner.clipRange == 0.1)
        #expect(try JSONValue(encoding: tuned).decode(SimulatedPolicyLearningConfig.self) == tuned)
        for (json, named) in [(#"{"horizn": 10}"#, "horizon"), (#"{"horizon": 0}"#, "horizon"), (#"{"epoch": 3}"#, "epochs")] {
            do {
                _ = try JSONValue(parsing: json).decode(SimulatedPolicyLearningConfig.self)
                Issue.record("\(json) was accepted")
            } catch {
                #expect("\(error)".contains(named), "\(error)")
            }
        }
    }

    func recipe(model: String, optimizer: String = #"{"type": "simple", "horizon": 5, "imaginedRollouts": 4, "updatesPerFit": 2, "epochs": 2, "terminationEpochs": 2}"#,
                directory: URL, steps: Int = 240, episodes: Int = 1000) throws -> Recipe {
        try Recipe(json: try JSONValue(parsing: """
            {"name": "simple-test", "seed": 3, "environment": "CartPolePixels-v1", "model": \(model),
             "policyOptimizer": \(optimizer),
             "loop": {"explorationEpisodes": 0, "explorationSteps": 100, "episodes": \(episodes), "maxSteps": \(steps), "trainEvery": 100},
             "output": {"directory": "\(directory.path)", "progress": "quiet"}}
            """))
    }

    static let smallLatent = #"{"type": "latent", "latentSize": 4, "encoderHiddenSizes": [16], "decoderHiddenSizes": [16], "dynamicsHiddenSizes": [16], "rewardHiddenSizes": [16], "epochs": 1, "maxUpdatesPerFit": 3}"#

    @Test func recipesItCannotServeAreRefusedAtBuildTime() throws {
        let directory = temporaryDirectory("simple-refused")
        defer { try? FileManager.default.removeItem(at: directory) }
        let cases: [(model: String, optimizer: String?, expected: String)] = [
            (#"{"type": "deterministic-ensemble", "ensembleSize": 2}"#, nil, "decoder"),
            (#"{"type": "latent", "predictionWeight": 0, "reconstructionWeight": 0}"#, nil, "trained decoder"),
            (#"{"type": "latent", "historyLength": 3}"#, #"{"type": "simple", "frameStack": 2}"#,
             "frameStack 2 is shorter than the latent model's historyLength 3"),
        ]
        for (model, optimizer, expected) in cases {
            do {
                let recipe = try optimizer.map { try self.recipe(model: model, optimizer: $0, directory: directory) }
                    ?? self.recipe(model: model, directory: directory)
                _ = try MBRLLoop(recipe: recipe, registry: registry())
                Issue.record("\(model) was accepted")
            } catch {
                #expect("\(error)".contains(expected), "\(error)")
                #expect("\(error)".contains("simple"), "\(error)")
            }
        }
        // A longer frame stack than the history is served.
        _ = try MBRLLoop(recipe: try recipe(model: #"{"type": "latent", "historyLength": 2}"#,
                                           optimizer: #"{"type": "simple", "frameStack": 3}"#, directory: directory),
                         registry: registry())
    }

    /// 100 random steps, then 140 with the policy and a fit every 100: each fit runs a real-step
    /// update (after the first), fits the termination classifier and makes 2 PPO updates on
    /// imagined trajectories of 4 x 5 steps.
    @Test func itUpdatesThePolicyOnImaginedTrajectories() throws {
        let directory = temporaryDirectory("simple-run")
        defer { try? FileManager.default.removeItem(at: directory) }
        let loop = try MBRLLoop(recipe: try recipe(model: Self.smallLatent, directory: directory), registry: registry())
        let summary = try loop.run()
        #expect(summary.totalSteps == 240)
        let text = try String(contentsOf: directory.appendingPathComponent("metrics.csv"), encoding: .utf8)
        let lines = text.split(separator: "\n")
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let rows = lines.dropFirst().map { line in
            Dictionary(uniqueKeysWithValues: zip(header, line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)))
        }
        let fits = rows.filter { !($0["imaginedUpdates"] ?? "").isEmpty }
        #expect(fits.dropFirst().allSatisfy { Double($0["realPolicyUpdates"] ?? "") != nil })
        #expect(fits.count >= 2, "\(header)")
        #expect(Double(fits.last?["imaginedUpdates"] ?? "") == Double(2 * fits.count))
        for row in fits {
            #expect(Double(row["imaginedReturn"] ?? "") ?? .nan > 0)
            #expect((Double(row["imaginedTerminationRate"] ?? "") ?? .nan) >= 0)
            #expect((Double(row["terminationBalancedAccuracy"] ?? "") ?? .nan) >= 0)
            #expect(Double(row["policyLoss"] ?? "")?.isFinite == true)
        }
    }

    /// Stopped after 6 training episodes (after a fit, with real steps pending and a fitted
    /// termination classifier) and resumed to 12, the run ends with the same returns as an
    /// uninterrupted one.
    @Test func aResumedRunMatchesAnUninterruptedOne() throws {
        let whole = temporaryDirectory("simple-whole")
        let split = temporaryDirectory("simple-split")
        defer {
            try? FileManager.default.removeItem(at: whole)
            try? FileManager.default.removeItem(at: split)
        }
        let uninterrupted = try MBRLLoop(recipe: try recipe(model: Self.smallLatent, directory: whole, steps: 100_000, episodes: 12),
                                         registry: registry()).run()
        _ = try MBRLLoop(recipe: try recipe(model: Self.smallLatent, directory: split, steps: 100_000, episodes: 6), registry: registry()).run()
        var resumed = try Recipe.load(from: split.appendingPathComponent("recipe.json"), overrides: ["loop.episodes=12"])
        resumed.output.directory = split.path
        let finished = try MBRLLoop(recipe: resumed, registry: registry()).run(resume: true)
        #expect(finished.trainingReturns == uninterrupted.trainingReturns && finished.totalSteps == uninterrupted.totalSteps)
        #expect(uninterrupted.modelFits >= 2)
    }
}
