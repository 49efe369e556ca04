#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MBRLCore

/// A two-link planar arm that must bring its joint angles to a target, as cbfinn/gps's
/// `box2d_arm_example` (`ArmWorld`): torques at both joints, joint angles and velocities observed
/// with the end effector's position.
///
/// - State: joint angles `(q1, q2)` (radians; `q2` relative to the first link) and velocities
///   `(w1, w2)`; physics in `Double`.
/// - Observation: `[q1, q2, w1, w2, ex, ey]` with the end effector at
///   `ex = l1 cos q1 + l2 cos(q1 + q2)`, `ey = l1 sin q1 + l2 sin(q1 + q2)`; angles are not
///   wrapped (unbounded), speeds are clamped to `maximumSpeed` (10 rad/s).
/// - Action: joint torques in `Box(-maximumTorque, maximumTorque)` (5 N m); values outside are
///   clipped; a wrong size or NaN throws.
/// - Physics: two uniform rods (mass 1 kg, length 1 m each) moving in the horizontal plane (no
///   gravity), `M(q) qdd + C(q, qd) qd = torque - damping qd` (damping 1 N m s), integrated by
///   semi-implicit Euler in 2 substeps of `timeStep / 2` (`timeStep` 0.05 s, as the gps example).
/// - Reward: `-((q1 - t1)^2 + (q2 - t2)^2)` on the next observation's angles, target
///   `(t1, t2)` = (0, 0) by default (the gps example's `CostState` on the joint angles); no
///   termination: the task runs to its time limit (100 steps, 5 s, as the gps example's `T`).
/// - Reset: zero velocity, angles uniform in `[-pi, pi]^2`; recipes usually start from listed
///   initial states instead (`loop.initialStates`, for example the gps example's
///   `(0.75 pi, 0.5 pi)`).
///
/// ```swift
/// var arm = TimeLimit(TwoLinkArm(), maxEpisodeSteps: TwoLinkArm.defaultMaxEpisodeSteps)
/// var observation = try arm.reset(seed: 0, initialState: [0.75 * .pi, 0.5 * .pi, 0, 0])
/// let step = try arm.step([-1, -1])
/// ```
public struct TwoLinkArm: Environment, Sendable {
    /// The episode length the catalog's `TimeLimit` uses: 100 steps (5 s).
    public static let defaultMaxEpisodeSteps = 100

    /// The identifier, `"TwoLinkArm-v0"`.
    public let id = "TwoLinkArm-v0"
    /// Link masses (kg) and lengths (m).
    public var masses = (1.0, 1.0)
    public var lengths = (1.0, 1.0)
    /// Joint damping (N m s).
    public var damping = 1.0
    /// The torque bound (N m).
    public var maximumTorque = 5.0
    /// The speed clamp (rad/s).
    public var maximumSpeed = 10.0
    /// The integration step (s).
    public var timeStep = 0.05
    /// The target joint angles.
    public var target: (Double, Double) = (0, 0)
    /// Joint angles and velocities.
    public internal(set) var angles: (Double, Double) = (0, 0)
    public internal(set) var velocities: (Double, Double) = (0, 0)
    var generator = RandomGenerator(seed: 0)

    /// The arm with the default settings.
    public init() {}

    /// `[q1, q2, w1, w2, ex, ey]`: angles unbounded, speeds within `maximumSpeed`, the end
    /// effector within the reach `l1 + l2`.
    public var observationSpace: Space {
        let speed = Float(maximumSpeed), reach = Float(lengths.0 + lengths.1)
        return .box(Box(lowerBound: [-.infinity, -.infinity, -speed, -speed, -reach, -reach],
                        upperBound: [.infinity, .infinity, speed, speed, reach, reach]))
    }

    /// Two joint torques in `Box(-maximumTorque, maximumTorque)`.
    public var actionSpace: Space { .box(Box(lowerBound: -Float(maximumTorque), upperBound: Float(maximumTorque), size: 2)) }

    /// The current observation.
    public var observation: [Float] {
        let (q1, q2) = angles
        let ex = lengths.0 * cos(q1) + lengths.1 * cos(q1 + q2)
        let ey = lengths.0 * sin(q1) + lengths.1 * sin(q1 + q2)
        return [Float(q1), Float(q2), Float(velocities.0), Float(velocities.1), Float(ex), Float(ey)]
    }

    public mutating func reset(seed: UInt64?) throws -> [Float] {
        if let seed { generator = RandomGenerator(seed: seed) }
        angles = ((2 * generator.nextUniformDouble() - 1) * Double.pi, (2 * generator.nextUniformDouble() - 1) * Double.pi)
        velocities = (0, 0)
        return observation
    }

    /// Applies the torques (clipped) for one time step.
    ///
    /// Throws `MBRLError.shapeMismatch` unless `action` has 2 entries and `MBRLError.nonFinite`
    /// for a NaN or infinite entry.
    public mutating func step(_ action: [Float]) throws -> StepResult {
        guard action.count == 2 else {
            throw MBRLError.shapeMismatch("a TwoLinkArm action is 2 joint torques, got \(action.count) entries")
        }
        guard action.allSatisfy(\.isFinite) else {
            throw MBRLError.nonFinite("TwoLinkArm action \(action) has a NaN or infinite entry")
        }
        let limit = maximumTorque
        let torque = (min(max(Double(action[0]), -limit), limit), min(max(Double(action[1]), -limit), limit))
        let substeps = 2, dt = timeStep / Double(substeps)
        for _ in 0..<substeps {
            let (a1, a2) = accelerations(torque: torque)
            velocities.0 = min(max(velocities.0 + dt * a1, -maximumSpeed), maximumSpeed)
            velocities.1 = min(max(velocities.1 + dt * a2, -maximumSpeed), maximumSpeed)
            angles.0 += dt * velocities.0
            angles.1 += dt * velocities.1
        }
        let next = observation
        let reward = TwoLinkArmRewardFunction.reward(angles: (next[0], next[1]), target: (Float(target.0), Float(target.1)))
        return StepResult(observation: next, reward: reward, terminated: false, truncated: false)
    }

    /// Joint accelerations from the manipulator equation of two uniform rods.
    func accelerations(torque: (Double, Double)) -> (Double, Double) {
        let (m1, m2) = masses, (l1, l2) = lengths
        let c1 = l1 / 2, c2 = l2 / 2
        let i1 = m1 * l1 * l1 / 12, i2 = m2 * l2 * l2 / 12
        let a = i1 + i2 + m1 * c1 * c1 + m2 * (l1 * l1 + c2 * c2)
        let b = m2 * l1 * c2
        let d = i2 + m2 * c2 * c2
        let cosine = cos(angles.1), sine = sin(angles.1)
        let (w1, w2) = velocities
        let m11 = a + 2 * b * cosine, m12 = d + b * cosine, m22 = d
        let h1 = -b * sine * (2 * w1 * w2 + w2 * w2)
        let h2 = b * sine * w1 * w1
        let r1 = torque.0 - h1 - damping * w1, r2 = torque.1 - h2 - damping * w2
        let determinant = m11 * m22 - m12 * m12
        return ((m22 * r1 - m12 * r2) / determinant, (m11 * r2 - m12 * r1) / determinant)
    }
}
