import MBRLCore

extension RolloutMemberSelection {
    /// The start states `[N, obs]` repeated once per member, `[memberCount * N, obs]`, and the
    /// member of each row (`0` for the first `N` rows, `1` for the next, ...), so that one rollout
    /// with given members scores every start state in every member separately (ME-TRPO's
    /// per-member validation, policy backpropagation's `each`).
    ///
    /// ```swift
    /// let (rows, members) = RolloutMemberSelection.everyMember(starts, memberCount: 5)
    /// ```
    public static func everyMember(_ starts: Matrix, memberCount: Int) -> (starts: Matrix, members: [Int]) {
        var tiled: [Float] = []
        tiled.reserveCapacity(memberCount * starts.values.count)
        for _ in 0..<memberCount { tiled.append(contentsOf: starts.values) }
        let members = (0..<memberCount).flatMap { Array(repeating: $0, count: starts.rows) }
        return (Matrix(rows: memberCount * starts.rows, columns: starts.columns, values: tiled), members)
    }
}
