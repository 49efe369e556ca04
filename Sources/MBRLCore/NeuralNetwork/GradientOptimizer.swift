/// A first-order optimiser that updates a list of parameters from their gradients.
///
/// Parameters and gradients travel as `[Matrix]` in a fixed order (a `ParameterContainer`'s
/// `parameters`). The optimiser's moments are created on the first step with the shapes of the
/// parameters; `state` (step count and moments) is `Codable` so training can be checkpointed
/// and resumed exactly.
///
/// ```swift
/// var optimizer = try Adam(learningRate: 1e-3)
/// let (prediction, tape) = try network.forward(inputs)
/// let (loss, gradient) = try MeanSquaredError.lossAndGradient(prediction: prediction, target: targets)
/// var gradients = try network.backward(gradient, tape: tape, needsInputGradient: false).parameterGradients
/// let norm = try GradientClipping.clipByGlobalNorm(&gradients, maxNorm: 10)
/// try optimizer.step(&network, gradients: gradients)
/// let saved = try JSONEncoder().encode(optimizer.state)     // resume later with `state = ...`
/// ```
public protocol GradientOptimizer: Sendable {
    /// The saved form of the optimiser's progress (step count and moments).
    associatedtype State: Codable, Sendable, Equatable

    /// The step size; may be changed between steps (for a schedule).
    var learningRate: Float { get set }

    /// The step count and moments; assign a decoded state to resume.
    var state: State { get set }

    /// The number of steps taken.
    var stepCount: Int { get }

    /// Updates `parameters` in place from `gradients` (same count and shapes).
    ///
    /// - Throws: `MBRLError.shapeMismatch` when the gradients or the saved moments do not match
    ///   the parameters; nothing is changed then.
    mutating func step(parameters: inout [Matrix], gradients: [Matrix]) throws

    /// Forgets the moments and the step count.
    mutating func reset()
}

extension GradientOptimizer {
    /// Updates the parameters of `container` in place from `gradients` (in the order of
    /// `container.parameters`), without copying the parameters.
    ///
    /// - Throws: `MBRLError.shapeMismatch` naming the first gradient that does not fit.
    public mutating func step<Container: ParameterContainer>(_ container: inout Container, gradients: [Matrix]) throws {
        try container.validateParameterShapes(gradients)
        try container.updateParameters { parameters in
            try self.step(parameters: &parameters, gradients: gradients)
        }
    }
}

/// Checks shared by the optimisers.
enum OptimizerChecks {
    static func validate(parameters: [Matrix], gradients: [Matrix]) throws {
        try ParameterShapes.validate(gradients, against: parameters, role: "gradients")
    }

    /// Throws unless `moments` is empty (not created yet) or matches `parameters`.
    static func validate(moments: [Matrix], parameters: [Matrix], name: String) throws {
        guard !moments.isEmpty else { return }
        try ParameterShapes.validate(moments, against: parameters, role: "saved \(name)")
    }

    static func requireNonNegative(_ value: Float, _ name: String) throws {
        guard value >= 0, value.isFinite else {
            throw MBRLError.invalidArgument("\(name) must be a finite non-negative number, got \(value)")
        }
    }

    static func requireUnitInterval(_ value: Float, _ name: String) throws {
        guard value >= 0, value < 1 else {
            throw MBRLError.invalidArgument("\(name) must be in [0, 1), got \(value)")
        }
    }
}
