import MBRLCore

extension CartPole: ObservableStateEnvironment {
    /// `[x, xDot, theta, thetaDot]`: cart position (m), cart velocity (m/s), pole angle from
    /// upright (rad), pole angular velocity (rad/s).
    public var physicalState: [Double] { state }

    /// Sets `[x, xDot, theta, thetaDot]` and starts a fresh episode from it (as Gymnasium's
    /// `env.unwrapped.state = ...` right after a reset): a later termination pays reward 1 again.
    public mutating func setPhysicalState(_ newState: [Double]) throws {
        try ClassicControl.checkState(newState, names: Self.stateNames, environment: id)
        state = newState
        stepsBeyondTerminated = nil
    }

    public func clone() throws -> CartPole { self }
}
