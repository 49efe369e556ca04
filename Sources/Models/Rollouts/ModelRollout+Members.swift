import MBRLCore

extension ModelRollout {
    /// Rolls out from the given start states, each trajectory stepping through the ensemble
    /// member given for its start row at every step (ME-TRPO scores a policy in every member
    /// separately this way); `config.memberSelection` is not used.
    ///
    /// ```swift
    /// let starts = Matrix(rows: 2 * 50, columns: 3, values: tiledStates)     // 50 states, twice
    /// let members = Array(repeating: 0, count: 50) + Array(repeating: 1, count: 50)
    /// let imagined = try rollout.run(model: ensemble, policy: policy, startObservations: starts,
    ///                                members: members, generator: &generator)
    /// // imagined.members[i] == members[imagined.startRows[i]]
    /// ```
    ///
    /// - Parameters:
    ///   - model: the ensemble; member indices number the members it predicts with.
    ///   - policy: acts on whole batches (mode `config.actionMode`).
    ///   - startObservations: `[N, obs]`.
    ///   - members: `[N]`, the member of each start row's trajectory, in `0..<model.memberCount`.
    ///   - generator: the policy's and the model's noise.
    /// - Returns: every transition made (see `ImaginedTransitions`).
    /// - Throws: `MBRLError.shapeMismatch` when `members` does not have one entry per start row,
    ///   `MBRLError.invalidArgument` for a member index out of range; otherwise as
    ///   `run(model:policy:startObservations:generator:)`.
    public func run(model: some EnsembleDynamicsModel, policy: some Policy, startObservations: Matrix, members: [Int],
                    generator: inout RandomGenerator) throws -> ImaginedTransitions {
        guard members.count == startObservations.rows else {
            throw MBRLError.shapeMismatch(
                "give one member per start row: \(startObservations.rows) start rows, \(members.count) members")
        }
        if let bad = members.first(where: { $0 < 0 || $0 >= model.memberCount }) {
            throw MBRLError.invalidArgument(
                "member \(bad) is out of range: the ensemble predicts with members 0..<\(model.memberCount)")
        }
        return try rollOut(model: model, policy: policy, startObservations: startObservations, givenMembers: members,
                           generator: &generator)
    }
}
