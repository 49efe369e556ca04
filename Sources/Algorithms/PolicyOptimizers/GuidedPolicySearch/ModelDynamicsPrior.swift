import MBRLCore
import Planners

/// A dynamics prior from the learned global model (`"dynamicsPrior": "model"`): at every time
/// step, the model linearised at the samples' mean `(x_t, u_t)`,
/// `x_{t+1} ≈ F_t [x_t; u_t] + f_t`, with `F_t` the Jacobians of the model's mean prediction and
/// `f_t = model(x_t, u_t) - F_t [x_t; u_t]`.
///
/// The Jacobians come from `DifferentiableDynamicsModel.predictionJacobians` (Planners), as iLQR's
/// `ModelLinearization` gets them: one batched pullback. Levine et al. (2016, "End-to-end training
/// of deep visuomotor policies", section 4.2 and appendix A.3) name a global model's
/// linearisation as the alternative to the Gaussian-mixture prior; `LinearGaussianDynamics`
/// turns this one into a normal-inverse-Wishart prior of the same form as gps's
/// `DynamicsLRPrior` (see `LinearGaussianDynamics.fit(observations:actions:modelPrior:strength:regularization:initialStateVariance:)`).
///
/// ```swift
/// let prior = try ModelDynamicsPrior.linearize(model: ensemble, observations: states, actions: actions)
/// let dynamics = try LinearGaussianDynamics.fit(observations: states, actions: actions, modelPrior: prior, strength: 1)
/// ```
public struct ModelDynamicsPrior: Sendable, Equatable {
    /// `F_t`, `[O, O + A]` for each of the `T - 1` steps.
    public var transitions: [DenseMatrix]
    /// `f_t`, `[O]` for each step.
    public var offsets: [[Double]]

    public init(transitions: [DenseMatrix], offsets: [[Double]]) {
        self.transitions = transitions
        self.offsets = offsets
    }

    /// Linearises `model` at the samples' mean state and action of every step `t < T - 1`
    /// (`observations` `[N][T][O]`, `actions` `[N][T][A]`).
    ///
    /// - Throws: `MBRLError.shapeMismatch` when the model's sizes differ from the samples',
    ///   `MBRLError.nonFinite` when the model gives non-finite values.
    public static func linearize(model: any DifferentiableDynamicsModel, observations: [[[Double]]],
                                 actions: [[[Double]]]) throws -> ModelDynamicsPrior {
        guard let first = observations.first, let firstActions = actions.first, first.count >= 2 else {
            throw MBRLError.invalidArgument("linearising the model needs at least one sample of at least 2 steps")
        }
        let stateSize = first[0].count, actionSize = firstActions[0].count, steps = first.count - 1
        guard model.observationSize == stateSize, model.actionSize == actionSize else {
            throw MBRLError.shapeMismatch("the model takes \(model.observationSize) observation and \(model.actionSize) action entries; the samples have \(stateSize) and \(actionSize)")
        }
        let meanStates = (0..<steps).map { step in GaussianMixturePrior.mean(observations.map { $0[step] }) }
        let meanActions = (0..<steps).map { step in GaussianMixturePrior.mean(actions.map { $0[step] }) }
        var points = Matrix(rows: steps, columns: stateSize), controls = Matrix(rows: steps, columns: actionSize)
        for step in 0..<steps {
            points.setRow(step, to: meanStates[step].map(Float.init))
            controls.setRow(step, to: meanActions[step].map(Float.init))
        }
        let (next, stateJacobians, actionJacobians) = try model.predictionJacobians(observations: points, actions: controls)
        var transitions: [DenseMatrix] = [], offsets: [[Double]] = []
        for step in 0..<steps {
            var transition = DenseMatrix(rows: stateSize, columns: stateSize + actionSize)
            for output in 0..<stateSize {
                for column in 0..<stateSize { transition[output, column] = stateJacobians[step][output, column] }
                for column in 0..<actionSize { transition[output, stateSize + column] = actionJacobians[step][output, column] }
            }
            let prediction = next.row(step).map(Double.init)
            let offset = zip(prediction, transition * (meanStates[step] + meanActions[step])).map(-)
            guard transition.values.allSatisfy(\.isFinite), offset.allSatisfy(\.isFinite) else {
                throw MBRLError.nonFinite("the model's linearisation at time step \(step) is not finite; check the model's fit")
            }
            transitions.append(transition)
            offsets.append(offset)
        }
        return ModelDynamicsPrior(transitions: transitions, offsets: offsets)
    }
}
