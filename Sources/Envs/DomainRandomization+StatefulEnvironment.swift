import MBRLCore

extension DomainRandomization: StatefulEnvironment where Wrapped: StatefulEnvironment {
    /// The wrapped environment's physical state (the parameters are not part of it; a clone
    /// keeps them).
    public var physicalState: [Double] { wrapped.physicalState }

    public mutating func setPhysicalState(_ state: [Double]) throws {
        try wrapped.setPhysicalState(state)
    }

    public func clone() throws -> DomainRandomization<Wrapped> {
        var copy = self
        copy.wrapped = try wrapped.clone()
        return copy
    }
}

extension DomainRandomization: ObservableStateEnvironment where Wrapped: ObservableStateEnvironment {
    /// The wrapped environment's current observation.
    public var currentObservation: [Float] { wrapped.currentObservation }
}
