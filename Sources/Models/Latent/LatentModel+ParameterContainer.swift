import MBRLCore

extension LatentModel: ParameterContainer {
    /// `encoder.*`, `dynamics.<member>.*`, `reward.*`, `decoder.*`, each as its `MLP` names them.
    public var parameterNames: [String] {
        encoder.parameterNames.map { "encoder.\($0)" }
            + dynamics.indices.flatMap { member in dynamics[member].parameterNames.map { "dynamics.\(member).\($0)" } }
            + rewardHead.parameterNames.map { "reward.\($0)" }
            + decoder.parameterNames.map { "decoder.\($0)" }
    }

    /// The encoder's parameters, then each dynamics member's, the reward head's and the decoder's.
    public var parameters: [Matrix] {
        encoder.parameters + dynamics.flatMap(\.parameters) + rewardHead.parameters + decoder.parameters
    }

    public mutating func updateParameters<Result>(_ body: (inout [Matrix]) throws -> Result) rethrows -> Result {
        var list = parameters
        let shapes = list.map(\.shape)
        let result = try body(&list)
        precondition(list.count == shapes.count && zip(list, shapes).allSatisfy { $0.shape == $1 },
                     "updateParameters must keep the parameter shapes")
        var offset = 0
        func take(_ count: Int) -> [Matrix] {
            defer { offset += count }
            return Array(list[offset ..< offset + count])
        }
        let encoderCount = encoder.parameters.count
        encoder.updateParameters { $0 = take(encoderCount) }
        for member in dynamics.indices {
            let count = dynamics[member].parameters.count
            dynamics[member].updateParameters { $0 = take(count) }
        }
        let rewardCount = rewardHead.parameters.count
        rewardHead.updateParameters { $0 = take(rewardCount) }
        let decoderCount = decoder.parameters.count
        decoder.updateParameters { $0 = take(decoderCount) }
        return result
    }
}
