import MBRLCore

extension ContinuousCartPole: ParameterizedEnvironment {
    /// `CartPolePhysics.parameters`: cart and pole mass, half the pole's length, gravity and the
    /// force magnitude (termination and reward depend only on the state, not on these).
    public var physicalParameters: [PhysicalParameter] { CartPolePhysics.parameters }

    public var parameterValues: [String: Double] { physics.values }

    public mutating func assignCheckedParameters(_ values: [String: Double]) {
        physics.assign(values)
    }
}
