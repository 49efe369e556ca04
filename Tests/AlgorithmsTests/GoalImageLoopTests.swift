import Algorithms
import Envs
import Foundation
import MBRLCore
import Models
import Planners
import Testing

/// Planning toward a goal image in the loop: a contrastive model and the reconstruction latent
/// model both plan with one-step MPC on `PointMassGoalPixels-v0`, a checkpointed run can be
/// evaluated, and recipes that cannot work are refused before any step with the reason.
@Suite struct GoalImageLoopTests {
    static func registry() -> ComponentRegistry {
        let registry = ComponentRegistry()
        registerEnvironments(in: registry)
        registerModels(in: registry)
        registerPlanners(in: registry)
        return registry
    }

    static let contrastive = #"{"type": "contrastive", "latentSize": 4, "historyLength": 2, "encoderHiddenSizes": [16], "forwardHiddenSizes": [16], "maxUpdatesPerFit": 5}"#
    static let latent = #"{"type": "latent", "latentSize": 4, "encoderHiddenSizes": [16], "decoderHiddenSizes": [16], "dynamicsHiddenSizes": [16], "rewardHiddenSizes": [16], "maxUpdatesPerFit": 5}"#

    static func recipe(directory: URL, model: String = contrastive, environment: String = "PointMassGoalPixels-v0",
                       reward: String = "goal-image", planner: String = #"{"type": "random-shooting", "horizon": 1, "sequenceCount": 50}"#) -> String {
        """
        {"name": "goal-image-test", "seed": 3, "environment": "\(environment)", "model": \(model), "planner": \(planner),
         "planning": {"reward": "\(reward)"},
         "loop": {"explorationEpisodes": 1, "episodes": 1, "trainEvery": 0, "maxSteps": 150, "evaluationEpisodes": 1, "evaluateEvery": 1},
         "output": {"directory": "\(directory.path)", "progress": "quiet"}}
        """
    }

    static let oneStepPlanners = [#"{"type": "random-shooting", "horizon": 1, "sequenceCount": 50}"#,
                                  #"{"type": "cem", "horizon": 1, "populationSize": 20, "iterations": 2}"#]

    @Test(arguments: [contrastive, latent], oneStepPlanners)
    func bothModelsPlanTowardTheGoalImage(model: String, planner: String) throws {
        let directory = temporaryDirectory("goal-image-loop")
        defer { try? FileManager.default.removeItem(at: directory) }
        let recipe = try Recipe(json: try JSONValue(parsing: Self.recipe(directory: directory, model: model, planner: planner)))
        let summary = try MBRLLoop(recipe: recipe, registry: Self.registry()).run()
        #expect(summary.modelFits >= 1 && summary.totalSteps <= 150)
        let metrics = try String(contentsOf: directory.appendingPathComponent("metrics.csv"), encoding: .utf8)
        #expect(metrics.contains("evaluation") && metrics.split(separator: "\n")[0].contains("terminated"))
        // Only the reconstruction model draws reconstructions.
        let gallery = FileManager.default.fileExists(atPath: directory.appendingPathComponent(ReconstructionGallery.fileName).path)
        #expect(gallery == model.contains("\"latent\""))
        let records = try MBRLLoop(recipe: recipe, registry: Self.registry()).evaluateSaved(directory: directory, episodes: 1, seed: 1)
        #expect(records.count == 1 && records[0].length >= 1)
    }

    @Test func recipesThatCannotWorkAreRefusedWithTheReason() throws {
        let directory = temporaryDirectory("goal-image-errors")
        defer { try? FileManager.default.removeItem(at: directory) }
        let registry = Self.registry()
        // No goal image in the observations.
        let noGoal = buildRefusal(Self.recipe(directory: directory, model: Self.latent, environment: "PointMassPixels-v0"), registry: registry)
        #expect(noGoal?.contains("PointMassPixels-v0 shows none") == true, "\(String(describing: noGoal))")
        let noStack = buildRefusal(Self.recipe(directory: directory, environment: "PointMassPixels-v0"), registry: registry)
        #expect(noStack?.contains("not a frame stack with a goal image") == true, "\(String(describing: noStack))")
        // A frame stack shorter than the model's history.
        let history = buildRefusal(Self.recipe(directory: directory, model: #"{"type": "contrastive", "historyLength": 3}"#), registry: registry)
        #expect(history?.contains("historyLength 3 needs 3 stacked frames") == true, "\(String(describing: history))")
        let latentHistory = buildRefusal(
            Self.recipe(directory: directory, model: #"{"type": "latent", "historyLength": 2}"#), registry: registry)
        #expect(latentHistory?.contains("model.historyLength") == true, "\(String(describing: latentHistory))")
        // A model without a decoder (or reward head) where the learned reward is asked for.
        let decoder = buildRefusal(Self.recipe(directory: directory, reward: "learned"), registry: registry)
        #expect(decoder?.contains("neither a reward head nor a decoder") == true, "\(String(describing: decoder))")
        // A planner that needs gradients.
        let gradients = buildRefusal(Self.recipe(directory: directory, planner: #"{"type": "gradient-shooting", "horizon": 1}"#),
                                     registry: registry)
        #expect(gradients?.contains("random-shooting or cem") == true, "\(String(describing: gradients))")
        // An unknown similarity names the valid ones.
        let similarity = buildRefusal(Self.recipe(directory: directory, model: #"{"type": "contrastive", "similarity": "cos"}"#),
                                      registry: registry)
        #expect(similarity?.contains("dot-product") == true, "\(String(describing: similarity))")
    }
}
