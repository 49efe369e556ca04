import Foundation
import MBRLCore

/// Loads the policy of an earlier run as an agent (an expert): the run's `recipe.json` names its
/// policy optimizer, which is rebuilt from the registry for this environment and given the state
/// saved in the run's `checkpoint.mbrl`.
///
/// ```json
/// "acting": {"exploration": {"type": "saved-policy", "run": "runs/sac-pendulum-seed0"}}
/// ```
public enum SavedPolicyLoader {
    /// A `PolicyAgent` acting with the policy saved in the run directory `run`.
    ///
    /// - Throws: `RecipeError` at `path` when the directory holds no run, the run had no policy
    ///   optimizer, or its spaces differ from `environment`'s.
    public static func agent(run: URL, registry: ComponentRegistry, environment: any Environment, path: String) throws -> PolicyAgent {
        let recipeURL = run.appendingPathComponent("recipe.json")
        let checkpointURL = run.appendingPathComponent("checkpoint.mbrl")
        guard FileManager.default.fileExists(atPath: recipeURL.path), FileManager.default.fileExists(atPath: checkpointURL.path) else {
            throw RecipeError(path: path, message: "\(run.path) is not a finished or checkpointed run (it needs recipe.json and checkpoint.mbrl)")
        }
        let saved = try Recipe.load(from: recipeURL)
        guard let specification = saved.policyOptimizer else {
            throw RecipeError(path: path, message: "the run in \(run.path) has no policy optimizer, so it saved no policy (a planner's run saves a model)")
        }
        let (savedEnvironment, _) = try registry.environments.build(saved.environment, context: .init(seed: saved.seed), path: "\(path) (saved environment)")
        guard savedEnvironment.observationSpace == environment.observationSpace, savedEnvironment.actionSpace == environment.actionSpace else {
            throw RecipeError(path: path, message: "the run in \(run.path) learned on \(savedEnvironment.id) (observations \(shape(savedEnvironment.observationSpace)), actions \(shape(savedEnvironment.actionSpace))), which differ from \(environment.id)'s (observations \(shape(environment.observationSpace)), actions \(shape(environment.actionSpace))); an expert must act in the same spaces")
        }
        var (optimizer, _) = try registry.policyOptimizers.build(
            specification, context: .init(observationSpace: environment.observationSpace, actionSpace: environment.actionSpace, seed: saved.seed),
            path: "\(path) (saved policyOptimizer)")
        do {
            let checkpoint = try Checkpoint(contentsOf: checkpointURL)
            try optimizer.read(from: checkpoint, prefix: "policyOptimizer")
        } catch {
            throw RecipeError(path: path, message: "\(checkpointURL.path) does not hold the saved policy of \(specification.stringValue ?? specification["type"]?.stringValue ?? "the run's policy optimizer"): \(error)")
        }
        return PolicyAgent(policy: optimizer.policy, name: "saved policy of \(run.lastPathComponent)")
    }

    /// A space's shape for messages: `Box [6]` or `Discrete(3)`.
    static func shape(_ space: Space) -> String {
        switch space {
        case .box(let box): return "Box [\(box.size)]"
        case .discrete(let discrete): return "Discrete(\(discrete.count))"
        }
    }
}
