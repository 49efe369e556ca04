import MBRLCore

extension E2CModel: ParameterContainer {
    /// `encoder.*`, `transition.*`, `reward.*`, `decoder.*`, each as its network names them.
    public var parameterNames: [String] {
        encoder.parameterNames.map { "encoder.\($0)" } + transition.parameterNames.map { "transition.\($0)" }
            + rewardHead.parameterNames.map { "reward.\($0)" } + decoder.parameterNames.map { "decoder.\($0)" }
    }

    /// The encoder's parameters, then the transition network's, the reward head's and the decoder's.
    public var parameters: [Matrix] {
        encoder.parameters + transition.parameters + rewardHead.parameters + decoder.parameters
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
        let encoderCount = encoder.parameters.count, transitionCount = transition.parameters.count
        let rewardCount = rewardHead.parameters.count, decoderCount = decoder.parameters.count
        encoder.updateParameters { $0 = take(encoderCount) }
        transition.updateParameters { $0 = take(transitionCount) }
        rewardHead.updateParameters { $0 = take(rewardCount) }
        decoder.updateParameters { $0 = take(decoderCount) }
        return result
    }
}
