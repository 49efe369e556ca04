#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MBRLCore

/// `Pendulum-v1`'s true dynamics as a differentiable model over observations
/// `[cos(theta), sin(theta), thetaDot]`, so gradient shooting, backpropagation through time and
/// iLQR can be tested with a perfect model.
///
/// Each row follows `Pendulum.step` with the same constants (`g`, `m`, `l`, `dt = 0.05`,
/// speed limit 8, torque limit 2):
///
///     theta     = atan2(sin, cos)
///     u         = clip(action, -2, 2)
///     thetaDot' = clip(thetaDot + (3 g / (2 l) * sin(theta) + 3 / (m l^2) * u) * dt, -8, 8)
///     theta'    = theta + thetaDot' * dt
///     next      = [cos(theta'), sin(theta'), thetaDot']
///
/// computed in `Double` and rounded to `Float`. The pullback is the exact derivative of these
/// formulas: `d theta / d cos = -sin / r^2`, `d theta / d sin = cos / r^2` (`r^2 = cos^2 + sin^2`),
/// and a clip has zero derivative where it is active (`|action| > 2`, or the new speed beyond 8);
/// an action exactly on a bound keeps its derivative, so a planner holding an action at the bound
/// still sees which way the return improves.
///
/// ```swift
/// let model = PendulumDynamicsModel()
/// let (next, pullback) = try model.predictWithPullback(observations: states, actions: torques)  // [B, 3], [B, 1]
/// let gradients = try pullback(upstream)                                                          // [B, 3], [B, 1]
/// ```
public struct PendulumDynamicsModel: DifferentiableDynamicsModel, Sendable {
    /// Gravity, m/s^2 (10, as `Pendulum`'s default).
    public let gravity: Double
    /// Mass, kg (1, as `Pendulum`'s default).
    public let mass: Double
    /// Length, m (1, as `Pendulum`'s default).
    public let length: Double

    /// The dynamics of a pendulum under `gravity` with `mass` and `length` (the nominal ones by
    /// default; `PendulumDynamicsModel(pendulum)` copies an environment's).
    public init(gravity: Double = 10.0, mass: Double = Pendulum.mass, length: Double = Pendulum.length) {
        self.gravity = gravity
        self.mass = mass
        self.length = length
    }

    /// The dynamics of `pendulum` with its current parameters.
    public init(_ pendulum: Pendulum) {
        self.init(gravity: pendulum.gravity, mass: pendulum.mass, length: pendulum.length)
    }

    /// `[cos(theta), sin(theta), thetaDot]`: 3 entries.
    public var observationSize: Int { 3 }
    /// The torque: 1 entry.
    public var actionSize: Int { 1 }

    /// The next observation of every row (deterministic; the generator is not used).
    public func predict(observations: Matrix, actions: Matrix, generator: inout RandomGenerator) throws -> ModelPrediction {
        ModelPrediction(nextObservations: try predictWithPullback(observations: observations, actions: actions).nextObservations)
    }

    /// The next observations `[B, 3]` and the pullback from their gradient `[B, 3]` to the
    /// gradients of the observations `[B, 3]` and actions `[B, 1]`.
    public func predictWithPullback(observations: Matrix, actions: Matrix) throws
        -> (nextObservations: Matrix, pullback: @Sendable (Matrix) throws -> InputGradients) {
        try validateInputs(observations: observations, actions: actions)
        let rows = observations.rows
        var next = Matrix(rows: rows, columns: 3)
        var steps = [Step](repeating: Step(), count: rows)
        for row in 0..<rows {
            let step = Step(cosine: Double(observations[row, 0]), sine: Double(observations[row, 1]),
                            thetaDot: Double(observations[row, 2]), action: actions[row, 0],
                            gravity: gravity, mass: mass, length: length)
            next[row, 0] = Float(cos(step.newTheta))
            next[row, 1] = Float(sin(step.newTheta))
            next[row, 2] = Float(step.newThetaDot)
            steps[row] = step
        }
        let gravity = self.gravity, mass = self.mass, length = self.length
        let savedSteps = steps
        let pullback: @Sendable (Matrix) throws -> InputGradients = { upstream in
            guard upstream.rows == rows, upstream.columns == 3 else {
                throw MBRLError.shapeMismatch("the pendulum pullback takes [\(rows), 3] gradients, got [\(upstream.rows), \(upstream.columns)]")
            }
            var observationGradients = Matrix(rows: rows, columns: 3)
            var actionGradients = Matrix(rows: rows, columns: 1)
            let dt = Pendulum.timeStep
            for row in 0..<rows {
                let step = savedSteps[row]
                let gradientNewTheta = -Double(upstream[row, 0]) * sin(step.newTheta) + Double(upstream[row, 1]) * cos(step.newTheta)
                let gradientNewThetaDot = Double(upstream[row, 2]) + gradientNewTheta * dt
                let gradientRawThetaDot = step.speedClipped ? 0 : gradientNewThetaDot
                let gradientTheta = gradientNewTheta
                    + gradientRawThetaDot * 3 * gravity / (2 * length) * cos(step.theta) * dt
                let radiusSquared = step.cosine * step.cosine + step.sine * step.sine
                if radiusSquared > 0 {
                    observationGradients[row, 0] = Float(gradientTheta * -step.sine / radiusSquared)
                    observationGradients[row, 1] = Float(gradientTheta * step.cosine / radiusSquared)
                }
                observationGradients[row, 2] = Float(gradientRawThetaDot)
                if !step.torqueClipped {
                    actionGradients[row, 0] = Float(gradientRawThetaDot * 3 / (mass * length * length) * dt)
                }
            }
            return InputGradients(observations: observationGradients, actions: actionGradients)
        }
        return (next, pullback)
    }

    /// One row's forward pass, kept for the pullback.
    struct Step: Sendable {
        var cosine = 0.0, sine = 0.0, theta = 0.0
        var newTheta = 0.0, newThetaDot = 0.0
        var speedClipped = false, torqueClipped = false

        init() {}

        init(cosine: Double, sine: Double, thetaDot: Double, action: Float, gravity: Double, mass: Double, length: Double) {
            self.cosine = cosine
            self.sine = sine
            theta = atan2(sine, cosine)
            torqueClipped = action < -Pendulum.maxTorque || action > Pendulum.maxTorque
            let torque = min(max(action, -Pendulum.maxTorque), Pendulum.maxTorque)
            // As `Pendulum.step`: the torque term in single precision, the rest in double.
            let torqueTerm = Double(Float(3.0 / (mass * LibmPower.square(length))) * torque)
            let raw = thetaDot + (3 * gravity / (2 * length) * sin(theta) + torqueTerm) * Pendulum.timeStep
            speedClipped = raw < -Pendulum.maxSpeed || raw > Pendulum.maxSpeed
            newThetaDot = min(max(raw, -Pendulum.maxSpeed), Pendulum.maxSpeed)
            newTheta = theta + newThetaDot * Pendulum.timeStep
        }
    }
}
