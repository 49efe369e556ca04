extension ParameterContainer {
    /// Polyak averaging toward `source`: every parameter becomes
    /// `(1 - rate) * self + rate * source`, in place (no parameter storage is reallocated).
    ///
    /// This is the soft target-network update of DDPG and SAC (Stable-Baselines3's
    /// `polyak_update`, `target = (1 - tau) * target + tau * source`); `rate` 1 copies `source`.
    ///
    /// ```swift
    /// var targetCritics = critics                                    // a copy at the start
    /// try targetCritics.polyakUpdate(toward: critics, rate: 0.005)   // after each update
    /// ```
    ///
    /// - Parameters:
    ///   - source: a container with the same parameter shapes (usually the online network).
    ///   - rate: `tau` in `[0, 1]`.
    /// - Throws: `MBRLError.invalidArgument` when `rate` is outside `[0, 1]`,
    ///   `MBRLError.shapeMismatch` naming the first parameter whose shape differs (nothing is
    ///   changed then).
    public mutating func polyakUpdate<Source: ParameterContainer>(toward source: Source, rate: Float) throws {
        guard rate >= 0, rate <= 1 else {
            throw MBRLError.invalidArgument("the Polyak rate (tau) must be in [0, 1], got \(rate)")
        }
        let sourceParameters = source.parameters
        try validateParameterShapes(sourceParameters, role: "source parameters")
        let keep = 1 - rate
        updateParameters { parameters in
            for index in parameters.indices {
                sourceParameters[index].withUnsafeBufferPointer { sourceBuffer in
                    parameters[index].withUnsafeMutableBufferPointer { targetBuffer in
                        for entry in 0..<targetBuffer.count {
                            targetBuffer[entry] = keep * targetBuffer[entry] + rate * sourceBuffer[entry]
                        }
                    }
                }
            }
        }
    }
}
