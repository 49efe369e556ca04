/// Stochastic gradient descent with optional momentum, as PyTorch's `torch.optim.SGD`.
///
/// Each step, for every parameter `p` with gradient `g`:
///
///     g += weightDecay * p                                  (when weightDecay > 0)
///     b = g on the first step, else momentum * b + (1 - dampening) * g   (when momentum > 0)
///     d = nesterov ? g + momentum * b : b                   (d = g without momentum)
///     p -= learningRate * d
///
/// Defaults: learning rate 1e-3 (PyTorch's default), no momentum, dampening, weight decay or
/// Nesterov momentum.
///
/// ```swift
/// var optimizer = try SGD(learningRate: 0.01, momentum: 0.9)
/// try optimizer.step(&network, gradients: gradients)
/// ```
public struct SGD: GradientOptimizer, Equatable {
    /// The step count and the momentum buffers.
    public struct State: Codable, Sendable, Equatable {
        /// The number of steps taken.
        public var stepCount: Int
        /// The momentum buffer of each parameter (empty before the first step or without momentum).
        public var velocities: [Matrix]

        /// A state; the default is a fresh optimiser's.
        public init(stepCount: Int = 0, velocities: [Matrix] = []) {
            self.stepCount = stepCount
            self.velocities = velocities
        }
    }

    /// The step size (default 1e-3).
    public var learningRate: Float
    /// The momentum factor (default 0: plain gradient descent).
    public var momentum: Float
    /// The dampening of the momentum (default 0).
    public var dampening: Float
    /// The coupled L2 penalty added to the gradient (default 0).
    public var weightDecay: Float
    /// Whether to use Nesterov momentum (default false; needs momentum and no dampening).
    public var nesterov: Bool
    /// The step count and momentum buffers.
    public var state: State

    /// The number of steps taken.
    public var stepCount: Int { state.stepCount }

    /// An optimiser with PyTorch's defaults unless given.
    ///
    /// - Throws: `MBRLError.invalidArgument` for negative values, a momentum outside `[0, 1)`,
    ///   or Nesterov momentum without momentum or with dampening.
    public init(
        learningRate: Float = 1e-3,
        momentum: Float = 0,
        dampening: Float = 0,
        weightDecay: Float = 0,
        nesterov: Bool = false
    ) throws {
        try OptimizerChecks.requireNonNegative(learningRate, "the learning rate")
        try OptimizerChecks.requireUnitInterval(momentum, "the momentum")
        try OptimizerChecks.requireUnitInterval(dampening, "the dampening")
        try OptimizerChecks.requireNonNegative(weightDecay, "the weight decay")
        if nesterov && (momentum == 0 || dampening != 0) {
            throw MBRLError.invalidArgument("Nesterov momentum needs a positive momentum and zero dampening")
        }
        self.learningRate = learningRate
        self.momentum = momentum
        self.dampening = dampening
        self.weightDecay = weightDecay
        self.nesterov = nesterov
        self.state = State()
    }

    public mutating func step(parameters: inout [Matrix], gradients: [Matrix]) throws {
        try OptimizerChecks.validate(parameters: parameters, gradients: gradients)
        try OptimizerChecks.validate(moments: state.velocities, parameters: parameters, name: "velocities")
        let usesMomentum = momentum != 0
        let isFirstStep = state.velocities.isEmpty
        if usesMomentum && isFirstStep {
            state.velocities = parameters.map { Matrix(rows: $0.rows, columns: $0.columns) }
        }
        state.stepCount += 1
        let learningRate = learningRate, momentum = momentum, weightDecay = weightDecay, nesterov = nesterov
        let keep = 1 - dampening
        for index in parameters.indices {
            parameters[index].withUnsafeMutableBufferPointer { p in
                gradients[index].withUnsafeBufferPointer { g in
                    if usesMomentum {
                        state.velocities[index].withUnsafeMutableBufferPointer { b in
                            for entry in 0..<p.count {
                                var gradient = g[entry]
                                if weightDecay != 0 { gradient += weightDecay * p[entry] }
                                b[entry] = isFirstStep ? gradient : momentum * b[entry] + keep * gradient
                                let direction = nesterov ? gradient + momentum * b[entry] : b[entry]
                                p[entry] -= learningRate * direction
                            }
                        }
                    } else {
                        for entry in 0..<p.count {
                            var gradient = g[entry]
                            if weightDecay != 0 { gradient += weightDecay * p[entry] }
                            p[entry] -= learningRate * gradient
                        }
                    }
                }
            }
        }
    }

    public mutating func reset() { state = State() }
}
