import MBRLCore

/// The fewest steps from an environment's start to termination, and whether a policy takes that
/// few, for deterministic environments with discrete observations (the mazes). Used by the
/// `"updates-to-optimal-path"` measure of `MazeExperiment`.
///
/// ```swift
/// let fewest = try MazeShortestPath.fewestSteps(from: DynaMaze(), actionCount: 4)   // 14
/// ```
public enum MazeShortestPath {
    /// Breadth-first search from the state `reset()` gives, stepping copies of `environment`
    /// with every action; a state is the observation row. Returns the fewest steps to a
    /// terminating step, or `nil` when no terminating step is reachable within `stateLimit`
    /// distinct observations.
    public static func fewestSteps<E: StatefulEnvironment>(from environment: E, actionCount: Int,
                                                           stateLimit: Int = 1_000_000) throws -> Int? {
        var start = try environment.clone()
        let first = try start.reset(seed: nil)
        var seen: Set<[Float]> = [first]
        var frontier = [start]
        var depth = 0
        while !frontier.isEmpty {
            depth += 1
            var next: [E] = []
            for state in frontier {
                for action in 0..<actionCount {
                    var copy = try state.clone()
                    let step = try copy.step([Float(action)])
                    if step.terminated { return depth }
                    if step.truncated || seen.contains(step.observation) { continue }
                    seen.insert(step.observation)
                    guard seen.count <= stateLimit else { return nil }
                    next.append(copy)
                }
            }
            frontier = next
        }
        return nil
    }

    /// Whether `policy`, acting in `.evaluation` mode from `reset()` in a copy of `environment`,
    /// terminates within `steps` steps. With `steps` the fewest possible, this says whether the
    /// policy follows a shortest path.
    public static func reachesGoal<E: StatefulEnvironment>(_ policy: some Policy, in environment: E, within steps: Int,
                                                           generator: inout RandomGenerator) throws -> Bool {
        var copy = try environment.clone()
        var observation = try copy.reset(seed: nil)
        for _ in 0..<steps {
            let action = try policy.action(for: observation, mode: .evaluation, generator: &generator)
            let step = try copy.step(action)
            if step.terminated { return true }
            if step.truncated { return false }
            observation = step.observation
        }
        return false
    }
}
