import MBRLCore

extension InitialStateEnvironment where Self: ObservableStateEnvironment {
    /// Resets (drawing and discarding the usual start), sets the physical state to
    /// `initialState` and returns its observation.
    public mutating func reset(seed: UInt64?, initialState: [Double]) throws -> [Float] {
        _ = try reset(seed: seed)
        try setPhysicalState(initialState)
        return currentObservation
    }
}

extension TimeLimit: InitialStateEnvironment where Wrapped: ObservableStateEnvironment {}
extension PointMass: InitialStateEnvironment {}
extension Pendulum: InitialStateEnvironment {}
extension CartPole: InitialStateEnvironment {}
extension ContinuousCartPole: InitialStateEnvironment {}
extension MountainCarContinuous: InitialStateEnvironment {}
extension Acrobot: InitialStateEnvironment {}
