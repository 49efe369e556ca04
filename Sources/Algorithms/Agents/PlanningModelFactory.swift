import MBRLCore
import Models
import Planners

/// Builds what a planner plans with from a dynamics model: a tree-search simulator for planners
/// that step discrete actions, a linearization for iLQR (for a locally linear latent model such
/// as E2C, its own `A(z)`, `B(z)` in the latent space), otherwise the particle-based sequence
/// scorer (in the latent space, with the learned reward, for a latent model; toward the goal
/// image's encoding with `planning.reward` `"goal-image"`).
enum PlanningModelFactory {
    static func make(model: any DynamicsModel, planner: any Planner, actionSpace: Space,
                     rewardFunction: (any RewardFunction)?, terminationFunction: (any TerminationFunction)?,
                     planning: PlanningConfig, goalImage: GoalImageLayout? = nil) throws -> any PlanningModel {
        func propagation() throws -> PropagationMode {
            guard let mode = PropagationMode(rawValue: planning.propagation)
                ?? (try? JSONValue.string(planning.propagation).decode(PropagationMode.self)) else {
                throw RecipeError(path: "planning.propagation",
                                  message: "unknown propagation \"\(planning.propagation)\"; valid: random-model, fixed-model, expectation")
            }
            return mode
        }
        if planning.reward == "goal-image" {
            return try goalImagePlanningModel(model: model, planner: planner, actionSpace: actionSpace, planning: planning,
                                              goalImage: goalImage)
        }
        if let locallyLinear = model as? any LocallyLinearLatentModel, planner.requirements.contains(.linearization) {
            guard rewardFunction == nil else {
                throw RecipeError(path: "planning.reward", message: "a locally linear latent model plans with its learned reward head; set planning.reward to \"learned\"")
            }
            // iLQR in the latent space with the model's own A(z), B(z) as the linearisation.
            func openLocallyLinear<Latent: LocallyLinearLatentModel>(_ model: Latent) throws -> any PlanningModel {
                try LocallyLinearLatentPlanning(model: model, actionSpace: actionSpace)
            }
            return try openLocallyLinear(locallyLinear)
        }
        if let latent = model as? any LatentDynamicsModel {
            guard rewardFunction == nil else {
                throw RecipeError(path: "planning.reward", message: "a latent model plans with its learned reward head; set planning.reward to \"learned\"")
            }
            guard planner.requirements.isSubset(of: [.sequenceScoring]) else {
                throw RecipeError(path: "planner", message: "planner \"\(planner.name)\" needs \(planner.requirements); a latent model offers scoring action sequences (use cem, icem, mppi or random-shooting; ilqr needs a locally linear latent model such as \"e2c\")")
            }
            return try latent.latentPlanningModel(actionSpace: actionSpace, particleCount: planning.particleCount,
                                                  propagation: try propagation(), discount: planning.discount)
        }
        func open<M: DynamicsModel>(_ model: M) throws -> any PlanningModel {
            if planner.requirements.contains(.discreteSimulation) {
                return try LearnedModelSimulator(model: model, actionSpace: actionSpace, rewardFunction: rewardFunction,
                                                 terminationFunction: terminationFunction)
            }
            if planner.requirements.contains(.linearization) {
                guard let rewardFunction else {
                    throw RecipeError(path: "planning.reward", message: "iLQR needs the environment's reward function (\"environment\")")
                }
                return try ModelLinearization(model: model, actionSpace: actionSpace, rewardFunction: rewardFunction)
            }
            return try ModelEnvironment(model: model, actionSpace: actionSpace, rewardFunction: rewardFunction,
                                        terminationFunction: terminationFunction,
                                        config: .init(particleCount: planning.particleCount, propagation: try propagation(),
                                                      discount: planning.discount))
        }
        return try open(model)
    }

    /// The goal-image scorer (`GoalImagePlanningModel`) for a latent model, with the model's own
    /// similarity (a contrastive model's) or the negative squared distance.
    static func goalImagePlanningModel(model: any DynamicsModel, planner: any Planner, actionSpace: Space,
                                       planning: PlanningConfig, goalImage: GoalImageLayout?) throws -> any PlanningModel {
        guard let latent = model as? any LatentDynamicsModel else {
            throw RecipeError(path: "model", message: "\"goal-image\" planning encodes images; use a latent model (\"contrastive\" or \"latent\")")
        }
        guard let goalImage else {
            throw RecipeError(path: "planning.reward", message: "\"goal-image\" plans toward the goal image at the end of each observation, but the environment shows none; use a goal-image environment such as PointMassGoalPixels-v0")
        }
        guard planner.requirements.isSubset(of: [.sequenceScoring]) else {
            throw RecipeError(path: "planner", message: "planner \"\(planner.name)\" needs \(planner.requirements); goal-image planning offers scoring action sequences (use random-shooting or cem, with horizon 1 for one-step MPC)")
        }
        if let history = (latent as? LatentModel)?.historyLength, history > 1 {
            throw RecipeError(path: "model.historyLength", message: "goal-image planning passes the model one observation, which already stacks \(goalImage.frameCount) frames; set historyLength to 1")
        }
        let similarity = (latent as? ContrastiveForwardModel)?.similarity ?? .negativeSquaredDistance
        func open<M: LatentDynamicsModel>(_ model: M) throws -> any PlanningModel {
            try GoalImagePlanningModel(model: model, actionSpace: actionSpace, goalImage: goalImage, similarity: similarity,
                                       discount: planning.discount)
        }
        do {
            return try open(latent)
        } catch let error as MBRLError {
            throw RecipeError(path: "environment", message: "\(error)")
        }
    }
}
