import MBRLCore

extension MountainCarContinuous: ObservableStateEnvironment {
    /// `[position, velocity]`.
    public var physicalState: [Double] { [position, velocity] }

    /// Sets `[position, velocity]` (as Gymnasium's `env.unwrapped.state = np.array(...)`, a
    /// float64 array, so the next step computes in double precision); any finite values are
    /// accepted, and the next step clips them.
    public mutating func setPhysicalState(_ newState: [Double]) throws {
        try ClassicControl.checkState(newState, names: Self.stateNames, environment: id)
        position = newState[0]
        velocity = newState[1]
        stateIsSinglePrecision = false
    }

    public func clone() throws -> MountainCarContinuous { self }
}
