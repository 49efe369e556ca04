import MBRLCore

extension DiagonalGaussianMLPPolicy: ParameterContainer {
    /// The network's names prefixed with `network.`, then `"logStandardDeviation"`.
    public var parameterNames: [String] { network.parameterNames.map { "network." + $0 } + ["logStandardDeviation"] }

    /// The network's parameters, then the log standard deviations `[1, act]`.
    public var parameters: [Matrix] { network.parameters + [logStandardDeviation] }

    public mutating func updateParameters<Result>(_ body: (inout [Matrix]) throws -> Result) rethrows -> Result {
        var logStd = logStandardDeviation
        logStandardDeviation = Matrix(rows: 0, columns: 0)
        defer { logStandardDeviation = logStd }
        return try network.updateParameters { networkParameters in
            var all = networkParameters
            networkParameters = []
            all.append(logStd)
            let shape = (logStd.rows, logStd.columns)
            defer {
                logStd = all.removeLast()
                precondition(logStd.rows == shape.0 && logStd.columns == shape.1, "updateParameters must keep the parameter shapes")
                networkParameters = all
            }
            return try body(&all)
        }
    }
}
