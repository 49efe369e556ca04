import MBRLCore

extension PixelObservation: ParameterizedEnvironment where Wrapped: ParameterizedEnvironment {
    /// The wrapped environment's parameters (the picture is drawn from its state as before).
    public var physicalParameters: [PhysicalParameter] { wrapped.physicalParameters }

    public var parameterValues: [String: Double] { wrapped.parameterValues }

    public mutating func assignCheckedParameters(_ values: [String: Double]) {
        wrapped.assignCheckedParameters(values)
    }
}
