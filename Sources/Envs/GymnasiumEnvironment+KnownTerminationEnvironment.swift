import MBRLCore

extension GymnasiumEnvironment: KnownTerminationEnvironment {
    /// The rule `GymnasiumTerminationFunctions` holds for this id (built in for the MuJoCo tasks
    /// mbrl-lib covers, or registered from Swift), or nil.
    public var knownTerminationFunction: (any TerminationFunction)? { GymnasiumTerminationFunctions.function(for: id) }
}
