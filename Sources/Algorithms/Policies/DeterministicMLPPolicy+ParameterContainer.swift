import MBRLCore

extension DeterministicMLPPolicy: ParameterContainer {
    /// The network's parameter names prefixed with `network.`.
    public var parameterNames: [String] { network.parameterNames.map { "network." + $0 } }

    /// The network's parameters, first layer first.
    public var parameters: [Matrix] { network.parameters }

    public mutating func updateParameters<Result>(_ body: (inout [Matrix]) throws -> Result) rethrows -> Result {
        try network.updateParameters(body)
    }
}
