import MBRLCore

extension ContrastiveForwardModel: ParameterContainer {
    /// `encoder.*`, then `forward.*`, each as its network names them.
    public var parameterNames: [String] {
        encoder.parameterNames.map { "encoder.\($0)" } + forward.parameterNames.map { "forward.\($0)" }
    }

    /// The encoder's parameters, then the forward model's.
    public var parameters: [Matrix] { encoder.parameters + forward.parameters }

    public mutating func updateParameters<Result>(_ body: (inout [Matrix]) throws -> Result) rethrows -> Result {
        var list = parameters
        let shapes = list.map(\.shape)
        let result = try body(&list)
        precondition(list.count == shapes.count && zip(list, shapes).allSatisfy { $0.shape == $1 },
                     "updateParameters must keep the parameter shapes")
        let encoderCount = encoder.parameters.count
        let encoderPart = Array(list[..<encoderCount]), forwardPart = Array(list[encoderCount...])
        encoder.updateParameters { $0 = encoderPart }
        forward.updateParameters { $0 = forwardPart }
        return result
    }
}
