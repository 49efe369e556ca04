import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writing to a pipe whose reader has died raises SIGPIPE, which would end this process; the
/// bridge ignores it (process-wide, once) and handles the `EPIPE` error instead.
private let brokenPipeSignalIgnored: Bool = {
    signal(SIGPIPE, SIG_IGN)
    return true
}()

/// The Python child process behind a `GymnasiumEnvironment`: starts it, exchanges one line per
/// request with a timeout, and stops and reaps it. Stderr goes to a temporary file (so a chatty
/// child can never block on a full pipe) whose tail is quoted in errors.
final class GymnasiumEnvironmentProcess {
    let environmentIdentifier: String
    let pythonPath: String
    private let process: Process
    private let inputHandle: FileHandle
    private let outputHandle: FileHandle
    private let standardErrorURL: URL
    private var pending: [UInt8] = []
    private var isStopped = false
    /// The error that made the process unusable; every later request throws it again.
    private(set) var failure: GymnasiumEnvironmentError?

    /// Starts `python -u -c <script> <arguments...>`.
    init(python: String, script: String, arguments: [String], environmentIdentifier: String) throws {
        _ = brokenPipeSignalIgnored
        self.environmentIdentifier = environmentIdentifier
        self.pythonPath = try Self.resolveExecutable(python)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: pythonPath)
        process.arguments = ["-u", "-c", script] + arguments
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        standardErrorURL = FileManager.default.temporaryDirectory
            .appendingPathComponent("gymnasium-bridge-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString).log")
        guard FileManager.default.createFile(atPath: standardErrorURL.path, contents: nil),
              let errorHandle = try? FileHandle(forWritingTo: standardErrorURL) else {
            throw GymnasiumEnvironmentError.launchFailed(python: pythonPath, reason: "cannot create the stderr log \(standardErrorURL.path)")
        }
        process.standardError = errorHandle
        do {
            try process.run()
        } catch {
            try? errorHandle.close()
            try? FileManager.default.removeItem(at: standardErrorURL)
            throw GymnasiumEnvironmentError.launchFailed(python: pythonPath, reason: "\(error)")
        }
        // The child holds its own copies; closing ours lets end-of-file reach each side.
        try? errorHandle.close()
        try? input.fileHandleForReading.close()
        try? output.fileHandleForWriting.close()
        self.process = process
        self.inputHandle = input.fileHandleForWriting
        self.outputHandle = output.fileHandleForReading
    }

    deinit {
        stop(graceful: true)
    }

    /// The child's process id.
    var processIdentifier: Int32 { process.processIdentifier }

    /// Whether the child is still running.
    var isRunning: Bool { process.isRunning }

    /// `python` itself when it is a path, otherwise the first executable of that name on `PATH`.
    static func resolveExecutable(_ python: String) throws -> String {
        if python.contains("/") {
            guard FileManager.default.isExecutableFile(atPath: python) else {
                throw GymnasiumEnvironmentError.pythonNotFound(python: python, searched: "that path (no executable file there)")
            }
            return python
        }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") where !directory.isEmpty {
            let candidate = directory.hasSuffix("/") ? "\(directory)\(python)" : "\(directory)/\(python)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw GymnasiumEnvironmentError.pythonNotFound(python: python, searched: "PATH=\(path)")
    }

    // MARK: - Requests

    /// Sends `line` (without its newline) and returns the next response line.
    func request(_ line: [UInt8], name: String, timeout: Double) throws -> [UInt8] {
        if let failure { throw failure }
        guard !isStopped else { throw GymnasiumEnvironmentError.closed(id: environmentIdentifier) }
        guard writeAll(line + [10]) else { throw processEnded(during: name) }
        return try readLine(name: name, timeout: timeout)
    }

    /// Reads the next line the child writes, waiting at most `timeout` seconds.
    func readLine(name: String, timeout: Double) throws -> [UInt8] {
        if let failure { throw failure }
        let deadline = ContinuousClock.now + .milliseconds(Int64(max(timeout, 0) * 1000))
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        let descriptor = outputHandle.fileDescriptor
        while true {
            if let newline = pending.firstIndex(of: 10) {
                let line = Array(pending[..<newline])
                pending.removeSubrange(...newline)
                return line
            }
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else {
                let error = GymnasiumEnvironmentError.timedOut(id: environmentIdentifier, request: name, seconds: timeout)
                fail(with: error, graceful: false)
                throw error
            }
            let (seconds, attoseconds) = remaining.components
            let milliseconds = Int32(clamping: max(seconds * 1000 + attoseconds / 1_000_000_000_000_000, 1))
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, milliseconds)
            if ready < 0 {
                if errno == EINTR { continue }
                throw processEnded(during: name)
            }
            if ready == 0 { continue }
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw processEnded(during: name)
            }
            if count == 0 { throw processEnded(during: name) }
            pending.append(contentsOf: chunk[..<count])
        }
    }

    /// Writes every byte to the child's stdin; false when the pipe is broken.
    private func writeAll(_ bytes: [UInt8]) -> Bool {
        let descriptor = inputHandle.fileDescriptor
        return bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += written
            }
            return true
        }
    }

    // MARK: - Failures and stopping

    /// Records `error`, stops the child and keeps the error for later requests.
    func fail(with error: GymnasiumEnvironmentError, graceful: Bool) {
        if failure == nil { failure = error }
        stop(graceful: graceful)
    }

    /// The error for a child that closed its output or input: waits briefly for its exit status
    /// and quotes its stderr.
    private func processEnded(during name: String) -> GymnasiumEnvironmentError {
        _ = waitForExit(seconds: 5)
        let status: String
        if process.isRunning {
            status = "closed its output but kept running"
        } else if process.terminationReason == .uncaughtSignal {
            status = "was killed by signal \(process.terminationStatus)\(Self.signalName(process.terminationStatus))"
        } else {
            status = "exited with status \(process.terminationStatus)"
        }
        let error = GymnasiumEnvironmentError.processExited(
            id: environmentIdentifier, request: name, status: status, standardErrorTail: standardErrorTail())
        fail(with: error, graceful: false)
        return error
    }

    private static func signalName(_ number: Int32) -> String {
        switch number {
        case SIGKILL: return " (SIGKILL)"
        case SIGTERM: return " (SIGTERM)"
        case SIGSEGV: return " (SIGSEGV)"
        case SIGABRT: return " (SIGABRT)"
        case SIGINT: return " (SIGINT)"
        default: return ""
        }
    }

    /// The last lines (at most 20 lines, 2,000 characters) the child wrote to stderr.
    func standardErrorTail() -> String {
        guard let data = FileManager.default.contents(atPath: standardErrorURL.path), !data.isEmpty else { return "" }
        let text = String(decoding: data.suffix(4000), as: UTF8.self)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).suffix(21)
        return String(lines.joined(separator: "\n").suffix(2000)).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Stops the child and waits until it has been reaped. Graceful: close its input (the script
    /// closes the environment and exits), then SIGTERM, then SIGKILL; otherwise SIGKILL at once.
    func stop(graceful: Bool) {
        guard !isStopped else { return }
        isStopped = true
        try? inputHandle.close()
        if process.isRunning {
            if graceful && waitForExit(seconds: 2) {
                // exited on end of input
            } else if graceful {
                process.terminate()
                if !waitForExit(seconds: 2) { kill(process.processIdentifier, SIGKILL) }
            } else {
                kill(process.processIdentifier, SIGKILL)
            }
            _ = waitForExit(seconds: 30)
        }
        try? outputHandle.close()
        try? FileManager.default.removeItem(at: standardErrorURL)
    }

    /// Polls until the child has exited (and been reaped by Foundation) or `seconds` pass.
    private func waitForExit(seconds: Double) -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        while process.isRunning {
            if ContinuousClock.now >= deadline { return false }
            usleep(2_000)
        }
        return true
    }
}
