import MBRLCore

/// Range checks for planner configs built in code (recipes are checked while decoding).
enum ConfigCheck {
    /// Throws `MBRLError.invalidArgument(message)` unless `condition` holds.
    static func require(_ condition: Bool, _ message: @autoclosure () -> String) throws {
        guard condition else { throw MBRLError.invalidArgument(message()) }
    }
}
