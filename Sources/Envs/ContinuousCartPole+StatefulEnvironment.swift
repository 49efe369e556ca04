import MBRLCore

extension ContinuousCartPole: ObservableStateEnvironment {
    /// `[x, xDot, theta, thetaDot]`, as `CartPole`'s.
    public var physicalState: [Double] { state }

    /// Sets `[x, xDot, theta, thetaDot]` and starts a fresh episode from it.
    public mutating func setPhysicalState(_ newState: [Double]) throws {
        try ClassicControl.checkState(newState, names: CartPole.stateNames, environment: id)
        state = newState
        stepsBeyondTerminated = nil
    }

    public func clone() throws -> ContinuousCartPole { self }
}
