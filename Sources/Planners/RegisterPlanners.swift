import MBRLCore

/// Registers every planner in `registry`: `"random-shooting"`, `"cem"`, `"icem"`, `"mppi"`,
/// `"gradient-shooting"`, `"mcts"` and `"ilqr"`.
public func registerPlanners(in registry: ComponentRegistry) {
    registry.planners.register("random-shooting", summary: "the best of N uniformly random action sequences",
                               config: RandomShootingPlanner.Config.self) { config, context in
        try RandomShootingPlanner(config: config, actionSpace: context.actionSpace)
    }
    registry.planners.register("cem", summary: "cross-entropy method with mbrl-lib's semantics (PETS)",
                               config: CrossEntropyPlanner.Config.self) { config, context in
        try CrossEntropyPlanner(config: config, actionSpace: context.actionSpace)
    }
    registry.planners.register("icem", summary: "improved CEM (Pinneri et al. 2020): coloured noise, population decay, kept elites",
                               config: ImprovedCrossEntropyPlanner.Config.self) { config, context in
        try ImprovedCrossEntropyPlanner(config: config, actionSpace: context.actionSpace)
    }
    registry.planners.register("mppi", summary: "model-predictive path integral control with smoothed noise",
                               config: PathIntegralPlanner.Config.self) { config, context in
        try PathIntegralPlanner(config: config, actionSpace: context.actionSpace)
    }
    registry.planners.register("gradient-shooting", summary: "Adam on the predicted return through a differentiable model and reward",
                               config: GradientShootingPlanner.Config.self) { config, context in
        try GradientShootingPlanner(config: config, actionSpace: context.actionSpace)
    }
    registry.planners.register("mcts", summary: "Monte Carlo tree search with UCT over discrete actions",
                               config: MonteCarloTreeSearchPlanner.Config.self) { config, context in
        guard context.actionSpace.discrete != nil else {
            throw RecipeError(path: "planner", message: "mcts plans discrete actions; this environment's actions are \(context.actionSpace)")
        }
        return try MonteCarloTreeSearchPlanner(config: config)
    }
    registry.planners.register("ilqr", summary: "iterative LQR with line search, regularisation and feedback gains",
                               config: IterativeLQRPlanner.Config.self) { config, context in
        try IterativeLQRPlanner(config: config, actionSpace: context.actionSpace)
    }
}

extension RandomShootingPlanner.Config: DocumentedConfig {
    public static var defaults: Self { Self() }
}

extension CrossEntropyPlanner.Config: DocumentedConfig {
    public static var defaults: Self { Self() }
}

extension ImprovedCrossEntropyPlanner.Config: DocumentedConfig {
    public static var defaults: Self { Self() }
}

extension PathIntegralPlanner.Config: DocumentedConfig {
    public static var defaults: Self { Self() }
}

extension GradientShootingPlanner.Config: DocumentedConfig {
    public static var defaults: Self { Self() }
}

extension MonteCarloTreeSearchPlanner.Config: DocumentedConfig {
    public static var defaults: Self { Self() }
}

extension IterativeLQRPlanner.Config: DocumentedConfig {
    public static var defaults: Self { Self() }
}
