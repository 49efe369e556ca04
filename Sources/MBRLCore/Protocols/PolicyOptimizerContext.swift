/// What a policy optimizer receives from the outer loop at every call: the real data, the
/// fitted model, the environment's batched reward and termination functions, the spaces and the
/// loop's counts.
///
/// ```swift
/// let context = PolicyOptimizerContext(buffer: buffer, model: ensemble,
///                                      rewardFunction: pendulum.rewardFunction,
///                                      observationSpace: pendulum.observationSpace,
///                                      actionSpace: pendulum.actionSpace, totalSteps: 400, modelFits: 2)
/// let batch = context.buffer.sample(batchSize: 256, generator: &generator)
/// ```
public struct PolicyOptimizerContext {
    /// Every real transition stored so far.
    public var buffer: ReplayBuffer
    /// The loop's model (fitted `modelFits` times), or nil when the recipe has none.
    public var model: (any DynamicsModel)?
    /// The environment's known reward function, when it has one.
    public var rewardFunction: (any RewardFunction)?
    /// The environment's known termination function, when it has one.
    public var terminationFunction: (any TerminationFunction)?
    /// The environment's observation space.
    public var observationSpace: Space
    /// The environment's action space.
    public var actionSpace: Space
    /// Real environment steps stored so far (exploration and training).
    public var totalSteps: Int
    /// Model fits so far.
    public var modelFits: Int
    /// Whether the step belongs to the exploration phase (before the first training episode).
    public var isExploration: Bool
    /// Real steps between model refits in training episodes (the loop's `trainEvery`); 0 when
    /// the model is refitted once per episode or never. MBPO sizes its rollout batch by it.
    public var stepsBetweenModelFits: Int
    /// The recipe's planner's action at the transition's observation, when the optimizer's
    /// `actingRequest` asks for planner labels (the action taken when the planner acted); nil
    /// otherwise and in `modelDidFit`.
    public var plannerLabel: [Float]?
    /// The initial condition the current episode started from (an index into the recipe's
    /// `loop.initialStates`), or nil when the recipe lists none.
    public var episodeCondition: Int? = nil
    /// The index of the transition just taken within its episode (0 for the first step).
    public var episodeStep = 0

    public init(buffer: ReplayBuffer, model: (any DynamicsModel)? = nil, rewardFunction: (any RewardFunction)? = nil,
                terminationFunction: (any TerminationFunction)? = nil, observationSpace: Space, actionSpace: Space,
                totalSteps: Int = 0, modelFits: Int = 0, isExploration: Bool = false, stepsBetweenModelFits: Int = 0,
                plannerLabel: [Float]? = nil) {
        self.buffer = buffer
        self.model = model
        self.rewardFunction = rewardFunction
        self.terminationFunction = terminationFunction
        self.observationSpace = observationSpace
        self.actionSpace = actionSpace
        self.totalSteps = totalSteps
        self.modelFits = modelFits
        self.isExploration = isExploration
        self.stepsBetweenModelFits = stepsBetweenModelFits
        self.plannerLabel = plannerLabel
    }

    /// The model's reward gradients are available: a differentiable known reward function.
    public var differentiableRewardFunction: (any DifferentiableRewardFunction)? {
        rewardFunction as? any DifferentiableRewardFunction
    }
}
