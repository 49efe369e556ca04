import MBRLCore

/// Ends episodes after a fixed number of steps by setting `truncated`, as Gymnasium's
/// `TimeLimit` wrapper does: a step that reaches the limit is truncated (and may also be
/// terminated, when the task ended on that same step).
///
/// ```swift
/// var environment = TimeLimit(Pendulum(), maxEpisodeSteps: 200)
/// _ = try environment.reset(seed: 0)
/// ```
public struct TimeLimit<Wrapped: Environment>: Environment {
    /// The wrapped environment.
    public var wrapped: Wrapped
    /// The number of steps after which an episode is truncated.
    public let maxEpisodeSteps: Int
    /// Steps taken in the current episode.
    public private(set) var elapsedSteps = 0

    /// Wraps `environment`; `maxEpisodeSteps` must be positive.
    public init(_ environment: Wrapped, maxEpisodeSteps: Int) {
        precondition(maxEpisodeSteps > 0, "TimeLimit needs a positive step limit")
        self.wrapped = environment
        self.maxEpisodeSteps = maxEpisodeSteps
    }

    public var id: String { wrapped.id }
    public var observationSpace: Space { wrapped.observationSpace }
    public var actionSpace: Space { wrapped.actionSpace }

    public mutating func reset(seed: UInt64?) throws -> [Float] {
        elapsedSteps = 0
        return try wrapped.reset(seed: seed)
    }

    public mutating func step(_ action: [Float]) throws -> StepResult {
        var result = try wrapped.step(action)
        elapsedSteps += 1
        if elapsedSteps >= maxEpisodeSteps {
            result.truncated = true
            result.info["TimeLimit.truncated"] = 1
        }
        return result
    }
}

extension TimeLimit: StatefulEnvironment where Wrapped: StatefulEnvironment {
    /// The wrapped environment's physical state (the step count is not part of it; a clone keeps
    /// the count).
    public var physicalState: [Double] { wrapped.physicalState }

    public mutating func setPhysicalState(_ state: [Double]) throws {
        try wrapped.setPhysicalState(state)
    }

    public func clone() throws -> TimeLimit<Wrapped> {
        var copy = self
        copy.wrapped = try wrapped.clone()
        return copy
    }
}

extension TimeLimit: KnownRewardEnvironment where Wrapped: KnownRewardEnvironment {
    public var rewardFunction: any RewardFunction { wrapped.rewardFunction }
    public var terminationFunction: any TerminationFunction { wrapped.terminationFunction }
}
