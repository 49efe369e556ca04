import Foundation
import MBRLCore

/// Reads expert transitions for `loop.expertTransitions`. The format is the project's replay
/// buffer checkpoint (`ReplayBuffer.save(to:)`: binary arrays under the prefix `replayBuffer`,
/// observations `[N, obs]`, actions `[N, act]`, rewards, next observations, terminated and
/// truncated flags, episode indices). Three places hold one:
///
/// - `expert-transitions.mbrl`, which a run with `"modelData": "expert-and-learner"` writes (its
///   expert data);
/// - a run's `checkpoint.mbrl` (every transition that run stored);
/// - a run directory, meaning its `checkpoint.mbrl`.
///
/// ```swift
/// let expert = try ExpertTransitionsFile.load("runs/dagger-pointmass-wall-seed0/expert-transitions.mbrl",
///                                             environment: environment)
/// ```
public enum ExpertTransitionsFile {
    /// The file name expert-and-learner runs write their expert data to.
    public static let fileName = "expert-transitions.mbrl"

    /// The transitions in `path`, checked against `environment`'s sizes.
    ///
    /// - Throws: `RecipeError` at `loop.expertTransitions` naming the file and what is wrong: it
    ///   is missing, unreadable, holds no replay buffer, or its observation or action sizes differ
    ///   from the environment's (both named).
    public static func load(_ path: String, environment: any Environment) throws -> ReplayBuffer {
        let keyPath = "loop.expertTransitions"
        var url = URL(fileURLWithPath: path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw RecipeError(path: keyPath, message: "the expert transitions file \(url.path) does not exist; give a replay-buffer file (\(fileName)), a checkpoint.mbrl or a run directory")
        }
        if isDirectory.boolValue {
            url = url.appendingPathComponent("checkpoint.mbrl")
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw RecipeError(path: keyPath, message: "the run directory \(path) has no checkpoint.mbrl holding transitions")
            }
        }
        let buffer: ReplayBuffer
        do {
            buffer = try ReplayBuffer(checkpoint: try Checkpoint(contentsOf: url))
        } catch {
            throw RecipeError(path: keyPath, message: "\(url.path) is not a readable transitions file (a replay-buffer checkpoint): \(error)")
        }
        guard buffer.observationSize == environment.observationSize, buffer.actionSize == environment.actionSize else {
            throw RecipeError(path: keyPath, message: "the expert transitions in \(url.path) have observations of shape [\(buffer.observationSize)] and actions of shape [\(buffer.actionSize)], but \(environment.id) has observations of shape [\(environment.observationSize)] and actions of shape [\(environment.actionSize)]")
        }
        guard !buffer.isEmpty else {
            throw RecipeError(path: keyPath, message: "\(url.path) holds no transitions")
        }
        return buffer
    }
}
