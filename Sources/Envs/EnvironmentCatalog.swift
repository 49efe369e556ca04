import MBRLCore

/// The built-in environments by id, each made with Gymnasium's registered time limit.
///
/// ```swift
/// var environment = try EnvironmentCatalog.make("Pendulum-v1", seed: 3)   // TimeLimit(Pendulum, 200)
/// EnvironmentCatalog.ids          // ["Acrobot-v1", "CartPole-v1", ...]
/// try EnvironmentCatalog.make("cartpole")
/// // invalid argument: unknown environment "cartpole"; did you mean CartPole-v1 or ContinuousCartPole-v0? ...
/// ```
///
/// Adding an environment is one line in `entries`.
public enum EnvironmentCatalog {
    /// One environment the catalog can make.
    public struct Entry: Sendable {
        /// The id a recipe or the command line names the environment by.
        public let id: String
        /// The episode limit of the `TimeLimit` the catalog wraps the environment in.
        public let maxEpisodeSteps: Int
        /// A one-line description.
        public let summary: String
        let makeEnvironment: @Sendable (UInt64) -> any Environment

        /// An entry whose environments are `make(seed)` wrapped in `TimeLimit(_, maxEpisodeSteps:)`.
        public static func timeLimited(
            _ id: String, maxEpisodeSteps: Int, _ summary: String,
            _ make: @escaping @Sendable (UInt64) -> any Environment
        ) -> Entry {
            Entry(id: id, maxEpisodeSteps: maxEpisodeSteps, summary: summary) { seed in
                limited(make(seed), maxEpisodeSteps: maxEpisodeSteps)
            }
        }

        /// `TimeLimit(environment, maxEpisodeSteps:)` for the environment's concrete type.
        private static func limited<Wrapped: Environment>(_ environment: Wrapped, maxEpisodeSteps: Int) -> any Environment {
            TimeLimit(environment, maxEpisodeSteps: maxEpisodeSteps)
        }
    }

    /// Every environment, one line each.
    public static let entries: [Entry] = [
        .timeLimited("CartPole-v1", maxEpisodeSteps: CartPole.maxEpisodeSteps,
                     "Gymnasium's cart-pole, 2 discrete pushes") { CartPole(seed: $0) },
        .timeLimited("ContinuousCartPole-v0", maxEpisodeSteps: ContinuousCartPole.maxEpisodeSteps,
                     "mbrl-lib's cart-pole with a force in [-1, 1] x 10 N") { ContinuousCartPole(seed: $0) },
        .timeLimited("Pendulum-v1", maxEpisodeSteps: Pendulum.maxEpisodeSteps,
                     "Gymnasium's pendulum swing-up, torque in [-2, 2]") { Pendulum(seed: $0) },
        .timeLimited("MountainCarContinuous-v0", maxEpisodeSteps: MountainCarContinuous.maxEpisodeSteps,
                     "Gymnasium's continuous mountain car, force in [-1, 1]") { MountainCarContinuous(seed: $0) },
        .timeLimited("Acrobot-v1", maxEpisodeSteps: Acrobot.maxEpisodeSteps,
                     "Gymnasium's acrobot swing-up, 3 discrete torques") { Acrobot(seed: $0) },
    ]

    /// The ids of every environment, sorted.
    public static var ids: [String] { entries.map(\.id).sorted() }

    /// The entry for `id`, or `invalidArgument` naming the closest valid ids.
    public static func entry(_ id: String) throws -> Entry {
        if let entry = entries.first(where: { $0.id == id }) { return entry }
        let suggestions = closestIDs(to: id)
        let hint = suggestions.isEmpty ? "" : "; did you mean \(listed(suggestions, conjunction: "or"))?"
        throw MBRLError.invalidArgument(
            "unknown environment \"\(id)\"\(hint) Known environments: \(ids.joined(separator: ", ")).")
    }

    /// A new environment `id`, time-limited, its generator seeded with `seed` (call `reset` to
    /// start an episode).
    public static func make(_ id: String, seed: UInt64) throws -> any Environment {
        try entry(id).makeEnvironment(seed)
    }

    /// A new environment `id`, time-limited, its generator seeded with 0.
    public static func make(_ id: String) throws -> any Environment {
        try make(id, seed: 0)
    }

    // MARK: - Suggestions

    /// Up to three ids nearest to `query` (see `NameSuggestions`).
    static func closestIDs(to query: String) -> [String] {
        NameSuggestions.closest(to: query, in: ids)
    }

    static func listed(_ items: [String], conjunction: String) -> String {
        NameSuggestions.listed(items, conjunction: conjunction)
    }
}
