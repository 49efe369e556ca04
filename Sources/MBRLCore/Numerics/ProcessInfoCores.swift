import Foundation

/// The machine's core count, read once. `MBRL_THREADS` in the environment overrides it (for
/// example `MBRL_THREADS=1` to measure one core).
public enum ProcessInfoCores {
    /// The number of worker threads numeric kernels use by default.
    public static let activeCount: Int = {
        if let text = ProcessInfo.processInfo.environment["MBRL_THREADS"], let value = Int(text), value > 0 {
            return value
        }
        return max(1, ProcessInfo.processInfo.activeProcessorCount)
    }()
}
