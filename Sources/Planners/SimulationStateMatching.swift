import MBRLCore

/// Decides whether two simulator states are the same, so a search tree's subtree can be reused
/// after a real step.
///
/// - States that are `StatefulEnvironment`s (a `PerfectModel`'s cloned environments) match when
///   they have the same type and equal `physicalState`s, entry by entry.
/// - Other `Equatable` states (for example an observation row of a deterministic learned model)
///   match when `==` says so.
/// - Anything else cannot be compared, and is never reused.
enum SimulationStateMatching {
    /// Whether `first` and `second` are the same state, or `nil` when they cannot be compared.
    static func matches<State>(_ first: State, _ second: State) -> Bool? {
        if let first = first as? any StatefulEnvironment, let second = second as? any StatefulEnvironment {
            return type(of: first) == type(of: second) && first.physicalState == second.physicalState
        }
        if let first = first as? any Equatable {
            return equal(first, second)
        }
        return nil
    }

    private static func equal<Value: Equatable>(_ first: Value, _ second: Any) -> Bool {
        guard let second = second as? Value else { return false }
        return first == second
    }
}
