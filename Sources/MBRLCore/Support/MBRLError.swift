/// The errors the framework's core raises, each with a message a person can act on.
///
/// Modules add their own error types where they need more structure; every one of them
/// conforms to `CustomStringConvertible` so the runner can print it as it is.
public enum MBRLError: Error, CustomStringConvertible, Equatable, Sendable {
    /// An argument was out of its valid range or of the wrong form.
    case invalidArgument(String)
    /// Two shapes that must agree do not; the message names both.
    case shapeMismatch(String)
    /// A value that must be finite was NaN or infinite; the message says where.
    case nonFinite(String)
    /// A file could not be read or written, or had the wrong format or version.
    case fileFormat(String)
    /// A component cannot be used with another (for example a planner that needs gradients
    /// with a model that has none).
    case incompatible(String)
    /// An environment or external process failed.
    case environmentFailure(String)

    public var description: String {
        switch self {
        case .invalidArgument(let message): return "invalid argument: \(message)"
        case .shapeMismatch(let message): return "shape mismatch: \(message)"
        case .nonFinite(let message): return "non-finite value: \(message)"
        case .fileFormat(let message): return "file error: \(message)"
        case .incompatible(let message): return "incompatible components: \(message)"
        case .environmentFailure(let message): return "environment failure: \(message)"
        }
    }
}
