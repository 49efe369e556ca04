import Foundation
import MBRLCore
import Models
import Planners

/// Everything a recipe builds, checked to fit together before any step: the environment, the
/// model, the planner, the policy optimizer, the reward and termination functions, and the
/// agents of the three kinds of episode.
struct LoopComponents {
    var environment: any Environment
    /// The recipe's model, or nil (a model-free policy optimizer).
    var model: (any DynamicsModel)?
    /// The policy optimizer, shared with the agent that acts with its policy; nil without one.
    var optimizer: PolicyOptimizerHandle?
    let rewardFunction: (any RewardFunction)?
    let terminationFunction: (any TerminationFunction)?
    /// The planner, when the recipe names one (the agents that plan hold their own copies).
    let planner: (any Planner)?
    /// Who acts in each kind of episode, defaults resolved.
    let acting: (exploration: AgentSpecification, training: AgentSpecification, evaluation: AgentSpecification)
    /// The recipe with every default written out.
    let resolvedRecipe: JSONValue

    /// Builds and checks every component of `recipe`.
    init(recipe: Recipe, registry: ComponentRegistry) throws {
        let seed = recipe.seed
        let (environment, environmentJSON) = try registry.environments.build(recipe.environment, context: .init(seed: seed), path: "environment")
        self.environment = environment
        try Self.checkInitialStates(recipe.loop, environment: environment)

        // MARK: Model
        var modelJSON = JSONValue.null
        if case .null = recipe.model {
            model = nil
        } else {
            var modelSeedGenerator = RandomGenerator(seed: seed, stream: 4)
            let (built, resolved) = try registry.models.build(
                recipe.model,
                context: .init(observationSpace: environment.observationSpace, actionSpace: environment.actionSpace,
                               seed: modelSeedGenerator.next(),
                               goalImage: (environment as? any GoalImageEnvironment)?.goalImageLayout),
                path: "model")
            // A latent model predicts latent states but takes the environment's raw observations.
            let modelObservationSize = (built as? any LatentDynamicsModel)?.rawObservationSize ?? built.observationSize
            guard modelObservationSize == environment.observationSize else {
                throw RecipeError(path: "model", message: "the model predicts \(modelObservationSize) observation entries but \(environment.id) has \(environment.observationSize)")
            }
            model = built
            modelJSON = resolved
        }

        // MARK: Rewards for imagined steps
        let knownReward = environment as? any KnownRewardEnvironment
        // A termination rule known without the reward (MuJoCo tasks through the bridge).
        let knownTermination = knownReward?.terminationFunction
            ?? (environment as? any KnownTerminationEnvironment)?.knownTerminationFunction
        if recipe.planning.reward == "goal-image" {
            // Planned toward the goal image in the model's latent space; no reward is imagined.
            guard environment is any GoalImageEnvironment else {
                throw RecipeError(path: "planning.reward", message: "\"goal-image\" plans toward the goal image at the end of each observation, but \(environment.id) shows none; use a goal-image environment such as PointMassGoalPixels-v0")
            }
            guard model is any LatentDynamicsModel else {
                throw RecipeError(path: "model", message: "\"goal-image\" planning encodes images; use a latent model (\"contrastive\" or \"latent\")")
            }
            rewardFunction = nil
            terminationFunction = nil
        } else if (recipe.planner != nil || recipe.policyOptimizer != nil) && recipe.planning.reward == "learned" {
            // Imagined steps scored by the model's reward head; terminations by its termination
            // head when it has one, otherwise by the known rule (mbrl-lib's MBPO and PETS on
            // tasks whose reward is learned). A latent model's states are not observations, so
            // no known rule applies to them.
            if let latent = model as? any LatentDynamicsModel, !latent.hasDecoder, !latent.predictsRewards {
                throw RecipeError(path: "planning.reward", message: "\"learned\" needs a model with a reward head, and this latent model has neither a reward head nor a decoder (a contrastive model); plan toward a goal image with \"goal-image\", or use a \"latent\" model")
            }
            guard model?.predictsRewards == true else {
                throw RecipeError(path: "planning.reward", message: "\"learned\" needs a model with a reward head (enable learnedReward in the model's config)")
            }
            rewardFunction = nil
            terminationFunction = model?.predictsTerminations == true || model is any LatentDynamicsModel ? nil : knownTermination
        } else if recipe.planner != nil {
            guard let knownReward else {
                throw RecipeError(path: "planning.reward",
                                  message: "\(environment.id) has no known reward function; use \"learned\" with a model that has a reward head")
            }
            rewardFunction = knownReward.rewardFunction
            terminationFunction = knownReward.terminationFunction
        } else {
            rewardFunction = knownReward?.rewardFunction
            terminationFunction = knownTermination
        }

        // MARK: Planner
        var plannerJSON: JSONValue?
        var planner: (any Planner)?
        if let specification = recipe.planner {
            guard model != nil else {
                throw RecipeError(path: "model", message: "the planner \(specification.stringValue ?? "") plans through a model; name one, for example \"gaussian-ensemble\"")
            }
            let observationSize = model.map { ($0 as? any LatentDynamicsModel)?.rawObservationSize ?? $0.observationSize } ?? environment.observationSize
            let (built, resolved) = try registry.planners.build(
                specification, context: .init(observationSize: observationSize, actionSpace: environment.actionSpace), path: "planner")
            planner = built
            plannerJSON = resolved
        }

        // MARK: Policy optimizer
        var optimizerJSON: JSONValue?
        if let specification = recipe.policyOptimizer {
            let (built, resolved) = try registry.policyOptimizers.build(
                specification,
                context: .init(observationSpace: environment.observationSpace, actionSpace: environment.actionSpace, seed: seed),
                path: "policyOptimizer")
            try Self.check(built, model: model, modelName: Self.componentName(recipe.model), environment: environment,
                           rewardFunction: rewardFunction, terminationFunction: terminationFunction, hasPlanner: planner != nil)
            optimizer = PolicyOptimizerHandle(built)
            optimizerJSON = resolved
        } else {
            optimizer = nil
        }

        // MARK: Who acts
        self.planner = planner
        acting = recipe.acting.resolved(hasPlanner: planner != nil)
        if case .planner = acting.exploration, model is any TrainableDynamicsModel {
            throw RecipeError(path: "acting.exploration", message: "the recipe's planner plans through the model, which is not fitted before exploration ends; explore with \"random\", a true-dynamics planner or a saved policy")
        }

        var resolved: [String: JSONValue] = [
            "name": .string(recipe.name), "description": .string(recipe.description), "seed": .number(Double(seed)),
            "environment": environmentJSON, "model": modelJSON,
            "acting": .object(["exploration": acting.exploration.json, "training": acting.training.json,
                               "evaluation": acting.evaluation.json]),
            "loop": try JSONValue(encoding: recipe.loop), "output": try JSONValue(encoding: recipe.output),
        ]
        if let plannerJSON {
            resolved["planner"] = plannerJSON
            resolved["planning"] = try JSONValue(encoding: recipe.planning)
        } else if optimizerJSON != nil {
            resolved["planner"] = .null
            if model != nil { resolved["planning"] = try JSONValue(encoding: recipe.planning) }
        }
        if let optimizerJSON { resolved["policyOptimizer"] = optimizerJSON }
        resolvedRecipe = .object(resolved)
    }

