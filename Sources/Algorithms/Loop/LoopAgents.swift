import Foundation
import MBRLCore
import Planners

/// The agents of a run: who acts in exploration, training and evaluation episodes (the recipe's
/// `acting` section, defaults resolved), plus the recipe's planner and the optimizer's policy as
/// agents of their own, for a policy optimizer whose `actingRequest` asks for one of them (or for
/// planner labels). Kept apart from `LoopComponents` so the loop can act with an agent while it
/// reads the environment.
struct LoopAgents {
    var exploration: any Agent
    var training: any Agent
    var evaluation: any Agent
    /// The recipe's planner through the recipe's model, when the recipe has both and its policy
    /// optimizer requires a planner.
    var planner: (any Agent)?
    /// The policy optimizer's policy, when the recipe has an optimizer.
    var policy: (any Agent)?

    init(recipe: Recipe, registry: ComponentRegistry, components: LoopComponents) throws {
        exploration = try Self.makeAgent(components.acting.exploration, path: "acting.exploration", recipe: recipe,
                                         registry: registry, components: components)
        training = try Self.makeAgent(components.acting.training, path: "acting.training", recipe: recipe,
                                      registry: registry, components: components)
        evaluation = try Self.makeAgent(components.acting.evaluation, path: "acting.evaluation", recipe: recipe,
                                        registry: registry, components: components)
        // Built only for an optimizer that may ask the planner to act or to label (MB-MF).
        if components.planner != nil && components.model != nil,
           components.optimizer?.optimizer.requirements.contains(.planner) == true {
            planner = try Self.makeAgent(.planner, path: "planner", recipe: recipe, registry: registry, components: components)
        }
        policy = components.optimizer.map { LearnerAgent(handle: $0) }
    }

    /// Hands a refitted model to every agent (planners rebuild their planning model).
    mutating func modelDidChange(_ model: any DynamicsModel) throws {
        try exploration.modelDidChange(model)
        try training.modelDidChange(model)
        try evaluation.modelDidChange(model)
        try planner?.modelDidChange(model)
    }

    /// The agent `specification` names.
    static func makeAgent(_ specification: AgentSpecification, path: String, recipe: Recipe, registry: ComponentRegistry,
                          components: LoopComponents) throws -> any Agent {
        let environment = components.environment, model = components.model, planner = components.planner
        let optimizer = components.optimizer
        let rewardFunction = components.rewardFunction, terminationFunction = components.terminationFunction
        switch specification {
        case .random:
            return RandomAgent(actionSpace: environment.actionSpace)
        case .planner:
            guard let planner, let model else {
                throw RecipeError(path: path, message: "\"planner\" acts with the recipe's planner, but the recipe names none; add a \"planner\" (and a \"model\")")
            }
            return try PlannerAgent(planner: planner, model: model, actionSpace: environment.actionSpace,
                                    rewardFunction: rewardFunction, terminationFunction: terminationFunction,
                                    planning: recipe.planning, replanEvery: recipe.loop.replanEvery,
                                    goalImage: (environment as? any GoalImageEnvironment)?.goalImageLayout)
        case .policy:
            guard let optimizer else {
                throw RecipeError(path: path, message: "\"policy\" acts with the policy optimizer's policy, but the recipe names no \"policyOptimizer\"")
            }
            return LearnerAgent(handle: optimizer)
        case .trueDynamicsPlanner(let plannerSpecification):
            guard let specification = plannerSpecification ?? recipe.planner else {
                throw RecipeError(path: "\(path).planner", message: "name the expert's planner (the recipe has none), for example {\"type\": \"cem\"}")
            }
            let (expertPlanner, _) = try registry.planners.build(
                specification, context: .init(observationSize: environment.observationSize, actionSpace: environment.actionSpace),
                path: "\(path).planner")
            guard let stateful = environment as? any StatefulEnvironment else {
                throw RecipeError(path: path, message: "\(environment.id) cannot copy its state, so no planner can use its true dynamics")
            }
            func open<Env: StatefulEnvironment>(_ environment: Env) throws -> any Agent {
                try TrueDynamicsPlannerAgent(planner: expertPlanner, environment: environment, discount: recipe.planning.discount,
                                             replanEvery: recipe.loop.replanEvery)
            }
            return try open(stateful)
        case .savedPolicy(let run):
            return try SavedPolicyLoader.agent(run: URL(fileURLWithPath: run), registry: registry, environment: environment, path: path)
        }
    }
}
