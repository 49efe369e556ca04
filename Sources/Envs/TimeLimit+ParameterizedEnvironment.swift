import MBRLCore

extension TimeLimit: ParameterizedEnvironment where Wrapped: ParameterizedEnvironment {
    /// The wrapped environment's parameters.
    public var physicalParameters: [PhysicalParameter] { wrapped.physicalParameters }

    public var parameterValues: [String: Double] { wrapped.parameterValues }

    public mutating func assignCheckedParameters(_ values: [String: Double]) {
        wrapped.assignCheckedParameters(values)
    }
}
