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
    public static let keyDescriptions = [
        "horizon": "steps per action sequence",
        "sequenceCount": "random sequences scored per plan",
    ]
}

extension CrossEntropyPlanner.Config: DocumentedConfig {
    public static var defaults: Self { Self() }
    public static let keyDescriptions = [
        "horizon": "steps per action sequence",
        "populationSize": "sequences sampled per iteration",
        "eliteRatio": "fraction of the population refit to",
        "iterations": "sampling rounds per plan",
        "alpha": "momentum: weight of the old mean and variance",
        "returnMeanElites": "return the final mean (true) or the best sequence seen",
        "varianceTolerance": "stop early once every variance is below this (0: never)",
        "warmStart": "start from the previous plan shifted by one step",
    ]
}

extension ImprovedCrossEntropyPlanner.Config: DocumentedConfig {
    public static var defaults: Self { Self() }
    public static let keyDescriptions = [
        "horizon": "steps per action sequence",
        "populationSize": "sequences in the first iteration",
        "eliteRatio": "fraction of the population refit to",
        "iterations": "sampling rounds per plan",
        "populationDecay": "population shrink factor per iteration",
        "minimumPopulationSize": "smallest population (null: twice the elites)",
        "noiseExponent": "coloured-noise exponent beta (0 white, 2 brown)",
        "keepEliteFraction": "fraction of elites kept into the next iteration and shifted to the next step",
        "alpha": "momentum of the mean and standard deviation",
        "returnMeanElites": "execute the mean (true) or the best sequence (false, as iCEM)",
        "warmStart": "start from the previous plan shifted by one step",
    ]
}

extension PathIntegralPlanner.Config: DocumentedConfig {
    public static var defaults: Self { Self() }
    public static let keyDescriptions = [
        "horizon": "steps per action sequence",
        "populationSize": "sequences sampled per iteration",
        "iterations": "update rounds per plan",
        "gamma": "temperature: weights are exp(gamma * (return - best))",
        "sigma": "noise standard deviation",
        "beta": "noise smoothing between consecutive steps",
    ]
}

extension GradientShootingPlanner.Config: DocumentedConfig {
    public static var defaults: Self { Self() }
    public static let keyDescriptions = [
        "horizon": "steps per action sequence",
        "candidateCount": "random sequences scored to choose the starts",
        "startCount": "sequences optimised by gradient ascent",
        "iterations": "Adam steps per plan",
        "learningRate": "Adam's step size",
        "warmStart": "start one sequence from the previous plan shifted by one step",
    ]
}

extension MonteCarloTreeSearchPlanner.Config: DocumentedConfig {
    public static var defaults: Self { Self() }
    public static let keyDescriptions = [
        "simulationsPerStep": "tree-policy descents per real step",
        "explorationConstant": "C in Q/N + 2C sqrt(2 ln N(parent) / N)",
        "depthLimit": "deepest tree level expanded",
        "rolloutDepth": "random default-policy steps after a new leaf",
        "discount": "discount of later rewards",
        "normalizeValues": "scale Q/N into [0, 1] by the returns seen before adding the bonus",
        "reuseTree": "keep the executed action's subtree for the next step",
        "finalAction": "how the executed action is chosen from the root's children",
    ]
}

extension IterativeLQRPlanner.Config: DocumentedConfig {
    public static var defaults: Self { Self() }
    public static let keyDescriptions = [
        "horizon": "steps of the trajectory optimised",
        "maximumIterations": "backward/forward passes per plan",
        "initialRegularization": "starting Levenberg-Marquardt regularisation of Quu",
        "regularizationFactor": "growth and shrink factor of the regularisation",
        "minimumRegularization": "regularisation floor",
        "maximumRegularization": "give up above this regularisation",
        "lineSearchSteps": "backtracking line-search steps",
        "minimumReductionRatio": "accept a step whose actual/expected improvement exceeds this",
        "costTolerance": "stop when the relative improvement falls below this",
        "gradientTolerance": "stop when the feed-forward terms fall below this",
        "warmStart": "start from the previous plan shifted by one step",
        "coldStartGuesses": "without a warm start, try constant guesses at the bounds and middle",
    ]
}
