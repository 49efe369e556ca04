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
        /// The episode limit of the `TimeLimit` the catalog wraps the environment in, or `nil`
        /// for environments whose episodes end only by termination (the mazes).
        public let maxEpisodeSteps: Int?
        /// A one-line description.
        public let summary: String
        let makeEnvironment: @Sendable (UInt64) throws -> any Environment

        /// An entry whose environments are `make(seed)` wrapped in `TimeLimit(_, maxEpisodeSteps:)`.
        public static func timeLimited(
            _ id: String, maxEpisodeSteps: Int, _ summary: String,
            _ make: @escaping @Sendable (UInt64) throws -> any Environment
        ) -> Entry {
            Entry(id: id, maxEpisodeSteps: maxEpisodeSteps, summary: summary) { seed in
                limited(try make(seed), maxEpisodeSteps: maxEpisodeSteps)
            }
        }

        /// An entry whose environments are `make(seed)` without a time limit.
        public static func unlimited(
            _ id: String, _ summary: String, _ make: @escaping @Sendable (UInt64) throws -> any Environment
        ) -> Entry {
            Entry(id: id, maxEpisodeSteps: nil, summary: summary, makeEnvironment: make)
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
        .unlimited("DynaMaze-v0", "Sutton & Barto's maze of Example 8.1 (6 x 9), reward 1 at the goal") { _ in DynaMaze() },
        .unlimited("BlockingMaze-v0", "Sutton & Barto's blocking maze (Example 8.2), wall moves after 1,000 steps") { _ in
            try DynaMaze(layout: .blocking(), id: "BlockingMaze-v0")
        },
        .unlimited("ShortcutMaze-v0", "Sutton & Barto's shortcut maze (Example 8.3), shortcut opens after 3,000 steps") { _ in
            try DynaMaze(layout: .shortcut(), id: "ShortcutMaze-v0")
        },
        .timeLimited("PointMass-v0", maxEpisodeSteps: PointMass.defaultMaxEpisodeSteps,
                     "a 2-D point mass reaching a goal, force in [-1, 1]^2") { _ in PointMass() },
        .timeLimited("TwoLinkArm-v0", maxEpisodeSteps: TwoLinkArm.defaultMaxEpisodeSteps,
                     "a two-link planar arm bringing its joint angles to (0, 0), torques in [-5, 5]^2 (gps's box2d arm)") { _ in TwoLinkArm() },
        .timeLimited("PointMassWall-v0", maxEpisodeSteps: PointMass.wallMaxEpisodeSteps,
                     "the point mass with a wall between start and goal (the way round is longer)") { _ in try PointMass.withWall() },
        .timeLimited("PointMassPixels-v0", maxEpisodeSteps: PointMass.defaultMaxEpisodeSteps,
                     "the point mass seen as 32 x 32 grayscale images") { _ in try PixelObservation(PointMass()) },
        .timeLimited("PendulumPixels-v1", maxEpisodeSteps: Pendulum.maxEpisodeSteps,
                     "the pendulum seen as two stacked 32 x 32 grayscale frames") { seed in
            try PixelObservation(Pendulum(seed: seed), frameCount: 2)
        },
        .timeLimited("PointMassGoalPixels-v0", maxEpisodeSteps: PointMassGoalPixels.maxEpisodeSteps,
                     "the point mass reaching a new goal every episode, given as an image: two 32 x 32 frames, then the goal image; each action held for 4 physics steps") { _ in
            try PointMassGoalPixels()
        },
        .timeLimited("PointMassGoalPixelsOneFrame-v0", maxEpisodeSteps: PointMassGoalPixels.maxEpisodeSteps,
                     "PointMassGoalPixels-v0 with one 32 x 32 frame before the goal image") { _ in
            try PointMassGoalPixels(frameCount: 1, id: "PointMassGoalPixelsOneFrame-v0")
        },
        .timeLimited("CartPolePixels-v1", maxEpisodeSteps: CartPole.maxEpisodeSteps,
                     "the cart-pole seen as two stacked 32 x 32 grayscale frames, 2 discrete pushes") { seed in
            try PixelObservation(CartPole(seed: seed), frameCount: 2)
        },
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
