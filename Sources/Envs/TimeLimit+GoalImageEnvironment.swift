import MBRLCore

extension TimeLimit: GoalImageEnvironment where Wrapped: GoalImageEnvironment {
    /// The wrapped environment's layout.
    public var goalImageLayout: GoalImageLayout { wrapped.goalImageLayout }
}
