/// Adam (Kingma and Ba, 2015) with PyTorch's update rule and defaults.
///
/// Each step, for every parameter `p` with gradient `g` (with `g += weightDecay * p` first when
/// `weightDecay > 0`, the coupled L2 penalty of `torch.optim.Adam`):
///
///     m = beta1 * m + (1 - beta1) * g
///     v = beta2 * v + (1 - beta2) * g^2
///     p -= learningRate / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + epsilon)
///
/// Defaults as in PyTorch: learning rate 1e-3, betas 0.9 and 0.999, epsilon 1e-8, no weight decay.
/// For decoupled weight decay use `AdamW`.
///
/// ```swift
/// var optimizer = try Adam(learningRate: 1e-3)
/// let (output, tape) = try network.forward(inputs)
/// let (loss, gradient) = try MeanSquaredError.lossAndGradient(prediction: output, target: targets)
/// let gradients = try network.backward(gradient, tape: tape, needsInputGradient: false)
/// try optimizer.step(&network, gradients: gradients.parameterGradients)
/// ```
public struct Adam: GradientOptimizer, Equatable {
    /// The step count and both moments.
    public struct State: Codable, Sendable, Equatable {
        /// The number of steps taken.
        public var stepCount: Int
        /// The running mean of the gradients, one per parameter (empty before the first step).
        public var firstMoments: [Matrix]
        /// The running mean of the squared gradients, one per parameter (empty before the first step).
        public var secondMoments: [Matrix]

        /// A state; the default is a fresh optimiser's.
        public init(stepCount: Int = 0, firstMoments: [Matrix] = [], secondMoments: [Matrix] = []) {
            self.stepCount = stepCount
            self.firstMoments = firstMoments
            self.secondMoments = secondMoments
        }
    }

    /// The step size (default 1e-3).
    public var learningRate: Float
    /// The decay of the first moment (default 0.9).
    public var beta1: Float
    /// The decay of the second moment (default 0.999).
    public var beta2: Float
    /// Added to the denominator for stability (default 1e-8).
    public var epsilon: Float
    /// The coupled L2 penalty added to the gradient (default 0).
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
        weightDecay: Float = 0
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
            coupledWeightDecay: weightDecay, decoupledWeightDecay: 0)
    }

    public mutating func reset() { state = State() }
}
