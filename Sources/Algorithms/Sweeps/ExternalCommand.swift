import Foundation

/// Runs a program found on `PATH` (`sbatch`, `squeue`, `sacct`) and collects its output.
///
/// ```swift
/// if let result = ExternalCommand.run("squeue", ["-h", "-r", "-j", "42"]), result.status == 0 {
///     print(result.output)
/// }
/// ```
public enum ExternalCommand {
    /// What a finished program printed and its exit status.
    public struct Result: Sendable {
        public var status: Int32
        public var output: String
        public var errorOutput: String
    }

    /// The program `name` on `PATH` (or `name` itself when it holds a slash), or nil.
    public static func find(_ name: String, path: String? = ProcessInfo.processInfo.environment["PATH"]) -> URL? {
        if name.contains("/") {
            return FileManager.default.isExecutableFile(atPath: name) ? URL(fileURLWithPath: name) : nil
        }
        for directory in (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") where !directory.isEmpty {
            let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return nil
    }

    /// Runs `name` with `arguments` and waits; nil when the program is not on `PATH` or cannot
    /// be started.
    public static func run(_ name: String, _ arguments: [String]) -> Result? {
        guard let executable = find(name) else { return nil }
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        // Read both pipes to the end before waiting, so a full pipe cannot block the program.
        let errorReader = PipeReader(errors.fileHandleForReading)
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = errorReader.wait()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, output: String(decoding: outputData, as: UTF8.self),
                      errorOutput: String(decoding: errorData, as: UTF8.self))
    }
}
