import MBRLCore

/// Range checks for planner configs built in code (recipes are checked while decoding).
enum ConfigCheck {
    /// Throws `MBRLError.invalidArgument(message)` unless `condition` holds.
    static func require(_ condition: Bool, _ message: @autoclosure () -> String) throws {
        guard condition else { throw MBRLError.invalidArgument(message()) }
    }

    /// `ceil(count * fraction)` as mbrl-lib computes it in double precision from decimal
    /// settings: the `Float` fraction is read back through its shortest decimal form, so
    /// `100 * 0.1` is 10, not 11 (0.1 as a `Float` is slightly above one tenth).
    static func roundedUpProduct(_ count: Int, _ fraction: Float) -> Int {
        let decimal = Double(fraction.description) ?? Double(fraction)
        return Int((Double(count) * decimal).rounded(.up))
    }
}
