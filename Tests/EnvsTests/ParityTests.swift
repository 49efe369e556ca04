import Envs
import Foundation
import MBRLCore
import Testing

/// A reference trajectory file from `scripts/generate_gym_fixtures.py`.
struct ParityFixture: Decodable {
    struct Episode: Decodable {
        var initialState: [Double]
        var initialObservation: [Double]
        var actions: [[Double]]
        var observations: [[Double]]
        var rewards: [Double]
        var terminated: [Bool]
        var truncated: [Bool]
    }

    var environment: String
    var source: String
    var maxEpisodeSteps: Int
    var episodes: [Episode]

    /// Reads `Tests/EnvsTests/Fixtures/<name>` (found next to this source file).
    static func load(_ name: String) throws -> ParityFixture {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures").appendingPathComponent(name)
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(ParityFixture.self, from: try Data(contentsOf: url))
    }
}

/// Replays every committed Gymnasium (and mbrl-lib) trajectory through the Swift environments:
/// same observations (within 1e-5), rewards (within float rounding), `terminated` and `truncated`
/// at every step. Needs no Python: the fixtures are committed.
@Suite struct ParityTests {
    static let observationTolerance: Float = 1e-5

    @Test(arguments: [
        ("cartpole.json", "CartPole-v1"),
        ("continuous_cartpole.json", "ContinuousCartPole-v0"),
        ("pendulum.json", "Pendulum-v1"),
        ("mountain_car_continuous.json", "MountainCarContinuous-v0"),
        ("acrobot.json", "Acrobot-v1"),
    ])
    func replaysFixture(file: String, environmentID: String) throws {
        let fixture = try ParityFixture.load(file)
        #expect(fixture.environment == environmentID)
        #expect(try EnvironmentCatalog.entry(environmentID).maxEpisodeSteps == fixture.maxEpisodeSteps)
        var stepCount = 0
        var largestObservationError: Float = 0
        for (episodeIndex, episode) in fixture.episodes.enumerated() {
            var environment = try #require(
                try EnvironmentCatalog.make(environmentID) as? any ObservableStateEnvironment)
            _ = try environment.reset(seed: UInt64(episodeIndex))
            try environment.setPhysicalState(episode.initialState)
            let start = environment.currentObservation
            #expect(Self.largestDifference(start, episode.initialObservation) <= Self.observationTolerance,
                    "\(environmentID) episode \(episodeIndex): initial observation \(start) vs \(episode.initialObservation)")
            for step in episode.actions.indices {
                let result = try environment.step(episode.actions[step].map { Float($0) })
                stepCount += 1
                let error = Self.largestDifference(result.observation, episode.observations[step])
                largestObservationError = max(largestObservationError, error)
                let expectedReward = Float(episode.rewards[step])
                let rewardTolerance = max(4 * expectedReward.ulp, 1e-6)
                let matches = error <= Self.observationTolerance
                    && abs(result.reward - expectedReward) <= rewardTolerance
                    && result.terminated == episode.terminated[step]
                    && result.truncated == episode.truncated[step]
                #expect(matches, """
                    \(environmentID) episode \(episodeIndex) step \(step + 1): observation \(result.observation) \
                    vs \(episode.observations[step]), reward \(result.reward) vs \(expectedReward), \
                    terminated \(result.terminated) vs \(episode.terminated[step]), \
                    truncated \(result.truncated) vs \(episode.truncated[step])
                    """)
                if !matches { break }  // later steps would only repeat the divergence
            }
        }
        #expect(stepCount >= 1000, "\(file) should hold at least 1,000 steps, has \(stepCount)")
        print("\(environmentID): \(fixture.episodes.count) episodes, \(stepCount) steps, largest observation difference \(largestObservationError)")
    }

    static func largestDifference(_ actual: [Float], _ expected: [Double]) -> Float {
        guard actual.count == expected.count else { return .infinity }
        return zip(actual, expected).map { abs($0 - Float($1)) }.max() ?? 0
    }
}
