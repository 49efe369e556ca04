import MBRLCore

extension Pendulum: ObservableStateEnvironment {
    /// `[theta, thetaDot]`: angle from upright (rad, not wrapped) and angular velocity (rad/s).
    public var physicalState: [Double] { [theta, thetaDot] }

    /// Sets `[theta, thetaDot]`; any finite values are accepted (a speed beyond 8 is clipped by
    /// the next step, as in Gymnasium).
    public mutating func setPhysicalState(_ newState: [Double]) throws {
        try ClassicControl.checkState(newState, names: Self.stateNames, environment: id)
        theta = newState[0]
        thetaDot = newState[1]
    }

    public func clone() throws -> Pendulum { self }
}
