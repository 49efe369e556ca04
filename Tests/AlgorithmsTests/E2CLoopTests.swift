import Algorithms
import Envs
import Foundation
import MBRLCore
import Models
import Planners
import Testing

/// The outer loop with an E2C model and iLQR: the recipe plans in the latent space with the
/// model's own `A(z)`, `B(z)`, saves and replays the agent, and refuses what cannot work before
/// any step.
@Suite struct E2CLoopTests {
    static func recipe(directory: URL, environment: String = "PendulumPixels-v1", planner: String = #"{"type": "ilqr", "horizon": 8, "maximumIterations": 3}"#,
                       model: String = "e2c", reward: String = "learned") throws -> Recipe {
        try Recipe(json: try JSONValue(parsing: """
            {"name": "e2c-test", "seed": 2, "environment": "\(environment)",
             "model": {"type": "\(model)", "latentSize": 3, "encoderHiddenSizes": [16], "decoderHiddenSizes": [16],
                       "rewardHiddenSizes": [16], "maxUpdatesPerFit": 5},
             "planner": \(planner),
             "planning": {"reward": "\(reward)"},
             "loop": {"explorationEpisodes": 1, "episodes": 2, "trainEvery": 0, "maxEpisodeSteps": 20},
             "output": {"directory": "\(directory.path)", "progress": "quiet"}}
            """))
    }

    @Test func iterativeLQRPlansThroughTheE2CModelInTheLoop() throws {
        let directory = temporaryDirectory("e2c-loop")
        defer { try? FileManager.default.removeItem(at: directory) }
        let loop = try MBRLLoop(recipe: try Self.recipe(directory: directory), registry: LatentLoopTests.registry())
        let summary = try loop.run()
        #expect(summary.totalSteps == 60 && summary.modelFits >= 1)
        let records = try MBRLLoop(recipe: try Self.recipe(directory: directory), registry: LatentLoopTests.registry())
            .evaluateSaved(directory: directory, episodes: 1, seed: 1)
        #expect(records.count == 1 && records[0].length == 20 && records[0].episodeReturn.isFinite)
    }

    @Test func incompatibleSettingsFailBeforeAnyStep() throws {
        let directory = temporaryDirectory("e2c-errors")
        defer { try? FileManager.default.removeItem(at: directory) }
        func failure(_ recipe: Recipe) -> RecipeError? {
            do {
                _ = try MBRLLoop(recipe: recipe, registry: LatentLoopTests.registry())
                Issue.record("the recipe was accepted")
            } catch let error as RecipeError {
                return error
            } catch {
                Issue.record("unexpected \(error)")
            }
            return nil
        }
        // E2C plans on its learned reward.
        let knownReward = failure(try Self.recipe(directory: directory, environment: "Pendulum-v1", reward: "environment"))
        #expect(knownReward?.path == "planning.reward" && knownReward?.message.contains("learned") == true, "\(String(describing: knownReward))")
        // A latent model without the locally linear transition cannot serve iLQR; the error names e2c.
        let latent = failure(try Self.recipe(directory: directory, model: "latent"))
        #expect(latent?.path == "planner" && latent?.message.contains("e2c") == true, "\(String(describing: latent))")
    }
}
