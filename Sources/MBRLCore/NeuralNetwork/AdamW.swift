/// AdamW: Adam with decoupled weight decay (Loshchilov and Hutter, 2019), as PyTorch's
/// `torch.optim.AdamW`.
///
/// Each step first shrinks every parameter, `p *= 1 - learningRate * weightDecay`, then applies
/// the Adam update (see `Adam`) with the plain gradient. Defaults as in PyTorch: learning rate
/// 1e-3, betas 0.9 and 0.999, epsilon 1e-8, weight decay 1e-2.
///
/// ```swift
/// var optimizer = try AdamW(learningRate: 3e-4, weightDecay: 1e-4)
/// try optimizer.step(&ensemble, gradients: gradients)
/// ```
public struct AdamW: GradientOptimizer, Equatable {
    /// The step count and both moments (the same form as Adam's).
    public typealias State = Adam.State

    /// The step size (default 1e-3).
    public var learningRate: Float
    /// The decay of the first moment (default 0.9).
    public var beta1: Float
    /// The decay of the second moment (default 0.999).
    public var beta2: Float
    /// Added to the denominator for stability (default 1e-8).
    public var epsilon: Float
    /// The decoupled weight decay (default 1e-2).
    public var weightDecay: Float
    /// The step count and moments.
    public var state: State

    /// The number of steps taken.
    public var stepCount: Int { state.stepCount }

    /// An optimiser with PyTorch's defaults unless given.
    ///
    /// - Throws: `MBRLError.invalidArgument` for a negative learning rate, epsilon or weight
    ///   decay, or a beta outside `[0, 1)`.
    public init(
        learningRate: Float = 1e-3,
        beta1: Float = 0.9,
        beta2: Float = 0.999,
        epsilon: Float = 1e-8,
        weightDecay: Float = 1e-2
    ) throws {
        try AdamRule.validate(learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon, weightDecay: weightDecay)
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.state = State()
    }

    public mutating func step(parameters: inout [Matrix], gradients: [Matrix]) throws {
        try AdamRule.step(
            parameters: &parameters, gradients: gradients, state: &state,
            learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon,
            coupledWeightDecay: 0, decoupledWeightDecay: weightDecay)
    }

    public mutating func reset() { state = State() }
}
