import Algorithms
import Envs
import Foundation
import MBRLCore
import Models
import Planners
import Testing

/// The outer loop with a latent model: a pixel recipe differs from a state recipe only in the
/// environment id and the model, plans in the latent space with the learned reward, writes
/// `reconstructions.svg`, and refuses combinations that cannot work before any step.
@Suite struct LatentLoopTests {
    static func registry() -> ComponentRegistry {
        let registry = ComponentRegistry()
        registerEnvironments(in: registry)
        registerModels(in: registry)
        registerPlanners(in: registry)
        return registry
    }

    static func recipe(directory: URL, environment: String = "PointMassPixels-v0", planner: String = #"{"type": "cem", "horizon": 4, "populationSize": 16, "iterations": 2}"#,
                       reward: String = "learned", extraLoop: String = "") throws -> Recipe {
        try Recipe(json: try JSONValue(parsing: """
            {"name": "latent-test", "seed": 2, "environment": "\(environment)",
             "model": {"type": "latent", "latentSize": 4, "encoderHiddenSizes": [16], "decoderHiddenSizes": [16],
                       "dynamicsHiddenSizes": [16], "rewardHiddenSizes": [16], "multiStepLength": 2, "maxUpdatesPerFit": 5},
             "planner": \(planner),
             "planning": {"particleCount": 1, "propagation": "expectation", "reward": "\(reward)"},
             "loop": {"explorationEpisodes": 1, "episodes": 2, "trainEvery": 0, "maxSteps": 140 \(extraLoop)},
             "output": {"directory": "\(directory.path)", "progress": "quiet"}}
            """))
    }

    @Test func pixelRecipeRunsAndShowsWhatTheModelSees() throws {
        let directory = temporaryDirectory("latent-loop")
        defer { try? FileManager.default.removeItem(at: directory) }
        let loop = try MBRLLoop(recipe: try Self.recipe(directory: directory), registry: Self.registry())
        let summary = try loop.run()
        #expect(summary.totalSteps == 140 && summary.modelFits >= 1)
        let svg = try String(contentsOf: directory.appendingPathComponent(ReconstructionGallery.fileName), encoding: .utf8)
        #expect(svg.hasPrefix("<svg") && svg.hasSuffix("</svg>\n"))
        for label in ["observed", "reconstructed", "open-loop prediction", "model fit \(summary.modelFits)"] {
            #expect(svg.contains(label), "reconstructions.svg lacks \(label)")
        }
        // The checkpoint holds the latent model, and evaluating the saved agent plans from pixels.
        let records = try MBRLLoop(recipe: try Self.recipe(directory: directory), registry: Self.registry())
            .evaluateSaved(directory: directory, episodes: 1, seed: 1)
        #expect(records.count == 1 && records[0].length >= 1)
    }

    @Test func incompatibleSettingsFailBeforeAnyStep() throws {
        let directory = temporaryDirectory("latent-errors")
        defer { try? FileManager.default.removeItem(at: directory) }
        func failure(_ recipe: Recipe) -> RecipeError? {
            do {
                _ = try MBRLLoop(recipe: recipe, registry: Self.registry())
                Issue.record("the recipe was accepted")
            } catch let error as RecipeError {
                return error
            } catch {
                Issue.record("unexpected \(error)")
            }
            return nil
        }
        // A latent model plans with its own reward head, even where the environment knows its reward.
        let knownReward = failure(try Self.recipe(directory: directory, environment: "PointMass-v0", reward: "environment"))
        #expect(knownReward?.path == "planning.reward" && knownReward?.message.contains("learned") == true, "\(String(describing: knownReward))")
        // Planners that need gradients or linearisations cannot plan through it.
        let gradients = failure(try Self.recipe(directory: directory, planner: #"{"type": "gradient-shooting"}"#))
        #expect(gradients?.path == "planner" && gradients?.message.contains("cem, icem, mppi or random-shooting") == true,
                "\(String(describing: gradients))")
        // Model settings are checked with their path.
        var json = try JSONValue(parsing: #"{"environment": "PointMassPixels-v0", "model": {"type": "latent", "latentSzie": 3}, "planning": {"reward": "learned"}}"#)
        try json.set(path: ["output", "directory"], to: .string(directory.path))
        let key = failure(try Recipe(json: json))
        #expect(key?.message.contains("did you mean latentSize") == true, "\(String(describing: key))")
    }

    @Test func galleryShowsStackedFramesNewestFirst() throws {
        var environment = try EnvironmentCatalog.make("PendulumPixels-v1", seed: 0)
        var buffer = ReplayBuffer(capacity: 100, observationSize: environment.observationSize, actionSize: 1)
        var observation = try environment.reset(seed: 0)
        for step in 0..<12 {
            let result = try environment.step([step % 2 == 0 ? 2 : -2])
            try buffer.append(Transition(observation: observation, action: [step % 2 == 0 ? 2 : -2], step: result))
            observation = result.observation
        }
        var generator = RandomGenerator(seed: 0)
        let model = try LatentModel(rawObservationSize: 2048, actionSpace: environment.actionSpace, generator: &generator)
        let windows = try ReconstructionGallery.windows(model: model, buffer: buffer, windowLength: 5, windowCount: 2)
        #expect(windows.count == 2 && windows.map(\.start) == [0, 7])
        for window in windows {
            #expect(window.rows.map(\.label) == ["observed", "reconstructed", "open-loop prediction"])
            #expect(window.rows.allSatisfy { $0.images.count == 6 && $0.images.allSatisfy { $0.count == 1024 } })
            // The observed row shows the newest of the two stacked frames.
            let transition = buffer[window.start]
            #expect(window.rows[0].images[0] == Array(transition.observation[1024...]))
            #expect(window.reconstructionError.isFinite && window.predictionError.isFinite)
        }
    }
}