    /// Refuses an optimizer whose requirements the model or the environment cannot meet, naming both.
    static func check(_ optimizer: any PolicyOptimizer, model: (any DynamicsModel)?, modelName: String?, environment: any Environment,
                      rewardFunction: (any RewardFunction)?, terminationFunction: (any TerminationFunction)?,
                      hasPlanner: Bool = false) throws {
        let requirements = optimizer.requirements
        let modelName = model.map { "the model \"\(modelName ?? "\(type(of: $0))")\"" } ?? "no model"
        // Why a model is asked for, when the optimizer needs one only for a chosen setting.
        let reason = (optimizer as? GuidedPolicySearch)?.config.dynamicsPrior == .model
            ? " for \"dynamicsPrior\": \"model\" (or set \"dynamicsPrior\": \"gmm\", which needs none)" : ""
        func refuse(_ what: String) -> RecipeError {
            RecipeError(path: "policyOptimizer", message: "policy optimizer \"\(optimizer.name)\" needs \(what)\(reason), but the recipe gives \(modelName) on \(environment.id)")
        }
        if requirements.contains(.model) && model == nil { throw refuse("a model (name one under \"model\")") }
        if requirements.contains(.observationDecoder) && !(model is any LatentDynamicsModel) {
            throw refuse("a model that predicts observations through a decoder (\"latent\": an encoder, latent dynamics, a decoder and a reward head)")
        }
        if let checking = optimizer as? any ModelCompatibilityChecking, let problem = checking.incompatibility(with: model) {
            throw refuse(problem)
        }
        if requirements.contains(.ensembleModel), !(model is any EnsembleDynamicsModel) || (model as? any EnsembleDynamicsModel)?.memberCount ?? 0 < 2 {
            throw refuse("an ensemble model of at least 2 members (for example \"deterministic-ensemble\" or \"gaussian-ensemble\")")
        }
        if requirements.contains(.differentiableModel) && !(model is any DifferentiableDynamicsModel) {
            throw refuse("a differentiable model (a neural model)")
        }
        if requirements.contains(.rewards) && rewardFunction == nil && model?.predictsRewards != true {
            throw refuse("rewards for imagined steps (an environment with a known reward function, or a model with a reward head)")
        }
        if requirements.contains(.terminations) && terminationFunction == nil && model?.predictsTerminations != true {
            throw refuse("terminations for imagined steps (an environment with a known termination function, or a model with a termination head: learnedTermination)")
        }
        if requirements.contains(.rewardGradients) && !(rewardFunction is any DifferentiableRewardFunction) {
            // A learned reward head gives gradients when the model differentiates it.
            let learnedRewardGradients = rewardFunction == nil && model?.predictsRewards == true
                && (model is any RewardDifferentiableDynamicsModel || model is any MemberDifferentiableDynamicsModel)
            if !learnedRewardGradients {
                throw refuse("reward gradients (an environment whose known reward function is differentiable, or \"planning\": {\"reward\": \"learned\"} with a model whose reward head is differentiable)")
            }
        }
        if requirements.contains(.planner) && !(hasPlanner && model != nil) {
            throw refuse("a planner and its model (name a \"planner\", for example {\"type\": \"cem\"}, and a \"model\"), to act and to label states")
        }
        if requirements.contains(.continuousActions), case .discrete = environment.actionSpace {
            throw refuse("continuous (Box) actions")
        }
        if requirements.contains(.discreteActions), case .box = environment.actionSpace {
            throw refuse("discrete actions")
        }
    }

    /// Refuses initial states the environment cannot start from, naming the state.
    static func checkInitialStates(_ loop: LoopConfig, environment: any Environment) throws {
        let lists = [("loop.initialStates", loop.initialStates), ("loop.evaluationInitialStates", loop.evaluationInitialStates)]
        for (path, states) in lists where !states.isEmpty {
            guard var startable = environment as? any InitialStateEnvironment else {
                throw RecipeError(path: path, message: "\(environment.id) cannot start an episode from a given state; remove \(path) or use an environment that can (for example PointMass-v0 or TwoLinkArm-v0)")
            }
            for (index, state) in states.enumerated() {
                do {
                    _ = try startable.reset(seed: 0, initialState: state)
                } catch {
                    throw RecipeError(path: "\(path)[\(index)]", message: "\(environment.id) cannot start from \(state): \(error)")
                }
            }
        }
    }

    /// The registered name in a component specification (`"cem"` or `{"type": "cem", ...}`).
    static func componentName(_ specification: JSONValue) -> String? {
        specification.stringValue ?? specification["type"]?.stringValue
    }
}
