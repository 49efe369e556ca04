import MBRLCore

/// What a differentiable model rollout visited: the states of every step, the rewards and which
/// rows were still alive, so that a value function can be fitted on the imagined returns
/// (`PolicyBackpropagation`'s critic at the horizon's end).
///
/// For a horizon `H` and `N` start rows: `observations` has `H + 1` matrices `[N, obs]`
/// (`s_0 ... s_H`), `rewards` has `H` arrays `[N]` and `alive` has `H + 1` arrays `[N]` (1 while
/// the row has not terminated before that step, else 0; `alive[H]` masks the terminal value).
///
/// ```swift
/// let result = try rollout.returnAndGradient(policy: policy, model: model, startObservations: starts,
///                                            generator: &generator)
/// let targets = result.trajectory?.rewardsToGo(discount: 0.99)   // [H][N]
/// ```
public struct DifferentiableRolloutTrajectory: Sendable, Equatable {
    /// `s_0 ... s_H`, each `[N, obs]`.
    public var observations: [Matrix]
    /// `r_0 ... r_{H-1}`, each `[N]`.
    public var rewards: [[Float]]
    /// `alive_0 ... alive_H`, each `[N]`, 1 or 0.
    public var alive: [[Float]]
    /// `V(s_H)` `[N]` when the rollout added a terminal value.
    public var terminalValues: [Float]?

    /// A trajectory as given.
    public init(observations: [Matrix], rewards: [[Float]], alive: [[Float]], terminalValues: [Float]? = nil) {
        self.observations = observations
        self.rewards = rewards
        self.alive = alive
        self.terminalValues = terminalValues
    }

    /// The discounted return from every step to the horizon's end, bootstrapped with
    /// `bootstrap` `[N]` (the value of `s_H`; zeros when `nil`):
    /// `G_t = sum_{k >= t} discount^(k - t) * alive_k * r_k + discount^(H - t) * alive_H * V(s_H)`,
    /// for `t < H`, each `[N]`. A row dead at `t` has `G_t = 0`.
    public func rewardsToGo(discount: Float, bootstrap: [Float]? = nil) -> [[Float]] {
        let horizon = rewards.count
        guard horizon > 0, let rows = rewards.first?.count else { return [] }
        var running = (0..<rows).map { row in (alive.last?[row] ?? 0) * (bootstrap?[row] ?? 0) }
        var result = [[Float]](repeating: [], count: horizon)
        for step in stride(from: horizon - 1, through: 0, by: -1) {
            for row in 0..<rows { running[row] = alive[step][row] * rewards[step][row] + discount * running[row] }
            result[step] = running
        }
        return result
    }
}
