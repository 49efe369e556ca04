/// An environment that reports values fixed for the current episode (for example the physical
/// parameters a domain-randomization wrapper drew at `reset`), so the loop can log them with the
/// episode.
///
/// The outer loop reads `episodeParameters` right after each `reset` and adds every entry to the
/// episode's metrics as `env.<name>` (a column of `metrics.csv` and a field of `events.jsonl`).
///
/// ```swift
/// var environment = try DomainRandomization(TimeLimit(Pendulum(), maxEpisodeSteps: 200),   // module Envs
///                                           ranges: ["mass": 0.7...1.3])
/// _ = try environment.reset(seed: 4)
/// environment.episodeParameters          // ["gravity": 10, "length": 1, "mass": 1.18...]
/// ```
public protocol EpisodeParameterReporting: Environment {
    /// The values in force for the current episode, by name.
    var episodeParameters: [String: Double] { get }
}
