import MBRLCore

/// A stateful environment that can report the observation of its current physical state, so a
/// caller that sets the state (`setPhysicalState`) can see what the agent would observe.
///
/// ```swift
/// var pendulum = Pendulum()
/// try pendulum.setPhysicalState([Double.pi, 0])
/// pendulum.currentObservation   // [-1, 0, 0] (cos, sin, angular velocity)
/// ```
public protocol ObservableStateEnvironment: StatefulEnvironment {
    /// The observation of the current physical state, as `reset` and `step` would return it.
    var currentObservation: [Float] { get }
}

extension TimeLimit: ObservableStateEnvironment where Wrapped: ObservableStateEnvironment {
    /// The wrapped environment's current observation.
    public var currentObservation: [Float] { wrapped.currentObservation }
}
