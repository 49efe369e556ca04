import MBRLCore

extension Acrobot: ObservableStateEnvironment {
    /// `[theta1, theta2, theta1Dot, theta2Dot]`: the first link's angle from hanging down, the
    /// second link's angle relative to the first (rad), and their angular velocities (rad/s).
    public var physicalState: [Double] { state }

    /// Sets `[theta1, theta2, theta1Dot, theta2Dot]`; any finite values are accepted (the next
    /// step wraps the angles and bounds the velocities, as in Gymnasium).
    public mutating func setPhysicalState(_ newState: [Double]) throws {
        try ClassicControl.checkState(newState, names: Self.stateNames, environment: id)
        state = newState
    }

    public func clone() throws -> Acrobot { self }
}
