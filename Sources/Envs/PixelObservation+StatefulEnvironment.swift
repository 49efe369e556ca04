import MBRLCore

extension PixelObservation: StatefulEnvironment where Wrapped: StatefulEnvironment {
    /// The wrapped environment's physical state (the frame history is not part of it).
    public var physicalState: [Double] { wrapped.physicalState }

    /// Sets the wrapped environment's state and redraws the newest frame; older frames stay.
    public mutating func setPhysicalState(_ state: [Double]) throws {
        try wrapped.setPhysicalState(state)
        renderNewestFrame()
    }

    /// An independent copy, frames included.
    public func clone() throws -> PixelObservation<Wrapped> {
        var copy = self
        copy.wrapped = try wrapped.clone()
        return copy
    }
}
