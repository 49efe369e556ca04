/// A model whose prediction can be differentiated with respect to its inputs (the mean
/// prediction, for stochastic models), for gradient shooting, backpropagation through time and
/// iLQR's Jacobians.
///
/// The model returns its prediction and a pullback: given the gradient of a loss with respect to
/// the predicted next observations, the pullback returns the gradients with respect to the
/// observations and actions (a vector-Jacobian product, batched over rows).
///
/// ```swift
/// let (next, pullback) = try model.predictWithPullback(observations: states, actions: actions)
/// let upstream = next.map { _ in 1 }                 // d(sum of next) / d next
/// let gradients = try pullback(upstream)             // .observations [B, obs], .actions [B, act]
/// ```
public protocol DifferentiableDynamicsModel: DynamicsModel {
    /// The mean next observations `[B, obs]` and their pullback.
    func predictWithPullback(observations: Matrix, actions: Matrix) throws
        -> (nextObservations: Matrix, pullback: @Sendable (Matrix) throws -> InputGradients)
}

/// Gradients with respect to a model's inputs.
public struct InputGradients: Sendable, Equatable {
    /// `[B, obs]`.
    public var observations: Matrix
    /// `[B, act]`.
    public var actions: Matrix

    public init(observations: Matrix, actions: Matrix) {
        self.observations = observations
        self.actions = actions
    }
}

extension DifferentiableDynamicsModel {
    /// The Jacobians of the mean prediction at one point, built from one batched pullback:
    /// `d s' / d s` is `[obs, obs]` and `d s' / d a` is `[obs, act]` (row `i` is the gradient of
    /// output `i`).
    public func jacobians(observation: [Float], action: [Float]) throws -> (state: Matrix, action: Matrix) {
        let size = observationSize
        var observations = Matrix(rows: size, columns: size)
        var actions = Matrix(rows: size, columns: actionSize)
        for row in 0..<size {
            observations.setRow(row, to: observation)
            actions.setRow(row, to: action)
        }
        let (_, pullback) = try predictWithPullback(observations: observations, actions: actions)
        let gradients = try pullback(Matrix.identity(size))
        return (gradients.observations, gradients.actions)
    }
}
