import Foundation
import MBRLCore

/// A trained policy loaded from a run directory to teach a student: it acts (to collect
/// states) and labels states with its action distribution, as `DistillationStudent` label rows.
///
/// Which distribution is matched, by the kind of policy the run saved:
/// - `"sac"`, `"mbpo"` (a `SquashedGaussianMLPPolicy`): the Gaussian over the pre-squash values
///   `u` (mean and clamped log standard deviation of the network's head). Teacher and student
///   squash with the same `tanh` and box map, a bijection, so this KL equals the KL of the
///   squashed action distributions.
/// - `"trpo"` with `Box` actions (a `DiagonalGaussianMLPPolicy`): its Gaussian.
/// - `"dqn"`, `"dyna"` (an `EpsilonGreedyQPolicy`): `softmax(Q(s, .) / temperature)` (Rusu et
///   al. 2015, section 4.1, who use temperature 0.01 on DQN's Q-values).
/// - `"trpo"` with `Discrete` actions (a `CategoricalMLPPolicy`): `softmax(logits / temperature)`
///   (Hinton et al. 2015's softened targets).
///
/// ```swift
/// let teacher = try DistillationTeacher.load(run: URL(fileURLWithPath: "runs/sac-pendulum"),
///                                            registry: registry, temperature: 1, path: "teachers[0]")
/// let labels = try teacher.labels(for: observations)       // [B, 2 * act]
/// ```
public struct DistillationTeacher {
    /// The student family a teacher's distribution is matched with.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// A tanh-squashed Gaussian (SAC's actor); labels `[mean | logStd]` of `u`.
        case squashedGaussian = "squashed-gaussian"
        /// A diagonal Gaussian (TRPO's policy); labels `[mean | logStd]`.
        case diagonalGaussian = "diagonal-gaussian"
        /// A categorical distribution; labels are logits over the temperature.
        case categorical
    }

    /// The run directory the teacher was loaded from.
    public let run: URL
    /// Which student family learns from it.
    public let kind: Kind
    /// The environment the teacher learned on, as its recipe named it (with its settings).
    public let environmentSpecification: JSONValue
    /// That environment's id.
    public let environmentID: String
    /// The teacher's observation space (its environment's).
    public let observationSpace: Space
    /// The teacher's action space.
    public let actionSpace: Space
    /// The seed of the teacher's run.
    public let seed: UInt64
    /// The policy that acts when the teacher collects states.
    public let policy: any Policy
    /// `[B, obs] -> [B, labelSize]`.
    let labeler: @Sendable (Matrix) throws -> Matrix

    /// The teacher's label rows for observations `[B, obs]`: `[mean | logStd]` for Gaussians,
    /// logits over the temperature for categorical teachers.
    public func labels(for observations: Matrix) throws -> Matrix { try labeler(observations) }

    /// The environment the teacher learned on, built afresh with `seed`.
    public func makeEnvironment(registry: ComponentRegistry, seed: UInt64, path: String) throws -> any Environment {
        try registry.environments.build(environmentSpecification, context: .init(seed: seed), path: path).product
    }

    // MARK: - Loading

    /// Loads the policy saved in the run directory `run` (its `recipe.json` and
    /// `checkpoint.mbrl`).
    ///
    /// - Parameters:
    ///   - temperature: divides Q-values or logits of a discrete teacher (positive).
    ///   - path: where the teacher is named in the caller's config, for error messages.
    /// - Throws: `RecipeError` at `path` naming the file and what is wrong when the directory or
    ///   a file is missing, the recipe or the checkpoint cannot be read, or the run's policy
    ///   cannot teach (a deterministic policy, a planner's run).
    public static func load(run: URL, registry: ComponentRegistry, temperature: Float, path: String) throws -> DistillationTeacher {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: run.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw RecipeError(path: path, message: "the teacher run directory \(run.path) does not exist; give the directory of a finished 'mbrl-run run'")
        }
        let recipeURL = run.appendingPathComponent("recipe.json")
        let checkpointURL = run.appendingPathComponent("checkpoint.mbrl")
        for file in [recipeURL, checkpointURL] where !FileManager.default.fileExists(atPath: file.path) {
            throw RecipeError(path: path, message: "\(file.path) is missing: \(run.path) is not a finished or checkpointed run (it needs recipe.json and checkpoint.mbrl)")
        }
        let saved: Recipe
        do {
            saved = try Recipe.load(from: recipeURL)
        } catch {
            throw RecipeError(path: path, message: "\(recipeURL.path) cannot be read as a recipe: \(error)")
        }
        guard let specification = saved.policyOptimizer else {
            throw RecipeError(path: path, message: "the run in \(run.path) has no policy optimizer (\(recipeURL.path)), so it saved no policy to teach with (a planner's run saves a model)")
        }
        let environment: any Environment
        do {
            environment = try registry.environments.build(saved.environment, context: .init(seed: saved.seed), path: "environment").product
        } catch {
            throw RecipeError(path: path, message: "the environment of \(recipeURL.path) cannot be built: \(error)")
        }
        var optimizer: any PolicyOptimizer
        do {
            optimizer = try registry.policyOptimizers.build(
                specification, context: .init(observationSpace: environment.observationSpace, actionSpace: environment.actionSpace, seed: saved.seed),
                path: "policyOptimizer").product
        } catch {
            throw RecipeError(path: path, message: "the policy optimizer of \(recipeURL.path) cannot be built: \(error)")
        }
        do {
            let checkpoint = try Checkpoint(contentsOf: checkpointURL)
            try optimizer.read(from: checkpoint, prefix: "policyOptimizer")
        } catch {
            throw RecipeError(path: path, message: "\(checkpointURL.path) cannot be loaded as the policy of \(recipeURL.path): \(error)")
        }
        let (kind, policy, labeler) = try teaching(optimizer.policy, temperature: temperature, run: run, path: path)
        return DistillationTeacher(run: run, kind: kind, environmentSpecification: saved.environment, environmentID: environment.id,
                                   observationSpace: environment.observationSpace, actionSpace: environment.actionSpace,
                                   seed: saved.seed, policy: policy, labeler: labeler)
    }

    /// The kind, acting policy and labeler of a loaded policy.
    static func teaching(_ loaded: any Policy, temperature: Float, run: URL, path: String) throws
        -> (Kind, any Policy, @Sendable (Matrix) throws -> Matrix) {
        guard temperature.isFinite, temperature > 0 else {
            throw RecipeError(path: "temperature", message: "the temperature must be a positive number, got \(temperature)")
        }
        switch loaded {
        case let policy as SquashedGaussianMLPPolicy:
            return (.squashedGaussian, policy, { try policy.distillationLabels(for: $0) })
        case let recording as SampleRecordingPolicy<DiagonalGaussianMLPPolicy>:
            let policy = recording.policy
            return (.diagonalGaussian, policy, { try policy.distillationLabels(for: $0) })
        case let policy as DiagonalGaussianMLPPolicy:
            return (.diagonalGaussian, policy, { try policy.distillationLabels(for: $0) })
        case let recording as SampleRecordingPolicy<CategoricalMLPPolicy>:
            let policy = recording.policy
            return (.categorical, policy, { try PolicyDistillationLoss.softenedLogits(policy.distillationLabels(for: $0), temperature: temperature) })
        case let policy as CategoricalMLPPolicy:
            return (.categorical, policy, { try PolicyDistillationLoss.softenedLogits(policy.distillationLabels(for: $0), temperature: temperature) })
        case let policy as EpsilonGreedyQPolicy:
            return (.categorical, policy, { try PolicyDistillationLoss.softenedLogits(policy.actionValues(for: $0), temperature: temperature) })
        default:
            throw RecipeError(path: path, message: "the policy saved in \(run.path) is a \(type(of: loaded)), which has no action distribution to distil; teachers are runs of \"sac\", \"mbpo\", \"trpo\", \"dqn\" or \"dyna\"")
        }
    }
}
