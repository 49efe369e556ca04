import MBRLCore

extension DomainRandomization: EpisodeParameterReporting {
    /// Every parameter in force for the current episode (drawn, fixed and nominal), by name.
    public var episodeParameters: [String: Double] { wrapped.parameterValues }
}
