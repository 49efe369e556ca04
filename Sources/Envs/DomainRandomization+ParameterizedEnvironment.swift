import MBRLCore

extension DomainRandomization: ParameterizedEnvironment {
    /// The wrapped environment's parameters (setting one directly lasts until the next reset's draw
    /// for a randomized name).
    public var physicalParameters: [PhysicalParameter] { wrapped.physicalParameters }

    public var parameterValues: [String: Double] { wrapped.parameterValues }

    public mutating func assignCheckedParameters(_ values: [String: Double]) {
        wrapped.assignCheckedParameters(values)
    }
}
