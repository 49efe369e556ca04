import MBRLCore

/// Domain randomization: draws the wrapped environment's physical parameters at every `reset`,
/// each uniformly from its range, so a learner trains on a distribution of simulators instead of
/// one (Tobin et al. 2017; Peng et al. 2018).
///
/// Parameters without a range keep their fixed value (`fixed`, or the environment's own). The
/// draws come from the wrapper's own generator: a `reset(seed:)` with a seed restarts it from
/// that seed (stream `parameterStream`, independent of the environment's initial-state draws), so
/// an episode's parameters depend only on its reset seed and a resumed run draws exactly what the
/// uninterrupted run drew. Names are drawn in sorted order. `episodeParameters` reports every
/// parameter in force (the loop logs them as `env.<name>`).
///
/// ```swift
/// var pendulum = try DomainRandomization(TimeLimit(Pendulum(), maxEpisodeSteps: 200),
///                                        ranges: ["mass": 0.7...1.3, "length": 0.7...1.3],
///                                        fixed: ["gravity": 9.81])
/// _ = try pendulum.reset(seed: 3)
/// pendulum.episodeParameters      // ["gravity": 9.81, "length": 1.08..., "mass": 0.83...]
/// ```
public struct DomainRandomization<Wrapped: ParameterizedEnvironment>: Environment {
    /// The stream of a reset seed that parameter draws use (`RandomGenerator(seed:stream:)`).
    public static var parameterStream: UInt64 { 0x5041_5241_4D53 }

    /// The wrapped environment, holding the parameters of the current episode.
    public internal(set) var wrapped: Wrapped
    /// The range each randomized parameter is drawn from, by name.
    public let ranges: [String: ClosedRange<Double>]
    /// The values of parameters held fixed, by name (set once, at creation).
    public let fixed: [String: Double]
    var generator: RandomGenerator

    /// Wraps `environment`, sets the `fixed` values, and draws a first set of parameters from the
    /// generator for `seed` (so the environment can step at once).
    ///
    /// Throws `invalidArgument` for an unknown name, a name both fixed and randomized, a range
    /// whose bounds lie outside the parameter's valid values, or a fixed value that does.
    public init(_ environment: Wrapped, ranges: [String: ClosedRange<Double>], fixed: [String: Double] = [:], seed: UInt64 = 0) throws {
        if let shared = ranges.keys.sorted().first(where: { fixed[$0] != nil }) {
            throw MBRLError.invalidArgument("parameter \"\(shared)\" is both fixed and randomized; give it one or the other")
        }
        for (name, range) in ranges.sorted(by: { $0.key < $1.key }) {
            for bound in [range.lowerBound, range.upperBound] {
                if let problem = environment.parameterProblem([name: bound]) { throw MBRLError.invalidArgument(problem) }
            }
        }
        wrapped = environment
        try wrapped.setParameters(fixed)
        self.ranges = ranges
        self.fixed = fixed
        generator = RandomGenerator(seed: seed, stream: Self.parameterStream)
        drawParameters()
    }

    public var id: String { wrapped.id }
    public var observationSpace: Space { wrapped.observationSpace }
    public var actionSpace: Space { wrapped.actionSpace }

    /// Draws new parameters (from the generator of `seed`, when given), then resets the wrapped
    /// environment with `seed`.
    public mutating func reset(seed: UInt64?) throws -> [Float] {
        if let seed { generator = RandomGenerator(seed: seed, stream: Self.parameterStream) }
        drawParameters()
        return try wrapped.reset(seed: seed)
    }

    public mutating func step(_ action: [Float]) throws -> StepResult {
        try wrapped.step(action)
    }

    /// Draws every randomized parameter uniformly from its range, in sorted name order.
    mutating func drawParameters() {
        guard !ranges.isEmpty else { return }
        var drawn: [String: Double] = [:]
        for (name, range) in ranges.sorted(by: { $0.key < $1.key }) {
            drawn[name] = range.lowerBound + (range.upperBound - range.lowerBound) * generator.nextUniformDouble()
        }
        // Every bound was checked at creation, and a draw lies between the bounds.
        wrapped.assignCheckedParameters(drawn)
    }
}
